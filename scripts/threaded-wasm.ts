// The browser pages of simd-browser.ts start tfjs the same way: its threaded wasm build.
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** tfjs's threaded wasm build on 2 threads, its binaries served from /wasm/ (see simd-browser.ts). */
export async function useThreadedWasm(): Promise<BackendWasm> {
  setWasmPaths('/wasm/');
  setThreadsCount(2);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.backend() as BackendWasm;
}
