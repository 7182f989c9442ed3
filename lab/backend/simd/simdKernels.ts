import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The exports of kernels.wasm (see assembly/kernels.ts): byte offsets into tfjs's heap and counts. */
export interface SimdExports {
  geluForward(x: number, y: number, s: number, n: number): void;
  geluBackward(dy: number, x: number, s: number, dx: number, n: number): void;
  layerNormForward(x: number, gain: number, y: number, xhat: number, rstd: number, rows: number, cols: number, eps: number): void;
}

/** The Emscripten module behind tfjs's wasm backend, as far as this file reads it. */
interface EmscriptenModule {
  /** The threaded build's memory, created by its glue (shared, maximum 65536 pages). */
  wasmMemory?: WebAssembly.Memory;
  /** The module's exports; the non-threaded build exports its memory here. */
  asm?: { memory?: WebAssembly.Memory };
}

/**
 * tfjs's WebAssembly.Memory: the non-threaded glue keeps it as `Module.asm.memory` (the wasm
 * module exports it), the threaded glue as `Module.wasmMemory` (it creates it and sets that
 * property), where `Module` is `backend.wasm`.
 */
export function tfjsMemory(backend: BackendWasm): WebAssembly.Memory {
  const module = (backend as unknown as { wasm: EmscriptenModule }).wasm;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("no WebAssembly.Memory in tfjs's wasm module (another tfjs?)");
  return memory;
}

/**
 * Instantiates our kernels on tfjs's memory: the `shared` build (memory import declared
 * `shared`, maximum 65536 pages, as the threaded glue's) when that memory's buffer is a
 * SharedArrayBuffer, else the plain one.
 */
export async function instantiateSimd(backend: BackendWasm, load: (file: string) => Promise<BufferSource>): Promise<SimdExports> {
  const memory = tfjsMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = await load(shared ? 'kernels-shared.wasm' : 'kernels.wasm');
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  return instance.exports as unknown as SimdExports;
}

/** The byte offset of a tensor's data in tfjs's heap. */
function offset(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}

/** Kernel names registered by {@link registerSimdKernels}. */
export const GELU_FORWARD = 'LabGeluForward';
export const LAYER_NORM_FORWARD = 'LabLayerNormForward';
export const GELU_BACKWARD = 'LabGeluBackward';

/**
 * Registers the SIMD kernels for 'wasm'. Outputs are made with `makeOutput` first (which may
 * grow the heap: the kernels' own accesses follow the Memory, and no JS view is kept), then the
 * kernel gets only offsets.
 */
export function registerSimdKernels(k: SimdExports): void {
  const gelu: tf.KernelFunc = ({ inputs, backend }) => {
    const b = backend as BackendWasm;
    const { x } = inputs as { x: tf.TensorInfo };
    const n = tf.util.sizeFromShape(x.shape);
    if (n % 4 !== 0) throw new Error('geluForward: size not a multiple of 4');
    const y = b.makeOutput(x.shape, 'float32');
    const s = b.makeOutput(x.shape, 'float32');
    k.geluForward(offset(b, x), offset(b, y), offset(b, s), n);
    return [y, s];
  };
  const layerNorm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as BackendWasm;
    const { x, gain } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo };
    const cols = x.shape[x.shape.length - 1]!;
    const rows = tf.util.sizeFromShape(x.shape) / cols;
    if (cols % 4 !== 0) throw new Error('layerNormForward: last axis not a multiple of 4');
    const y = b.makeOutput(x.shape, 'float32');
    const xhat = b.makeOutput(x.shape, 'float32');
    const rstd = b.makeOutput([...x.shape.slice(0, -1), 1], 'float32');
    k.layerNormForward(offset(b, x), offset(b, gain), offset(b, y), offset(b, xhat), offset(b, rstd), rows, cols, (attrs as { epsilon: number }).epsilon);
    return [y, xhat, rstd];
  };
  const geluGrad: tf.KernelFunc = ({ inputs, backend }) => {
    const b = backend as BackendWasm;
    const { dy, x, s } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; s: tf.TensorInfo };
    const n = tf.util.sizeFromShape(x.shape);
    if (n % 4 !== 0) throw new Error('geluBackward: size not a multiple of 4');
    const dx = b.makeOutput(x.shape, 'float32');
    k.geluBackward(offset(b, dy), offset(b, x), offset(b, s), offset(b, dx), n);
    return dx;
  };
  for (const [kernelName, kernelFunc] of [[GELU_FORWARD, gelu], [LAYER_NORM_FORWARD, layerNorm], [GELU_BACKWARD, geluGrad]] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
