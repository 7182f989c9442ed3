import type * as tf from '@tensorflow/tfjs';
import { type ArrayKernel, hasArrayKernel, registerArrayKernel, runArrayKernel } from './arrayKernel';

/** Attributes of the qkv kernels: sequence length T, heads H, channels C, and the score scale 1/sqrt(hs). */
export interface QkvAttrs {
  time: number;
  nHead: number;
  channels: number;
  scale: number;
}

/** Rows T*B and the head sizes, from the attributes and the number of values in qkv (T*B, 3C). */
function sizes(values: number, { time, nHead, channels }: QkvAttrs) {
  const rows = values / (3 * channels);
  const batch = rows / time;
  return { time, nHead, channels, batch, n: batch * nHead, headSize: channels / nHead };
}

// The qkv projection is (T*B, 3C), time-major (row t*B + b), with q, k and v side by side and
// head h at channels h*hs of each. With n = b*H + h indexing the B*H heads, part p's element
// (t, n, d) sits at qkv[(t*B + b)*3C + p*C + h*hs + d]; as a (T, N, hs) tensor it is one column
// block of qkv. The convolutions of attentionFromQkv (attention.ts) read q, k and v in other
// orders, which these kernels write in one pass instead of a split and four transposes.

/**
 * For the forward pass: qkv (T*B, 3C) to the queries scaled by 1/sqrt(hs) as (T, hs, N), the
 * keys as (hs, N, T) and the values as (T, N, hs).
 */
const forwardLayouts: ArrayKernel<QkvAttrs> = {
  name: 'LabQkvForward',
  outputShapes: ([qkv], attrs) => {
    const { time, n, headSize } = sizes(qkv![0]! * qkv![1]!, attrs);
    return [[time, headSize, n], [headSize, n, time], [time, n, headSize]];
  },
  compute: ([qkv], [qT, kT, v], attrs) => {
    const { time, nHead, channels, batch, n, headSize } = sizes(qkv!.length, attrs);
    const scale = attrs.scale;
    for (let t = 0; t < time; t++) {
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * 3 * channels;
        for (let h = 0; h < nHead; h++) {
          const head = b * nHead + h;
          const src = row + h * headSize;
          const vOut = (t * n + head) * headSize;
          for (let d = 0; d < headSize; d++) {
            qT![(t * headSize + d) * n + head] = qkv![src + d]! * scale;
            kT![(d * n + head) * time + t] = qkv![src + channels + d]!;
            v![vOut + d] = qkv![src + 2 * channels + d]!;
          }
        }
      }
    }
  },
};

/** For the backward pass: qkv (T*B, 3C) to the queries and keys as (T, N, hs) and the values as (hs, N, T). */
const backwardLayouts: ArrayKernel<QkvAttrs> = {
  name: 'LabQkvBackward',
  outputShapes: ([qkv], attrs) => {
    const { time, n, headSize } = sizes(qkv![0]! * qkv![1]!, attrs);
    return [[time, n, headSize], [time, n, headSize], [headSize, n, time]];
  },
  compute: ([qkv], [q, k, vT], attrs) => {
    const { time, nHead, channels, batch, n, headSize } = sizes(qkv!.length, attrs);
    for (let t = 0; t < time; t++) {
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * 3 * channels;
        const out = (t * batch + b) * channels;
        for (let c = 0; c < channels; c++) {
          q![out + c] = qkv![row + c]!;
          k![out + c] = qkv![row + channels + c]!;
        }
        for (let h = 0; h < nHead; h++) {
          const head = b * nHead + h;
          const src = row + 2 * channels + h * headSize;
          for (let d = 0; d < headSize; d++) vT![(d * n + head) * time + t] = qkv![src + d]!;
        }
      }
    }
  },
};

/** The gradient's way back: dq, dk, dv, each (T, N, hs), side by side as dqkv (T*B, 3C). */
const join: ArrayKernel<QkvAttrs> = {
  name: 'LabQkvJoin',
  outputShapes: ([dq], attrs) => [[dq![0]! * dq![1]! * dq![2]! / attrs.channels, 3 * attrs.channels]],
  compute: ([dq, dk, dv], [dqkv], attrs) => {
    const { channels } = attrs;
    const rows = dq!.length / channels;
    for (let r = 0; r < rows; r++) {
      const src = r * channels;
      const dst = r * 3 * channels;
      for (let c = 0; c < channels; c++) {
        dqkv![dst + c] = dq![src + c]!;
        dqkv![dst + channels + c] = dk![src + c]!;
        dqkv![dst + 2 * channels + c] = dv![src + c]!;
      }
    }
  },
};

for (const kernel of [forwardLayouts, backwardLayouts, join]) registerArrayKernel(kernel);

/** Whether the active backend has the qkv kernels (wasm and cpu). */
export function hasQkvKernels(): boolean {
  return hasArrayKernel(join.name);
}

/** qkv (T*B, 3C) as the forward convolutions read it: [q/sqrt(hs) (T, hs, N), k (hs, N, T), v (T, N, hs)]. */
export function qkvForForward(qkv: tf.Tensor2D, attrs: QkvAttrs): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  return runArrayKernel(forwardLayouts.name, [qkv], attrs) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

/** qkv (T*B, 3C) as the backward convolutions read it: [q (T, N, hs), k (T, N, hs), v (hs, N, T)]. */
export function qkvForBackward(qkv: tf.Tensor, attrs: QkvAttrs): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  return runArrayKernel(backwardLayouts.name, [qkv], attrs) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

/** dq, dk, dv (T, N, hs) joined as dqkv (T*B, 3C). */
export function joinQkv(dq: tf.Tensor, dk: tf.Tensor, dv: tf.Tensor, attrs: QkvAttrs): tf.Tensor2D {
  return runArrayKernel(join.name, [dq, dk, dv], attrs)[0] as tf.Tensor2D;
}
