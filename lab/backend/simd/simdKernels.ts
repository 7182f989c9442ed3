import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelThreadsOf } from '../wasmModule';
import { GemmThreads } from './gemmThreads';
import { KERNELS_SHARED_WASM, KERNELS_WASM } from './kernelsBinary';

/** The exports of the kernels module (see assembly/kernels.ts): byte offsets into tfjs's heap and counts. */
export interface SimdExports {
  geluForward(x: number, y: number, s: number, n: number): void;
  geluBackward(dy: number, x: number, s: number, dx: number, n: number): void;
  layerNormForward(x: number, gain: number, y: number, xhat: number, rstd: number, rows: number, cols: number, eps: number): void;
  gemm(a: number, aRow: number, aCol: number, b: number, c: number, m: number, k: number, n: number): void;
  channelMatMul(a: number, aRow: number, aCol: number, aChannel: number, filter: number, out: number, channels: number, total: number, m: number, k: number, n: number): void;
  layerNormBackward(dy: number, xhat: number, rstd: number, gain: number, dx: number, dgain: number, rows: number, cols: number): void;
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
 * property), where `Module` is `backend.wasm`. Throws when neither is there (another tfjs).
 */
export function tfjsMemory(backend: BackendWasm): WebAssembly.Memory {
  const module = (backend as unknown as { wasm?: EmscriptenModule }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("no WebAssembly.Memory in tfjs's wasm module (another tfjs?)");
  return memory;
}

/** Base64 to bytes (`atob` exists in pages, workers and Node 16+). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Instantiates our kernels on tfjs's memory, synchronously (the module is about 6 KB: fine in a
 * worker, where the lab trains, and under recent Chromium's 8 MB limit for synchronous compiles
 * on a page's main thread, but over older versions' 4 KB, where it throws and the ops take over):
 * the `shared` build (memory import declared `shared`, maximum 65536 pages, as the threaded
 * glue's) when that memory's buffer is a SharedArrayBuffer, else the plain one. Throws when the
 * memory is not found or the module does not link (a tfjs whose memory differs).
 */
export function instantiateSimd(backend: BackendWasm): SimdExports {
  const memory = tfjsMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(decodeBase64(shared ? KERNELS_SHARED_WASM : KERNELS_WASM));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
}

/** The kernels of each wasm backend instance, or null where they could not be instantiated: decided once per instance. */
const instances = new WeakMap<object, SimdExports | null>();

/** The kernels on `backend`'s memory, instantiated on first use; null when that failed (then never retried). */
export function simdKernelsFor(backend: BackendWasm): SimdExports | null {
  let k = instances.get(backend);
  if (k === undefined) {
    try {
      k = instantiateSimd(backend);
    } catch (e) {
      console.warn('SIMD kernels unavailable, using tfjs ops:', e);
      k = null;
    }
    instances.set(backend, k);
  }
  return k;
}

/** What runs the matmuls of each wasm backend instance (on helper threads where its memory is shared). */
const gemmRunners = new WeakMap<object, GemmThreads>();

/** The matmuls' runner on `backend`'s memory, made on first use. */
function gemmThreadsFor(backend: BackendWasm): GemmThreads {
  let runner = gemmRunners.get(backend);
  if (!runner) {
    runner = new GemmThreads(tfjsMemory(backend), () => new WebAssembly.Module(decodeBase64(KERNELS_SHARED_WASM)));
    gemmRunners.set(backend, runner);
  }
  return runner;
}

/** Off only through {@link setSimdEnabled} (tests, A/B timings). */
let enabled = true;

/**
 * Turns the SIMD path on or off for the whole process (a test and measurement hook: with it off,
 * the layers run their tfjs ops on wasm too).
 */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Whether the layers should use the SIMD kernels now: the active backend is tfjs's wasm, the
 * kernels instantiated on its memory (decided once per backend instance) and the hook is on.
 */
export function simdAvailable(): boolean {
  if (!enabled || tf.getBackend() !== 'wasm') return false;
  return simdKernelsFor(tf.backend() as BackendWasm) !== null;
}

/** Whether these tensors go through the SIMD kernels: all float32, and {@link simdAvailable}. */
export function simdFor(...tensors: tf.Tensor[]): boolean {
  return tensors.every((t) => t.dtype === 'float32') && simdAvailable();
}

/** The byte offset of a tensor's data in tfjs's heap. */
function offset(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}

/** The kernels of `backend`; the layers call them only after {@link simdAvailable}. */
function kernels(backend: BackendWasm): SimdExports {
  const k = simdKernelsFor(backend);
  if (!k) throw new Error('SIMD kernels unavailable on this backend');
  return k;
}

/** Kernel names registered for 'wasm' when this module loads. */
export const GELU_FORWARD = 'LabGeluForward';
export const LAYER_NORM_FORWARD = 'LabLayerNormForward';
export const GELU_BACKWARD = 'LabGeluBackward';
export const MAT_MUL = 'LabMatMul';
export const CHANNEL_MAT_MUL = 'LabChannelMatMul';
export const LAYER_NORM_BACKWARD = 'LabLayerNormBackward';

/** tanh-GELU: inputs {x} float32 (size a multiple of 4); outputs [y, s] with s = sigmoid(z). */
const gelu: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as BackendWasm;
  const { x } = inputs as { x: tf.TensorInfo };
  const n = tf.util.sizeFromShape(x.shape);
  if (n % 4 !== 0) throw new Error('geluForward: size not a multiple of 4');
  const k = kernels(b);
  const y = b.makeOutput(x.shape, 'float32');
  const s = b.makeOutput(x.shape, 'float32');
  k.geluForward(offset(b, x), offset(b, y), offset(b, s), n);
  return [y, s];
};

