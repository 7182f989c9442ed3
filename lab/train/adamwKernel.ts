import * as tf from '@tensorflow/tfjs';
import { type ArrayKernel, hasArrayKernel, registerArrayKernel, runArrayKernel } from '../models/kernels/arrayKernel';

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

/**
 * The update as one kernel on the backends whose memory JavaScript can read (wasm and cpu). On
 * wasm the update as tfjs ops is about 12 kernel calls per variable (some 330 for the GPT), each
 * a pass over memory with a fixed cost per call; one loop over the heap does the same arithmetic
 * in a single pass.
 */
const fusedUpdate: ArrayKernel<AdamWHyper> = {
  name: 'LabAdamW',
  outputShapes: ([param]) => [param!, param!, param!], // param, m, v
  compute: ([param, grad, m, v], [outP, outM, outV], h) => updateArrays(param!, grad!, m!, v!, outP!, outM!, outV!, h),
};
registerArrayKernel(fusedUpdate);

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
  if (fused && hasArrayKernel(fusedUpdate.name)) return runArrayKernel(fusedUpdate.name, [param, grad, m, v], h) as AdamWResult;
  return updateByOps(param, grad, m, v, h);
}
