import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendWasm, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_POOL_SIZE_GLOBAL } from './names';
import { wasmThreads } from './threads';
import { kernelThreadsOf, setKernelThreads, wasmModuleOf } from './wasmModule';
import { shareDataInWasmIdentity } from './wasmIdentity';

export { wasmThreads } from './threads';

/** Where and how to run tfjs's backends. */
export interface BackendSettings {
  /**
   * Logical cores of the machine (`navigator.hardwareConcurrency`), to size the wasm backend's
   * thread pool with {@link wasmThreads}; tfjs's own default when absent (Node, tests).
   */
  cores?: number;
  /**
   * Threads to start the wasm backend with (`chooseWasmThreads` in threads.ts), in place of
   * {@link wasmThreads}'s fixed policy; needs `cores`.
   */
  threads?: number;
  /**
   * The most threads that {@link switchWasmThreads} may later ask for (default `threads`): the
   * pthread pool gets the workers they need from the start, as none can be added while training.
   */
  maxThreads?: number;
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
  if (settings.cores) {
    const threads = settings.threads ?? wasmThreads(settings.cores);
    useWasmThreads(threads, Math.max(threads, settings.maxThreads ?? threads));
  }
  shareDataInWasmIdentity();
}

/**
 * Asks tfjs's wasm backend for `threads` threads, and its pthread pool for the workers that
 * `most` threads need ({@link wasmPoolSize}) instead of the 8 it starts by default. Its module
 * caps any count at half of `navigator.hardwareConcurrency`, read once as it starts, whatever
 * setThreadsCount asked; so where that half is lower than `most`, this scope reports twice
 * `most` as its cores. Call it in the lab's worker (or a benchmark page) only: nothing else
 * there reads the figure.
 */
function useWasmThreads(threads: number, most = threads): void {
  setThreadsCount(threads);
  // Read by tfjs's threaded glue as its module starts, once astro.config.mjs has rewritten it.
  (globalThis as Record<string, unknown>)[WASM_POOL_SIZE_GLOBAL] = wasmPoolSize(most);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav && (nav.hardwareConcurrency ?? 0) < 2 * most) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * most, configurable: true });
}

/** tfjs's active backend when it is wasm, else undefined. */
function activeWasmBackend(): BackendWasm | undefined {
  return tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : undefined;
}

/**
 * Threads the active wasm backend computes a training step on now: those of the lab's own SIMD
 * matmuls, which do nearly all of a step's work (kernelThreadsOf); undefined off wasm.
 */
export function activeWasmThreads(): number | undefined {
  const backend = activeWasmBackend();
  return backend && kernelThreadsOf(backend);
}

/**
 * Gives the active wasm backend `threads` threads, keeping every tensor (weights, optimizer
 * state) where it is. Call it between kernels (any time JavaScript runs: the kernels are
 * synchronous).
 *
 * Two pools follow the count. The lab's own SIMD matmuls (nearly all of a step's work) take it
 * as it is: their helpers are the lab's own workers, started as needed (setKernelThreads). tfjs's
 * XNNPACK pool, which runs tfjs's own kernels, follows where it can: `init_with_threads_count`
 * makes a new pool and points the module at it (each kernel passes the current pool to XNNPACK
 * on every call), leaving the old one behind with its workers asleep and held. A pool of n
 * threads takes n - 1 of the pthread workers that {@link registerBackends} started and none can
 * be added while this thread waits, so after a drop that pool stays smaller; going down always
 * works.
 * @returns the count now, or undefined when wasm is not active, or `threads` is over 1 and
 *   tfjs's module is not the threaded build (its memory is not shared: no helper can join).
 */
export function switchWasmThreads(threads: number): number | undefined {
  const backend = activeWasmBackend();
  if (!backend) return undefined;
  const wasm = wasmModuleOf(backend);
  if (threads > 1 && !wasm.PThread) return undefined;
  const unused = wasm.PThread?.unusedWorkers?.length ?? 0;
  if (wasm.tfjs.getThreadsCount() !== threads && threads - 1 <= unused) wasm.tfjs.initWithThreadsCount(threads);
  setKernelThreads(backend, threads);
  return threads;
}
