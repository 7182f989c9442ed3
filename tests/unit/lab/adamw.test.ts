import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adamwUpdate, type AdamWHyper } from '../../../lab/train/adamwKernel';
import { adam, AdamW } from '../../../lab/train/optim';
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

  it("with weightDecay 0, beta2 0.999 and epsilon 1e-7 takes tfjs's Adam steps to 1e-6", async () => {
    await useBackend(backend);
    const start = tf.randomNormal([7, 3], 0, 1, 'float32', 5); // (7, 3)
    const [ours, theirs] = [tf.variable(start.clone()), tf.variable(start.clone())];
    const [oursOpt, theirsOpt] = [adam(0.05), tf.train.adam(0.05)];
    let worst = 0;
    for (let step = 0; step < 20; step++) {
      const before = [Array.from(ours.dataSync()), Array.from(theirs.dataSync())];
      const grad = tf.randomNormal([7, 3], 0, 1 + step, 'float32', 100 + step); // (7, 3), a new scale each step
      oursOpt.applyGradients([{ name: ours.name, tensor: grad }]);
      theirsOpt.applyGradients([{ name: theirs.name, tensor: grad }]);
      grad.dispose();
      // Each update (about lr = 0.05 per weight) agrees to 1e-6. Not much closer: tfjs keeps
      // beta2^t in float32 (0.999 is stored as 0.99900001), so its 1 - beta2^t at the first step
      // is off by 1.3e-5 relative, and its step by half that.
      const moved = [ours, theirs].map((v, k) => Array.from(v.dataSync(), (x, i) => x - before[k]![i]!));
      worst = Math.max(worst, ...moved[0]!.map((x, i) => Math.abs(x - moved[1]![i]!)));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()).map((x) => expect.closeTo(x, 5)));
    tf.dispose([start, ours, theirs]);
    oursOpt.dispose();
    theirsOpt.dispose();
  });
});
