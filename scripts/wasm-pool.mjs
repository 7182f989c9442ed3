// tfjs's threaded wasm glue (Emscripten, built with a fixed PTHREAD_POOL_SIZE of 8) starts 8
// pthread workers, each loading the whole wasm module, while the lab uses 2 threads on a 2-core
// machine. The size is a constant in the compiled glue that no setting reaches, so the site's
// bundles (astro.config.mjs) and the probe bench (probe-backends.ts) rewrite it to read the size
// the lab sets (lab/backend/register.ts), or 8 when unset. A tfjs upgrade that changes the glue
// fails the build here rather than silently starting 8 again.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { WASM_POOL_SIZE_GLOBAL } from '../lab/backend/names.ts';

/** Path of tfjs's threaded wasm glue, the one file the rewrite applies to. */
export const THREADED_GLUE = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');

const POOL_SIZE = 'var pthreadPoolSize=8;';

/**
 * The glue's code with its pool size read from the lab's global.
 * @param {string} code the glue's source.
 * @returns {string}
 * @throws when the glue has no such constant (another tfjs).
 */
export function rewritePoolSize(code) {
  if (!code.includes(POOL_SIZE)) throw new Error(`no "${POOL_SIZE}" in tfjs's threaded wasm glue (${THREADED_GLUE}): update scripts/wasm-pool.mjs for this tfjs`);
  return code.replace(POOL_SIZE, `var pthreadPoolSize=globalThis[${JSON.stringify(WASM_POOL_SIZE_GLOBAL)}]??8;`);
}

/** A Vite plugin applying {@link rewritePoolSize}, for the page bundles and the worker bundles alike. */
export function wasmPthreadPool() {
  return {
    name: 'lab-wasm-pthread-pool',
    enforce: /** @type {const} */ ('pre'),
    // Fails every build on a changed glue, whether or not a bundle happens to include it.
    buildStart() {
      rewritePoolSize(readFileSync(THREADED_GLUE, 'utf8'));
    },
    /** @param {string} code @param {string} id */
    transform(code, id) {
      // Wrappers of the same file (commonjs's `?commonjs-es-import`) lack the constant and pass as they are.
      if (id.split('?')[0] !== THREADED_GLUE || !code.includes(POOL_SIZE)) return null;
      return { code: rewritePoolSize(code), map: null };
    },
  };
}
