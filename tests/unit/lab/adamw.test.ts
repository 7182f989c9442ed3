import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adamwUpdate, type AdamWHyper } from '../../../lab/train/adamwKernel';
import { AdamW } from '../../../lab/train/optim';
import { useBackend } from './helpers';

const HYPER: AdamWHyper = { learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, decay: 0.001, correction1: 1 - 0.9 ** 3, correction2: 1 - 0.99 ** 3 };

describe.each(['cpu', 'wasm'] as const)('AdamW on %s', (backend) => {
  it('the fused kernel computes what the tfjs ops compute', async () => {
    await useBackend(backend);
    tf.tidy(() => {
      const [p, g, m, v] = [1, 2, 3, 4].map((seed) => tf.randomNormal([37, 5], 0, 1, 'float32', seed));
      const vPositive = v!.square();
      const fused = adamwUpdate(p!, g!, m!, vPositive, HYPER);
      const ops = adamwUpdate(p!, g!, m!, vPositive, HYPER, false);
      fused.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(ops[i]!.dataSync()).map((x) => expect.closeTo(x, 5))));
    });
  });

  it("matches PyTorch's AdamW by hand on the first two steps", async () => {
    await useBackend(backend);
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const opt = new AdamW({ learningRate: 0.1, beta1: 0.9, beta2: 0.99, weightDecay: 0.5 });
    // Step 1, g = (0.5, 0.5): m̂ = g, v̂ = g², so each weight moves by lr after decaying by lr * wd.
    opt.applyGradients({ [w.name]: tf.tensor2d([[0.5, 0.5]]) });
    const afterOne = [1 * 0.95 - 0.1, -2 * 0.95 - 0.1];
    expect(Array.from(w.dataSync())).toEqual(afterOne.map((x) => expect.closeTo(x, 5)));
    // Step 2, g = (-1, 0): the moments and bias corrections written out.
    opt.applyGradients({ [w.name]: tf.tensor2d([[-1, 0]]) });
    const expected = afterOne.map((p, i) => {
      const g1 = 0.5;
      const g2 = [-1, 0][i]!;
      const m = 0.9 * (0.1 * g1) + 0.1 * g2;
      const v = 0.99 * (0.01 * g1 * g1) + 0.01 * g2 * g2;
      return p * 0.95 - (0.1 * m) / (1 - 0.9 ** 2) / (Math.sqrt(v / (1 - 0.99 ** 2)) + 1e-8);
    });
    expect(Array.from(w.dataSync())).toEqual(expected.map((x) => expect.closeTo(x, 5)));
    const tensors = tf.memory().numTensors;
    opt.dispose();
    expect(tf.memory().numTensors).toBe(tensors - 2); // its two moments
    w.dispose();
  });
});
