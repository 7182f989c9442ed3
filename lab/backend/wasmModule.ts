import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * What the lab reaches in the Emscripten module behind tfjs's wasm backend (`backend.wasm`): its
 * C entry points for the XNNPACK thread pool, and Emscripten's pthread workers. A type-only
 * import, so this file registers nothing (importing tfjs-backend-wasm itself registers the
 * backend, and would make it the default).
 */
export interface WasmThreadModule {
  tfjs: { initWithThreadsCount(threads: number): void; getThreadsCount(): number };
  /** Emscripten's pthread bookkeeping: present only in tfjs's threaded build. */
  PThread?: { unusedWorkers?: unknown[] };
}

/** The Emscripten module of a wasm backend. */
export function wasmModuleOf(backend: BackendWasm): WasmThreadModule {
  return (backend as unknown as { wasm: WasmThreadModule }).wasm;
}

/** Threads of `backend`'s XNNPACK pool now (tfjs's exported getThreadsCount says only the first count; register.ts's switchWasmThreads changes it in place). */
export function wasmThreadsOf(backend: BackendWasm): number {
  return wasmModuleOf(backend).tfjs.getThreadsCount();
}

/** The thread count each backend's own kernels were last given (see {@link setKernelThreads}). */
const kernelThreads = new WeakMap<BackendWasm, number>();

/**
 * Threads the lab's own SIMD matmuls use on `backend` (the caller and its helper workers): what
 * {@link setKernelThreads} last gave, else the size of tfjs's XNNPACK pool.
 */
export function kernelThreadsOf(backend: BackendWasm): number {
  return kernelThreads.get(backend) ?? wasmThreadsOf(backend);
}

/**
 * Gives the lab's own SIMD matmuls on `backend` `threads` threads. Their helpers are the lab's
 * own workers, not tfjs's pthread pool, so this count can go back up after a drop, where the
 * pool's cannot (see register.ts's switchWasmThreads).
 */
export function setKernelThreads(backend: BackendWasm, threads: number): void {
  kernelThreads.set(backend, threads);
}
