import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowNorms } from '../../../lab/analysis/norm';
import { softmaxRows } from '../../../lab/analysis/softmax';
import { inputBatch, type InspectedModel, snapshot } from '../../../lab/worker/inspect';
import { useBackend } from './helpers';
import { checkpointTarget } from './inspectTarget';

describe('softmaxRows', () => {
  it('gives each row its probabilities, summing to 1, even for large logits', () => {
    const { probs, ids, k } = softmaxRows([1000, 1001, 1002, 0, 0, Math.log(2)], 3);
    expect(k).toBe(3);
    expect(ids).toBeUndefined();
    const e = [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2));
    e.forEach((p, i) => expect(probs[i]).toBeCloseTo(p, 6));
    [0.25, 0.25, 0.5].forEach((p, i) => expect(probs[3 + i]).toBeCloseTo(p, 6));
  });

  it('keeps the top k descending with their ids, ties by lower id, and divides the logits by the temperature', () => {
    const { probs, ids, k } = softmaxRows([0, 2, 1, 2], 4, 0.5, 3);
    expect(k).toBe(3);
    expect(Array.from(ids!)).toEqual([1, 3, 2]);
    const z = [0, 4, 2, 4].map(Math.exp);
    const sum = z.reduce((a, b) => a + b);
    [z[1]! / sum, z[3]! / sum, z[2]! / sum].forEach((p, i) => expect(probs[i]).toBeCloseTo(p, 6));
    expect(softmaxRows([0, 1], 2, 1, 10).k).toBe(2); // more than V gives all V
  });

  it('refuses a temperature <= 0 and a top that is not a whole number >= 1', () => {
    expect(() => softmaxRows([0, 1], 2, 0)).toThrow('the temperature must be a number > 0, not 0');
    expect(() => softmaxRows([0, 1], 2, 1, 1.5)).toThrow('top must be a whole number >= 1, not 1.5');
    expect(() => softmaxRows([0, 1], 2, 1, 0)).toThrow('top must be a whole number >= 1, not 0');
  });
});

describe('rowNorms', () => {
  it('gives each row its L2 norm, or their mean over the first axis', () => {
    // (2, 2, 2): example 0 has rows (3, 4), (0, 1); example 1 has (6, 8), (0, 3).
    const values = [3, 4, 0, 1, 6, 8, 0, 3];
    expect(Array.from(rowNorms(values, 2))).toEqual([5, 1, 10, 3]);
    expect(Array.from(rowNorms(values, 2, 2))).toEqual([7.5, 2]);
    expect(() => rowNorms(values, 2, 3)).toThrow('cannot average 4 norms over 3 groups');
  });
});

describe('the softmax and norm probes', () => {
  let target: InspectedModel;
  beforeAll(async () => {
    await useBackend('cpu');
    target = await checkpointTarget('names-rnn');
  });
  afterAll(() => target.model.dispose());

  it('equal tfjs\'s softmax, top k and norms of what the model records, and free every tensor', async () => {
    const batch = inputBatch(target, { split: 'dev', count: 4 }); // (4, T) each
    const before = tf.memory().numTensors;
    const { arrays } = await snapshot(
      target,
      batch,
      {
        next: { key: 'logits', as: 'softmax', index: [1], top: 5, temperature: 0.8 },
        all: { key: 'logits', as: 'softmax', index: [0, 2] },
        size: { key: 'rnn.state', as: 'norm' },
        mean: { key: 'rnn.state', as: 'norm', average: true },
        one: { key: 'rnn.state', as: 'norm', index: [3], average: true },
      },
      new Map(),
    );
    expect(tf.memory().numTensors).toBe(before);
    const { logits, intermediates } = target.model.forward(batch.x, undefined, { record: ['rnn.state'] });
    const T = batch.x.shape[1];
    const V = target.vocab.length;
    const expected = tf.tidy(() => tf.topk(tf.softmax(logits.gather([1]).div(0.8)).reshape([T, V]), 5)); // (T, 5) values and indices
    expect(arrays.next!.shape).toEqual([T, 5]);
    expect(arrays['next.ids']!.shape).toEqual([T, 5]);
    expect(Array.from(arrays['next.ids']!.data)).toEqual(Array.from(expected.indices.dataSync()));
    Array.from(expected.values.dataSync()).forEach((p, i) => expect(arrays.next!.data[i]).toBeCloseTo(p, 6));
    expect(arrays.all!.shape).toEqual([V]);
    expect(arrays['all.ids']).toBeUndefined();
    const row = tf.tidy(() => tf.softmax(logits.slice([0, 2, 0], [1, 1, V]).reshape([V])).dataSync()); // (V)
    Array.from(row).forEach((p, i) => expect(arrays.all!.data[i]).toBeCloseTo(p, 6));
    const state = intermediates!['rnn.state']!; // (4, T, H)
    const norms = tf.tidy(() => tf.norm(state, 'euclidean', -1)); // (4, T)
    expect(arrays.size!.shape).toEqual([4, T]);
    Array.from(norms.dataSync()).forEach((n, i) => expect(arrays.size!.data[i]).toBeCloseTo(n, 4));
    expect(arrays.mean!.shape).toEqual([T]);
    const mean = tf.tidy(() => norms.mean(0).dataSync()); // (T)
    Array.from(mean).forEach((n, i) => expect(arrays.mean!.data[i]).toBeCloseTo(n, 4));
    expect(arrays.one!.shape).toEqual([1]);
    expect(arrays.one!.data[0]).toBeCloseTo(Array.from(norms.slice([3, 0], [1, T]).dataSync()).reduce((a, b) => a + b) / T, 4);
    tf.dispose([logits, state, norms, expected.values, expected.indices, batch.x, batch.y]);
  });

  it('say what is wrong with a probe that does not fit its tensor', async () => {
    const batch = inputBatch(target, { split: 'dev', count: 2 }); // (2, T) each
    const take = (probe: Parameters<typeof snapshot>[2][string]) => snapshot(target, batch, { p: probe }, new Map());
    await expect(take({ key: 'logits', as: 'softmax', index: [0, 1], temperature: -1 })).rejects.toThrow('the temperature must be a number > 0, not -1');
    await expect(take({ key: 'rnn.state', as: 'norm', index: [0, 1], average: true })).rejects.toThrow("'rnn.state' at [0,1] has 1 axes; a norm averaged over examples needs two at least");
    tf.dispose([batch.x, batch.y]);
  });
});
