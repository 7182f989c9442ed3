import type * as tf from '@tensorflow/tfjs';
import { type ArrayKernel, hasArrayKernel, registerArrayKernel, runArrayKernel } from './arrayKernel';

/** Attributes of the LayerNorm kernels. */
interface NormAttrs {
  epsilon: number;
}

/**
 * Forward: x (N, C) and gain (C) to y = x̂ gain (N, C), x̂ = (x - mean) / σ (N, C) and 1/σ (N),
 * σ = sqrt(var + ε) with the biased variance, as PyTorch's nn.LayerNorm.
 */
const forward: ArrayKernel<NormAttrs> = {
  name: 'LabLayerNorm',
  outputShapes: ([x]) => [x!, x!, [x![0]!]],
  compute: ([x, gain], [y, normed, invStd], { epsilon }) => {
    const channels = gain!.length;
    const rows = x!.length / channels;
    for (let r = 0; r < rows; r++) {
      const o = r * channels;
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += x![o + c]!;
      const mean = sum / channels;
      let squares = 0;
      for (let c = 0; c < channels; c++) {
        const d = x![o + c]! - mean;
        squares += d * d;
      }
      const inv = 1 / Math.sqrt(squares / channels + epsilon);
      invStd![r] = inv;
      for (let c = 0; c < channels; c++) {
        const n = (x![o + c]! - mean) * inv;
        normed![o + c] = n;
        y![o + c] = n * gain![c]!;
      }
    }
  },
};

/**
 * Backward: dy (N, C), x̂ (N, C), 1/σ (N) and gain (C) to
 * dx = (g - mean(g) - x̂ mean(g x̂)) / σ with g = dy gain (N, C), and dgain = Σ_rows dy x̂ (C).
 */
const backward: ArrayKernel<NormAttrs> = {
  name: 'LabLayerNormGrad',
  outputShapes: ([dy, , , gain]) => [dy!, gain!],
  compute: ([dy, normed, invStd, gain], [dx, dGain]) => {
    const channels = gain!.length;
    const rows = dy!.length / channels;
    const gainSum = new Float64Array(channels);
    for (let r = 0; r < rows; r++) {
      const o = r * channels;
      let gSum = 0;
      let gxSum = 0;
      for (let c = 0; c < channels; c++) {
        const d = dy![o + c]!;
        const n = normed![o + c]!;
        const g = d * gain![c]!;
        gSum += g;
        gxSum += g * n;
        gainSum[c] = gainSum[c]! + d * n;
      }
      const gMean = gSum / channels;
      const gxMean = gxSum / channels;
      const inv = invStd![r]!;
      for (let c = 0; c < channels; c++) dx![o + c] = (dy![o + c]! * gain![c]! - gMean - normed![o + c]! * gxMean) * inv;
    }
    for (let c = 0; c < channels; c++) dGain![c] = gainSum[c]!;
  },
};

registerArrayKernel(forward);
registerArrayKernel(backward);

/** Whether the active backend has the LayerNorm kernels (wasm and cpu). */
export function hasLayerNormKernels(): boolean {
  return hasArrayKernel(forward.name);
}

/** [y (N, C), x̂ (N, C), 1/σ (N)] of x (N, C) with gain (C), in one pass. */
export function layerNormForward(x: tf.Tensor, gain: tf.Tensor, epsilon: number): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  return runArrayKernel(forward.name, [x, gain], { epsilon }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
}

/** [dx (N, C), dgain (C)] from dy (N, C), x̂ (N, C), 1/σ (N) and gain (C), in one pass. */
export function layerNormBackward(dy: tf.Tensor, normed: tf.Tensor, invStd: tf.Tensor, gain: tf.Tensor): [tf.Tensor2D, tf.Tensor1D] {
  return runArrayKernel(backward.name, [dy, normed, invStd, gain], { epsilon: 0 }) as [tf.Tensor2D, tf.Tensor1D];
}
