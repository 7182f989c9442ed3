// Compiles assembly/kernels.ts (AssemblyScript) into the two binaries that simdKernels.ts loads:
// kernels.wasm (memory imported as a plain memory, for tfjs's non-threaded build) and
// kernels-shared.wasm (memory imported shared with maximum 65536 pages, matching the
// WebAssembly.Memory that tfjs's threaded glue creates). Both are committed; rerun after editing
// assembly/kernels.ts:
//
//   node lab/backend/simd/build.mjs            (assemblyscript installed in the repo)
//   ASC_DIR=/tmp/simd-tools node lab/backend/simd/build.mjs   (installed elsewhere)
//
// Needs assemblyscript 0.28 (it brings binaryen); runs offline, in Node 20.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
// The package exports './asc' for `import` only; its package.json (exported as './*') locates it.
const require = createRequire(process.env.ASC_DIR ? `${process.env.ASC_DIR}/` : import.meta.url);
const ascPath = join(dirname(require.resolve('assemblyscript/package.json')), 'dist/asc.js');
const asc = (await import(pathToFileURL(ascPath).href)).default;

const common = ['assembly/kernels.ts', '-O3', '--runtime', 'stub', '--importMemory', '--noExportMemory', '--initialMemory', '1', '--use', 'abort=', '--baseDir', here];
const builds = {
  'kernels.wasm': ['--enable', 'simd'],
  'kernels-shared.wasm': ['--enable', 'simd,threads', '--sharedMemory', '--maximumMemory', '65536'],
};
for (const [out, flags] of Object.entries(builds)) {
  const { error, stderr } = await asc.main([...common, ...flags, '-o', out]);
  if (error) {
    console.error(stderr.toString());
    throw error;
  }
  console.log(`built ${out}`);
}
