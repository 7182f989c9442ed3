import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * What the lab reaches in the Emscripten module behind tfjs's wasm backend (`backend.wasm`): its
 * C entry points for the XNNPACK thread pool, and Emscripten's pthread workers. A type-only
 * import, so this file registers nothing (importing tfjs-backend-wasm itself registers the
 * backend, and would make it the default).
 */
export interface WasmThreadModule {
  tfjs: { initWithThreadsCount(threads: number): void; getThreadsCount(): number };
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
