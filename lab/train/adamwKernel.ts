import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The numbers of one AdamW update (PyTorch's AdamW, decay first, then Adam's step). */
export interface AdamWHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Fraction the weight shrinks by before the step: learning rate x weight decay, or 0. */
  decay: number;
  /** Adam's bias corrections at step t: 1 - beta1^t and 1 - beta2^t. */
  correction1: number;
  correction2: number;
}

/** The updated weight and moments of one variable. */
export type AdamWResult = [param: tf.Tensor, m: tf.Tensor, v: tf.Tensor];

/**
 * One AdamW update over flat arrays, written into the three outputs:
 * p ← p(1 − decay) − lr · (m / c1) / (√(v / c2) + ε), with m ← β1 m + (1 − β1) g and
 * v ← β2 v + (1 − β2) g².
 */
function updateArrays(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, outP: Float32Array, outM: Float32Array, outV: Float32Array, h: AdamWHyper): void {
  // Every number in a local: property reads inside the loop cost more than the arithmetic.
  const keep = 1 - h.decay;
  const stepSize = h.learningRate / h.correction1;
  const vScale = 1 / h.correction2;
  const { beta1, beta2, epsilon } = h;
  const gain1 = 1 - beta1;
  const gain2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + gain1 * gi;
    const vi = beta2 * v[i]! + gain2 * gi * gi;
    outM[i] = mi;
    outV[i] = vi;
    outP[i] = p[i]! * keep - (stepSize * mi) / (Math.sqrt(vi * vScale) + epsilon);
  }
}

/** Name of the fused kernel, registered for the backends whose memory JavaScript can read. */
const KERNEL = 'LabAdamW';

/**
 * On wasm the update as tfjs ops is about 12 kernel calls per variable (some 330 for the GPT),
 * each a pass over memory with a fixed cost per call; one JavaScript loop over the wasm heap
 * does the same arithmetic in a single pass.
 */
const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as BackendWasm;
  const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo>;
  // Allocate every output before taking views of the heap: an allocation may grow (and detach) it.
  const outs = [param, m, v].map((t) => b.makeOutput(t.shape, 'float32'));
  const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
  updateArrays(view(param), view(grad), view(m), view(v), view(outs[0]!), view(outs[1]!), view(outs[2]!), attrs as unknown as AdamWHyper);
  return outs;
};

/** The same loop on the cpu backend's arrays (used by the tests, and by readers without wasm). */
const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo };
  const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo>;
  const read = (t: tf.TensorInfo) => b.readSync(t.dataId) as Float32Array;
  const n = tf.util.sizeFromShape(param.shape);
  const [outP, outM, outV] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  updateArrays(read(param), read(grad), read(m), read(v), outP, outM, outV, attrs as unknown as AdamWHyper);
  return [b.makeTensorInfo(param.shape, 'float32', outP), b.makeTensorInfo(m.shape, 'float32', outM), b.makeTensorInfo(v.shape, 'float32', outV)];
};

for (const [backendName, kernelFunc] of [['wasm', wasmKernel], ['cpu', cpuKernel]] as const) {
  if (!tf.getKernel(KERNEL, backendName)) tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc });
}

/** The update as tfjs ops, for GPU backends (where each op is one shader over the tensor). */
function updateByOps(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamWHyper): AdamWResult {
  return tf.tidy(() => {
    const newM = m.mul(h.beta1).add(grad.mul(1 - h.beta1)); // same shape as the param
    const newV = v.mul(h.beta2).add(grad.square().mul(1 - h.beta2));
    const step = newM.div(newV.div(h.correction2).sqrt().add(h.epsilon)).mul(h.learningRate / h.correction1);
    return [param.mul(1 - h.decay).sub(step), newM, newV] as AdamWResult;
  });
}

/**
 * One AdamW update of one variable: its new value and moments. A single fused kernel on wasm
 * and cpu, tfjs ops elsewhere; `fused: false` forces the ops (for tests).
 */
export function adamwUpdate(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamWHyper, fused = true): AdamWResult {
  if (fused && tf.getKernel(KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(KERNEL, { param, grad, m, v }, { ...h }) as unknown as AdamWResult;
  }
  return updateByOps(param, grad, m, v, h);
}
