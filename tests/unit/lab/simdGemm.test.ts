import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAT_MUL } from '../../../lab/backend/simd/simdKernels';
import { useBackend } from './helpers';

const gemm = (a: tf.Tensor, b: tf.Tensor, transposeA = false) => tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA }) as tf.Tensor;
/** How many elements of two tensors differ in any bit (-0 and 0 aside). */
const bitsDiffering = (a: tf.Tensor, b: tf.Tensor) => {
  const [x, y] = [a.dataSync(), b.dataSync()];
  expect(x.length).toBe(y.length);
  return x.reduce((n, v, i) => n + (v === y[i] ? 0 : 1), 0);
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('the SIMD matmul kernel', () => {
  // Sizes around the 4-row, 8-column tiles: full tiles, row and column tails, k of 0 and 1.
  const shapes: [number, number, number][] = [[768, 128, 384], [12, 512, 128], [7, 13, 9], [5, 1, 17], [1, 3, 1], [4, 0, 8], [0, 5, 3]];
  for (const [m, k, n] of shapes) {
    it(`gives tf.matMul's result bit for bit, a @ b and aᵀ @ b, for (${m}, ${k}) x (${k}, ${n})`, () => {
      tf.tidy(() => {
        const a = tf.randomNormal([m, k], 0, 1, 'float32', m + k); // (M, K)
        const at = tf.randomNormal([k, m], 0, 1, 'float32', m * k + 1); // (K, M)
        const b = tf.randomNormal([k, n], 0, 1, 'float32', n); // (K, N)
        // With k = 0 the product is zeros (tfjs's wasm matMul leaves its output unwritten there).
        const expected = (x: tf.Tensor2D) => (k === 0 ? tf.zeros([m, n]) : tf.matMul(x, b));
        const ours = gemm(a, b);
        expect(ours.shape).toEqual([m, n]);
        expect(bitsDiffering(ours, expected(a))).toBe(0);
        const oursT = gemm(at, b, true);
        expect(oursT.shape).toEqual([m, n]);
        expect(bitsDiffering(oursT, expected(at.transpose()))).toBe(0);
        if (m * k * n > 0) expect(ours.abs().sum().dataSync()[0]).toBeGreaterThan(0);
      });
    });
  }

  it('refuses operands whose inner sizes differ', () => {
    const [a, b] = [tf.ones([3, 4]), tf.ones([5, 2])];
    expect(() => gemm(a, b)).toThrow(/inner sizes/);
    tf.dispose([a, b]);
  });
});
