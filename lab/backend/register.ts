import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_POOL_SIZE_GLOBAL } from './names';
import { shareDataInWasmIdentity } from './wasmIdentity';

/** Where and how to run tfjs's backends. */
export interface BackendSettings {
  /**
   * Logical cores of the machine (`navigator.hardwareConcurrency`), to size the wasm backend's
   * thread pool with {@link wasmThreads}; tfjs's own default when absent (Node, tests).
   */
  cores?: number;
}

/**
 * Threads for tfjs's wasm backend (XNNPACK) on a machine with `cores` logical cores: half of
 * them, as tfjs does by default (the other half are usually hyper-threads, and the page needs
 * one), but at least 2 where there are 2: on a 2-core machine tfjs's default of 1 thread leaves
 * half the machine idle. There 2 threads train a GPT 1.14-1.16 times faster when the machine is
 * otherwise idle, but 0.48 times as fast while another process holds a core (docs/BENCH.md).
 * At most 8, the size of tfjs's thread pool. Threads exist only in a cross-origin isolated page
 * or worker.
 */
export function wasmThreads(cores: number): number {
  return Math.max(1, Math.min(8, Math.max(Math.min(cores, 2), Math.floor(cores / 2))));
}

/**
 * Pthread workers that tfjs's threaded wasm module needs for `threads` threads: one fewer, as
 * the thread that calls into the module (the lab's worker) is the pool's first thread. Each
 * worker loads the whole module, so spares cost memory and start-up time. At least 1: with an
 * empty pool this Emscripten glue never finishes starting (it waits for the pool to load).
 */
export function wasmPoolSize(threads: number): number {
  return Math.max(1, threads - 1);
}

/**
 * Registers the wasm and webgpu backends beside tfjs's built-in webgl and cpu. Call before the
 * first `tf.setBackend`.
 * @param wasmDirectory URL (in a page or worker) or file path (in Node) of the folder that
 *   holds tfjs's `.wasm` binaries, with a trailing slash; the site serves them itself, so
 *   nothing is fetched from another host.
 */
export function registerBackends(wasmDirectory: string, settings: BackendSettings = {}): void {
  setWasmPaths(wasmDirectory);
  if (settings.cores) useWasmThreads(wasmThreads(settings.cores));
  shareDataInWasmIdentity();
}

/**
 * Asks tfjs's wasm backend for `threads` threads, and its pthread pool for the workers they
 * need ({@link wasmPoolSize}) instead of the 8 it starts by default. Its module caps the count at half of
 * `navigator.hardwareConcurrency`, read once as it starts, whatever setThreadsCount asked; so
 * where that half is lower, this scope reports twice the threads as its cores. Call it in the
 * lab's worker (or a benchmark page) only: nothing else there reads the figure.
 */
function useWasmThreads(threads: number): void {
  setThreadsCount(threads);
  // Read by tfjs's threaded glue as its module starts, once astro.config.mjs has rewritten it.
  (globalThis as Record<string, unknown>)[WASM_POOL_SIZE_GLOBAL] = wasmPoolSize(threads);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav && (nav.hardwareConcurrency ?? 0) < 2 * threads) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
}
