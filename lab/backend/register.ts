import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendWasm, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_POOL_SIZE_GLOBAL } from './names';
import { wasmThreads } from './threads';
import { type WasmThreadModule, wasmModuleOf } from './wasmModule';
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

/** The wasm module of tfjs's active backend, or undefined when another backend is active. */
function activeWasmModule(): WasmThreadModule | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  return wasmModuleOf(tf.backend() as BackendWasm);
}

/** Threads of the active wasm backend's XNNPACK pool now (tfjs's getThreadsCount says only the first count); undefined off wasm. */
export function activeWasmThreads(): number | undefined {
  return activeWasmModule()?.tfjs.getThreadsCount();
}

/**
 * Gives the active wasm backend a new XNNPACK thread pool of `threads` threads, keeping every
 * tensor (weights, optimizer state) where it is: each kernel passes the module's current pool
 * to XNNPACK on every call, and `init_with_threads_count` only makes a new pool and points the
 * module at it. Call it between kernels (any time JavaScript runs: the kernels are synchronous).
 * The old pool is left behind, its workers asleep and held; a pool of n threads takes n - 1 of
 * the pthread workers that {@link registerBackends} started, so a switch that needs more workers
 * than are unused is refused: pthreadpool waits for its threads to start, and a new worker
 * could not start while this thread waits. Going down to 1 thread needs none and always works.
 * @returns the count now, or undefined when wasm is not active or the switch was refused.
 */
export function switchWasmThreads(threads: number): number | undefined {
  const wasm = activeWasmModule();
  if (!wasm) return undefined;
  if (wasm.tfjs.getThreadsCount() === threads) return threads;
  const unused = wasm.PThread?.unusedWorkers?.length ?? 0;
  if (threads - 1 > unused) return undefined;
  wasm.tfjs.initWithThreadsCount(threads);
  return wasm.tfjs.getThreadsCount();
}