/** LayerNorm forward over the last axis (a multiple of 4): inputs {x, gain}, attrs {epsilon}; outputs [y, x̂, 1/σ (..., 1)]. */
const layerNorm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as BackendWasm;
  const { x, gain } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo };
  const cols = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / cols;
  if (cols % 4 !== 0) throw new Error('layerNormForward: last axis not a multiple of 4');
  const k = kernels(b);
  const y = b.makeOutput(x.shape, 'float32');
  const xhat = b.makeOutput(x.shape, 'float32');
  const rstd = b.makeOutput([...x.shape.slice(0, -1), 1], 'float32');
  k.layerNormForward(offset(b, x), offset(b, gain), offset(b, y), offset(b, xhat), offset(b, rstd), rows, cols, (attrs as { epsilon: number }).epsilon);
  return [y, xhat, rstd];
};

/** tanh-GELU backward: inputs {dy, x, s} (s from the forward); output dx. */
const geluGrad: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as BackendWasm;
  const { dy, x, s } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; s: tf.TensorInfo };
  const n = tf.util.sizeFromShape(x.shape);
  if (n % 4 !== 0) throw new Error('geluBackward: size not a multiple of 4');
  const k = kernels(b);
  const dx = b.makeOutput(x.shape, 'float32');
  k.geluBackward(offset(b, dy), offset(b, x), offset(b, s), offset(b, dx), n);
  return dx;
};

/**
 * a @ b, or aᵀ @ b with attrs {transposeA: true}, for 2-D float32 tensors: inputs {a, b}; output
 * (m, n). Bit for bit tf.matMul's result (see assembly/gemm.ts), without XNNPACK's packing of b
 * at every call or a transpose of a; on tfjs's threaded build, bands of rows on helper threads
 * (gemmThreads.ts), as many threads as the backend was given (kernelThreadsOf).
 */
const matMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as BackendWasm;
  const { a, b: right } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const transposeA = (attrs as { transposeA?: boolean }).transposeA === true;
  const [rows, cols] = a.shape as [number, number];
  const [m, inner] = transposeA ? [cols, rows] : [rows, cols];
  const n = right.shape[1]!;
  if (right.shape[0] !== inner) throw new Error(`matMul: inner sizes ${inner} and ${right.shape[0]} differ`);
  const c = b.makeOutput([m, n], 'float32');
  if (m * n === 0) return c;
  // A's element (i, p) sits at i * aRow + p * aCol bytes from its start.
  const [aRow, aCol] = transposeA ? [4, m * 4] : [inner * 4, 4];
  // As many threads as tfjs's own pool has now (the thread keeper lowers it on a busy machine).
  gemmThreadsFor(b).gemm(kernels(b), { a: offset(b, a), aRow, aCol, b: offset(b, right), c: offset(b, c), m, k: inner, n }, kernelThreadsOf(b));
  return c;
};

/**
 * A batched matmul with the batch in the channels, as attention's depthwise convolutions
 * compute it, bit for bit: out[i, ch, j] = sum_p input[i, p, ch] filter[p, ch, j], where input =
 * xᵀ, x transposed by attrs {perm} (read in place). Inputs {x, filter (K, N, P)}; output (M, N, P).
 */
const channelMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as BackendWasm;
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const perm = (attrs as { perm: number[] }).perm;
  const strides = [x.shape[1]! * x.shape[2]!, x.shape[2]!, 1].map((s) => s * 4); // bytes, x row-major
  const [m, inner, channels] = perm.map((axis) => x.shape[axis]!) as [number, number, number];
  const [fk, fn, p] = filter.shape as [number, number, number];
  if (fk !== inner || fn !== channels) throw new Error(`channelMatMul: input (${m}, ${inner}, ${channels}) and filter (${filter.shape}) do not fit`);
  const out = b.makeOutput([m, channels, p], 'float32');
  if (m * channels * p === 0) return out;
  const [aRow, aCol, aChannel] = perm.map((axis) => strides[axis]!) as [number, number, number];
  gemmThreadsFor(b).channelMatMul(kernels(b), { a: offset(b, x), aRow, aCol, aChannel, filter: offset(b, filter), out: offset(b, out), channels, m, k: inner, n: p }, kernelThreadsOf(b));
  return out;
};

/**
 * LayerNorm backward over the last axis (a multiple of 4): inputs {dy, xhat, rstd, gain} (x̂ and
 * 1/σ from the forward); outputs [dx, dgain (C)].
 */
const layerNormGrad: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as BackendWasm;
  const { dy, xhat, rstd, gain } = inputs as { dy: tf.TensorInfo; xhat: tf.TensorInfo; rstd: tf.TensorInfo; gain: tf.TensorInfo };
  const cols = xhat.shape[xhat.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(xhat.shape) / cols;
  if (cols % 4 !== 0) throw new Error('layerNormBackward: last axis not a multiple of 4');
  const k = kernels(b);
  const dx = b.makeOutput(xhat.shape, 'float32');
  const dgain = b.makeOutput([cols], 'float32');
  k.layerNormBackward(offset(b, dy), offset(b, xhat), offset(b, rstd), offset(b, gain), offset(b, dx), offset(b, dgain), rows, cols);
  return [dx, dgain];
};

for (const [kernelName, kernelFunc] of [[GELU_FORWARD, gelu], [LAYER_NORM_FORWARD, layerNorm], [GELU_BACKWARD, geluGrad], [LAYER_NORM_BACKWARD, layerNormGrad], [MAT_MUL, matMul], [CHANNEL_MAT_MUL, channelMatMul]] as const) {
  if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}
