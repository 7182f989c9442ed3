import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeWasmThreads, switchWasmThreads } from '../../../lab/backend/register';
import { CHANNEL_MAT_MUL, MAT_MUL } from '../../../lab/backend/simd/simdKernels';
import { bitsDiffering, useBackend } from './helpers';

const gemm = (a: tf.Tensor, b: tf.Tensor, transposeA = false) => tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA }) as tf.Tensor;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('the SIMD matmul kernels', () => {
  // Sizes around the 4-row, 8-column tiles: full tiles, row and column tails, k of 0 and 1.
  const shapes: [number, number, number][] = [[768, 128, 384], [12, 512, 128], [9, 300, 11], [6, 700, 10], [7, 13, 9], [5, 1, 17], [1, 3, 1], [4, 0, 8], [0, 5, 3]];
  for (const [m, k, n] of shapes) {
    it(`gives tf.matMul's result bit for bit, a @ b and aᵀ @ b, for (${m}, ${k}) x (${k}, ${n})`, () => {
      tf.tidy(() => {
        const a = tf.randomNormal<tf.Rank.R2>([m, k], 0, 1, 'float32', m + k); // (M, K)
        const at = tf.randomNormal([k, m], 0, 1, 'float32', m * k + 1); // (K, M)
        const b = tf.randomNormal([k, n], 0, 1, 'float32', n); // (K, N)
        // With k = 0 the product is zeros (tfjs's wasm matMul leaves its output unwritten there).
        const expected = (x: tf.Tensor2D) => (k === 0 ? tf.zeros([m, n]) : tf.matMul(x, b));
        const ours = gemm(a, b);
        expect(ours.shape).toEqual([m, n]);
        expect(bitsDiffering(ours, expected(a))).toBe(0);
        const oursT = gemm(at, b, true);
        expect(oursT.shape).toEqual([m, n]);
        expect(bitsDiffering(oursT, expected(at.transpose() as tf.Tensor2D))).toBe(0);
        if (m * k * n > 0) expect(ours.abs().sum().dataSync()[0]).toBeGreaterThan(0);
      });
    });
  }

  // Attention's batched matmuls: out[m, n, p] = sum_k input[m, k, n] filter[k, n, p], input = x.transpose(perm).
  const channelCases: [number[], number[], number][] = [[[64, 32, 48], [0, 1, 2], 64], [[64, 48, 64], [0, 2, 1], 32], [[64, 48, 64], [2, 0, 1], 32], [[7, 3, 5], [0, 2, 1], 9], [[5, 6, 2], [2, 0, 1], 3]];
  for (const [shape, perm, p] of channelCases) {
    it(`gives the depthwise convolution's batched matmul bit for bit, x ${JSON.stringify(shape)} transposed by ${JSON.stringify(perm)}, P = ${p}`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', p); // before the transpose
        const input = x.transpose(perm); // (M, K, N)
        const [m, k, n] = input.shape as [number, number, number];
        const filter = tf.randomNormal([k, n, p], 0, 1, 'float32', m); // (K, N, P)
        const conv = tf.depthwiseConv2d(input.reshape([1, m, k, n]) as tf.Tensor4D, filter.reshape([1, k, n, p]) as tf.Tensor4D, 1, 'valid').reshape([m, n, p]);
        const ours = tf.engine().runKernel(CHANNEL_MAT_MUL, { x, filter }, { perm }) as tf.Tensor;
        expect(ours.shape).toEqual([m, n, p]);
        expect(bitsDiffering(ours, conv)).toBe(0);
        expect(ours.abs().sum().dataSync()[0]).toBeGreaterThan(0);
      });
    });
  }

  it('refuses operands whose inner sizes differ', () => {
    const [a, b] = [tf.ones([3, 4]), tf.ones([5, 2])];
    expect(() => gemm(a, b)).toThrow(/inner sizes/);
    tf.dispose([a, b]);
  });

  it('stays on one thread where tfjs runs its single-threaded build (Node): no helper could share its memory', () => {
    expect(switchWasmThreads(2)).toBeUndefined();
    expect(switchWasmThreads(1)).toBe(1);
    expect(activeWasmThreads()).toBe(1);
  });
});
