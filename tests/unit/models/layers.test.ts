import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuralBigram } from '../../../lab/models/bigram';
import { embed, gelu, layerNorm, linear, matMul, Params } from '../../../lab/models/layers';
import { useBackend } from '../lab/helpers';
import { expectGradientsMatchFiniteDifferences, randomBatch } from './gradcheck';

beforeAll(() => useBackend('cpu'));

describe('model building blocks', () => {
  it('draws the same initial weights from the same seed, in creation order', () => {
    const draw = (seed: number) => {
      const p = new Params(seed);
      p.normal('a', [3, 2], 1);
      p.fill('b', [2], 0);
      const values = p.list().map((v) => Array.from(v.dataSync()));
      const names = p.entries().map(([n]) => n);
      p.dispose();
      return { values, names };
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5).values[0]).not.toEqual(draw(6).values[0]);
    expect(draw(5).names).toEqual(['a', 'b']);
  });

  it('embeds by row lookup', () => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const out = embed(table, tf.tensor2d([[2, 0]], [1, 2], 'int32'));
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([5, 6, 1, 2]);
  });

  it('normalizes each row to zero mean and unit variance', () => {
    const out = Array.from(layerNorm(tf.tensor2d([[1, 2, 3, 4]]), tf.ones([4]) as tf.Tensor1D).dataSync());
    const mean = out.reduce((a, b) => a + b) / 4;
    const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 3);
  });

  it('computes GELU as PyTorch does (tanh approximation)', () => {
    // torch.nn.functional.gelu(torch.tensor([-1., 0., 1., 2.]), approximate='tanh')
    const expected = [-0.15880801, 0, 0.84119199, 1.95459769];
    Array.from(gelu(tf.tensor1d([-1, 0, 1, 2])).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('computes the exact GELU as PyTorch does (nn.GELU())', () => {
    // torch.nn.functional.gelu(torch.tensor([-3., -1., -0.5, 0., 0.5, 1., 2., 3.]))
    const expected = [-0.00404969, -0.15865526, -0.15426877, 0, 0.34573123, 0.84134475, 1.95449974, 2.99595031];
    Array.from(gelu(tf.tensor1d([-3, -1, -0.5, 0, 0.5, 1, 2, 3]), 'exact').dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('embeds (N) indices to (N, C) rows', () => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const out = embed(table, tf.tensor1d([1, 2], 'int32'));
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 5, 6]);
  });

  it('normalizes and projects the last axis of a 3-D input as of each row on its own', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const gain = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const rows = x.reshape([6, 4]) as tf.Tensor2D;
    expect(linear(x, w).shape).toEqual([2, 3, 5]);
    expect(Array.from(linear(x, w).dataSync())).toEqual(Array.from(linear(rows, w).dataSync()));
    expect(Array.from(layerNorm(x, gain).dataSync())).toEqual(Array.from(layerNorm(rows, gain).dataSync()));
  });

  // The hand-written backward passes against tfjs's own gradients of the textbook formulas.
  const expectSameGradients = (fast: (...xs: tf.Tensor[]) => tf.Tensor, plain: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) => {
    const weights = tf.randomNormal(fast(...inputs).shape, 0, 1, 'float32', 9); // a random dy
    const grads = (f: (...xs: tf.Tensor[]) => tf.Tensor) => tf.grads((...xs: tf.Tensor[]) => f(...xs).mul(weights).sum())(inputs);
    const [ours, theirs] = [grads(fast), grads(plain)];
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(theirs[i]!.shape);
      const [a, b] = [g.dataSync(), theirs[i]!.dataSync()];
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 4));
    });
  };

  it('differentiates matMul as tf.matMul, for few rows (the flipped dy @ bᵀ) and many', () => {
    for (const rows of [2, 9]) {
      const a = tf.randomNormal([rows, 3], 0, 1, 'float32', rows);
      const b = tf.randomNormal([3, 4], 0, 1, 'float32', 7);
      expectSameGradients((a, b) => matMul(a as tf.Tensor2D, b as tf.Tensor2D), (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), [a, b]);
    }
  });

  it('differentiates layerNorm and gelu as their textbook formulas', () => {
    const x = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 4);
    const gain = tf.randomNormal([5], 1, 0.5, 'float32', 5);
    const plainNorm = (x: tf.Tensor, gain: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true); // (..., 1) each
      return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(gain); // (..., C)
    };
    expectSameGradients((x, gain) => layerNorm(x!, gain as tf.Tensor1D), plainNorm, [x, gain]);
    const plainGelu = (x: tf.Tensor) => x.mul(0.5).mul(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
    expectSameGradients((x) => gelu(x!), plainGelu, [x]);
    const plainExactGelu = (x: tf.Tensor) => x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
    expectSameGradients((x) => gelu(x!, 'exact'), plainExactGelu, [x]);
  });

  it('checks gradients against finite differences (on the neural bigram)', () => {
    const model = new NeuralBigram({ vocabSize: 5, seed: 1 });
    const { x, y } = randomBatch(5, 3, 4);
    expectGradientsMatchFiniteDifferences(model, x, y);
    model.dispose();
  });
});
