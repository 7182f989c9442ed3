import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogram } from '../../../lab/analysis/histogram';
import { scaleOf } from '../../../lab/analysis/scale';
import { MLP } from '../../../lab/models/mlp';
import type { ModelSpec } from '../../../lab/models/registry';
import { type InspectedModel, snapshot } from '../../../lab/worker/inspect';
import { useBackend } from './helpers';

beforeAll(() => useBackend('cpu'));

describe('scaleOf', () => {
  it('measures std (of the population), mean, rms and the largest magnitude', () => {
    const s = scaleOf([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.rms).toBeCloseTo(Math.sqrt(7.5), 12);
    expect(s.absMax).toBe(4);
    expect(scaleOf([-7]).absMax).toBe(7);
    expect(() => scaleOf([])).toThrow('there are no values to measure');
  });
});

describe('the scale probe and slices of histograms, saturation and scale', () => {
  const config = { vocabSize: 5, blockSize: 2, embedDim: 3, hiddenDim: 4, norm: 'none', seed: 8, depth: 2, init: 'large' } as const;
  const spec: ModelSpec = { kind: 'mlp', config };
  const target = (model: MLP): InspectedModel => ({
    model,
    spec,
    plan: { model: spec, steps: 1, batchSize: 1, learningRate: 1, weightDecay: 0, beta2: 0.99, evalEvery: 0, seed: 1 },
    vocab: ['\n', 'a', 'b', 'c', 'd'],
  });
  const batch = () => ({ x: tf.tensor2d([[0, 1, 2, 3], [0, 4, 4, 1]], [2, 4], 'int32'), y: tf.tensor2d([[1, 2, 3, 0], [4, 4, 1, -1]], [2, 4], 'int32') });

  it('gives the std of a parameter, its other statistics, and its ratio to another', async () => {
    const model = new MLP(config);
    model.params.get('out.b').assign(tf.tensor1d([1, -2, 3, -4, 2]));
    model.params.get('hidden2.b').assign(tf.tensor1d([0.5, 0.5, -0.5, -0.5]));
    const input = batch();
    const { arrays } = await snapshot(target(model), input, {
      bias: { key: 'weight.out.b', as: 'scale' },
      ratio: { key: 'weight.out.b', as: 'scale', relativeTo: 'weight.hidden2.b' },
    }, new Map());
    expect(arrays.bias!.shape).toEqual([1]);
    expect(arrays.bias!.data[0]).toBeCloseTo(Math.sqrt(6.8), 6);
    expect(arrays.bias!.info).toEqual({ std: expect.closeTo(Math.sqrt(6.8), 6) as number, mean: 0, rms: expect.closeTo(Math.sqrt(6.8), 6) as number, absMax: 4 });
    expect(arrays.ratio!.data[0]).toBeCloseTo(Math.sqrt(6.8) / 0.5, 5);
    expect(arrays.ratio!.info).toMatchObject({ relativeStd: 0.5 });
    tf.dispose([input.x, input.y]);
    model.dispose();
  });

  it('limits a histogram, a saturation mask and a scale to the slice at `index` (one layer of mlp.hiddens)', async () => {
    const model = new MLP(config);
    const input = batch();
    const before = tf.memory().numTensors;
    const { arrays } = await snapshot(target(model), input, {
      spread: { key: 'mlp.hiddens', as: 'histogram', bins: 8, range: [-1, 1], index: [1] },
      flat: { key: 'mlp.hiddens', as: 'saturation', threshold: 0.9, index: [1, 1] },
      layer: { key: 'mlp.hiddens', as: 'scale', index: [1] },
      input: { key: 'mlp.preacts', as: 'scale', index: [1], relativeTo: 'mlp.preacts' },
    }, new Map());
    expect(tf.memory().numTensors).toBe(before);
    const recorded = model.forward(input.x, undefined, { record: ['mlp.hiddens', 'mlp.preacts'] }).intermediates!;
    const second = recorded['mlp.hiddens']!.slice([1], [1]).dataSync(); // (1, B, T, N): layer 2
    expect(Array.from(arrays.spread!.data)).toEqual(Array.from(histogram(second, 8, [-1, 1]).counts));
    expect(arrays.spread!.info).toMatchObject({ total: 2 * 4 * 4 });
    const example = Array.from(recorded['mlp.hiddens']!.slice([1, 1], [1, 1]).dataSync()); // layer 2, example 1: (T, N)
    expect(arrays.flat!.shape).toEqual([4, 4]);
    expect(Array.from(arrays.flat!.data)).toEqual(example.map((h) => (Math.abs(h) >= 0.9 ? 1 : 0)));
    expect(arrays.layer!.data[0]).toBeCloseTo(scaleOf(second).std, 6);
    const preacts = recorded['mlp.preacts']!.slice([1], [1]).dataSync();
    expect(arrays.input!.data[0]).toBeCloseTo(1, 6); // the same slice of the same key: ratio 1
    expect(arrays.input!.info).toMatchObject({ std: expect.closeTo(scaleOf(preacts).std, 6) as number });
    await expect(snapshot(target(model), input, { bad: { key: 'mlp.hiddens', as: 'scale', index: [2] } }, new Map())).rejects.toThrow("index 2 is outside axis 0 of 'mlp.hiddens' (size 2)");
    tf.dispose([input.x, input.y, ...Object.values(recorded)]);
    model.dispose();
  });
});
