import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, clipByGlobalNorm, warmupCosine } from '../../../lab/train/optim';
import { useBackend } from './helpers';

beforeAll(() => useBackend('cpu'));

describe('optimization', () => {
  it('warms up linearly, then decays by a cosine to the minimum', () => {
    const lr = warmupCosine({ maxLearningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 10, decaySteps: 110 });
    expect(lr(0)).toBeCloseTo(1e-3 / 11, 12);
    expect(lr(9)).toBeCloseTo(1e-3 * (10 / 11), 12);
    expect(lr(10)).toBeCloseTo(1e-3, 12);
    expect(lr(60)).toBeCloseTo(5.5e-4, 12); // half-way: the mean of max and min
    expect(lr(110)).toBe(1e-4);
    expect(lr(5000)).toBe(1e-4);
  });

  it('clips the global gradient norm and reports it', () => {
    tf.tidy(() => {
      const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // global norm 5
      const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
      expect(norm.arraySync()).toBeCloseTo(5, 5);
      expect(clipped.a!.arraySync()).toEqual([expect.closeTo(0.6, 5), 0]);
      expect(clipped.b!.arraySync()).toEqual([0, expect.closeTo(0.8, 5)]);
      const untouched = clipByGlobalNorm(grads, 10).grads;
      expect(untouched.a!.arraySync()).toEqual([expect.closeTo(3, 4), 0]);
    });
  });

  it('AdamW decays matrices but not vectors, decoupled from the gradient', () => {
    const matrix = tf.variable(tf.ones([2, 2]));
    const vector = tf.variable(tf.ones([2]));
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    // Zero gradients: Adam moves nothing, so only the decay acts: w *= 1 - 0.1 * 0.5.
    opt.applyGradients({ [matrix.name]: tf.zerosLike(matrix), [vector.name]: tf.zerosLike(vector) });
    expect(matrix.arraySync()).toEqual([[0.95, 0.95], [0.95, 0.95]].map((r) => r.map((v) => expect.closeTo(v, 6))));
    expect(vector.arraySync()).toEqual([1, 1]);
    opt.setLearningRate(0.2);
    expect(opt.currentLearningRate).toBe(0.2);
    tf.dispose([matrix, vector]);
    opt.dispose();
  });

  it('AdamW exports and imports its state: the importer takes the same steps as the exporter', async () => {
    const shapes = [[3, 2], [2], [4]];
    const make = () => shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', i + 1)));
    const grads = (vars: tf.Variable[], seed: number) => Object.fromEntries(vars.slice(0, 2).map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1, 'float32', seed + i)]));
    const step = (opt: AdamW, vars: tf.Variable[], seed: number) => tf.tidy(() => opt.applyGradients(grads(vars, seed)));
    const [a, b] = [make(), make()];
    const optA = new AdamW({ learningRate: 0.1, weightDecay: 0.1 });
    [10, 20, 30].forEach((seed) => step(optA, a, seed));
    const state = await optA.exportState(a);
    expect(state.step).toBe(3);
    expect(state.moments[2]).toBeNull(); // the third variable had no gradient
    expect(state.moments[0]!.m).toHaveLength(6);
    // The importer's variables take the exporter's values, as a resume point restores them.
    b.forEach((v, i) => v.assign(a[i]!));
    const optB = new AdamW({ learningRate: 0.1, weightDecay: 0.1 });
    optB.importState(b, state);
    [40, 50].forEach((seed) => (step(optA, a, seed), step(optB, b, seed)));
    b.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(a[i]!.dataSync())));
    expect(optB.iterations).toBe(5);
    expect(() => optB.importState(b.slice(1), state)).toThrow(/moments for 3 variables, the model has 2/);
    expect(() => optB.importState([b[1]!, b[0]!, b[2]!], state)).toThrow(/variable 0 have 6 values, the variable has 2/);
    optB.dispose();
    await expect(optB.exportState(b)).rejects.toThrow(/disposed/);
    optA.dispose();
    tf.dispose([...a, ...b]);
  });
});
