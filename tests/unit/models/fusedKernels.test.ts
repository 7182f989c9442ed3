import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { attentionFromQkv, causalSelfAttention } from '../../../lab/models/attention';
import { Rng } from '../../../lab/rng';
import { useBackend } from '../lab/helpers';

afterAll(() => useBackend('cpu'));

const rng = new Rng(11);
/** A tensor of uniform draws in [lo, hi). */
const uniform = (shape: number[], lo = -1, hi = 1) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng.next()), shape);

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - e[i]!) / Math.max(1, Math.abs(e[i]!)))));
  expect(worst).toBeLessThan(tolerance);
}

describe.each(['cpu', 'wasm'] as const)('fused kernels on %s', (backend) => {
  it('attentionFromQkv gives the output and qkv gradient of the batched-matmul attention, dropout included', async () => {
    await useBackend(backend);
    const [time, batch, nHead, channels] = [5, 2, 3, 12];
    const qkv = uniform([time * batch, 3 * channels]) as tf.Tensor2D; // (T*B, 3C)
    const mask = tf.tensor2d(Float32Array.from({ length: time * time }, (_, i) => (i % time > Math.floor(i / time) ? -Infinity : 0)), [time, time]);
    const keep = uniform([batch * nHead, time, time], 0, 1).greater(0.3).toFloat().div(0.7); // (B*H, T, T)
    const probe = uniform([time, batch, channels]);
    const split = (x: tf.Tensor) => tf.split(x, 3, 1).map((t) => t.reshape([time, batch, channels]) as tf.Tensor3D);
    const reference = (x: tf.Tensor, drop: boolean) => {
      const [q, k, v] = split(x);
      // record: the batched-matmul path on every backend (wasm otherwise takes the convolutions).
      return causalSelfAttention(q!, k!, v!, nHead, mask, { record: true, ...(drop ? { dropWeights: (w: tf.Tensor) => w.mul(keep) } : {}) }).out;
    };
    // attentionFromQkv holds the weights as (T, B*H, T).
    const fused = (x: tf.Tensor, drop: boolean) => attentionFromQkv(x as tf.Tensor2D, time, nHead, mask, drop ? (w) => w.mul(keep.transpose([1, 0, 2])) : undefined);
    for (const drop of [false, true]) {
      expectClose(fused(qkv, drop), reference(qkv, drop), 1e-5);
      const lossOf = (f: (x: tf.Tensor, drop: boolean) => tf.Tensor) => (x: tf.Tensor) => f(x, drop).mul(probe).sum();
      expectClose(tf.grad(lossOf(fused))(qkv), tf.grad(lossOf(reference))(qkv), 1e-4);
    }
  });
});
