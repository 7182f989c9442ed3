import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuralBigram } from '../../../lab/models/bigram';
import { embed, gelu, layerNorm, Params } from '../../../lab/models/layers';
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

  it('checks gradients against finite differences (on the neural bigram)', () => {
    const model = new NeuralBigram({ vocabSize: 5, seed: 1 });
    const { x, y } = randomBatch(5, 3, 4);
    expectGradientsMatchFiniteDifferences(model, x, y);
    model.dispose();
  });
});
