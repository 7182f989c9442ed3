import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, DATASETS } from '../../../lab/data/datasets';
import { NGramModel, perplexity } from '../../../lab/models/ngram';
import { useBackend } from './helpers';

// Three names: "ab", "abb", "b". With ⏎ as the boundary (id 0), a = 1, b = 2, the bigrams are
//   ⏎a ab b⏎ | ⏎a ab bb b⏎ | ⏎b b⏎
// so C(⏎,a)=2 C(⏎,b)=1 C(a,b)=2 C(b,b)=1 C(b,⏎)=3, and 9 predictions in all.
const tiny = () => {
  const d = buildDataset(DATASETS.names, 'ab\nabb\nb', { seed: 0 });
  // Use every name for training (the split would hold none out of 3 lines anyway).
  return { d, all: { sequences: [...d.splits.train.sequences, ...d.splits.dev.sequences, ...d.splits.test.sequences], wrapped: true } };
};

describe('NGramModel', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the maximum-likelihood bigram probabilities counted by hand', () => {
    const { d, all } = tiny();
    expect(d.tokenizer.chars).toEqual(['\n', 'a', 'b']);
    const m = new NGramModel(3, { order: 2, smoothing: 0 }).fit(all);
    expect([...m.probabilities([0])]).toEqual([0, 2 / 3, 1 / 3]);
    expect([...m.probabilities([1])]).toEqual([0, 0, 1]);
    expect([...m.probabilities([2])]).toEqual([3 / 4, 0, 1 / 4]);
    expect([...m.counts([2])]).toEqual([3, 0, 1]);
    // NLL = -(2 ln 2/3 + ln 1/3 + 2 ln 1 + ln 1/4 + 3 ln 3/4) / 9
    const expected = -(2 * Math.log(2 / 3) + Math.log(1 / 3) + Math.log(1 / 4) + 3 * Math.log(3 / 4)) / 9;
    expect(m.nll(all)).toBeCloseTo(expected, 12);
    expect(perplexity(m.nll(all))).toBeCloseTo(Math.exp(expected), 12);
  });

  it('adds k to every count with add-k smoothing', () => {
    const { all } = tiny();
    const m = new NGramModel(3, { order: 2, smoothing: 1 }).fit(all);
    expect([...m.probabilities([1])]).toEqual([1 / 5, 1 / 5, 3 / 5]); // (0+1, 0+1, 2+1) / (2+3)
    expect(m.probability([2], 0)).toBeCloseTo(4 / 7, 12); // (3+1) / (4+3)
  });

  it('counts unigrams and trigrams by hand too', () => {
    const { all } = tiny();
    const uni = new NGramModel(3, { order: 1, smoothing: 0 }).fit(all);
    expect([...uni.probabilities([])]).toEqual([3 / 9, 2 / 9, 4 / 9]); // ⏎ a b as targets
    const tri = new NGramModel(3, { order: 3, smoothing: 0 }).fit(all);
    // contexts (⏎,⏎) -> a twice, b once; (a,b) -> ⏎ once, b once
    expect([...tri.probabilities([0, 0])]).toEqual([0, 2 / 3, 1 / 3]);
    expect([...tri.probabilities([1, 2])]).toEqual([1 / 2, 0, 1 / 2]);
    expect([...tri.probabilities([2, 1])]).toEqual([1 / 3, 1 / 3, 1 / 3]); // unseen: uniform
  });

  it('has infinite NLL for an unseen n-gram without smoothing', () => {
    const train = buildDataset(DATASETS.names, 'ab\nab\nab', { seed: 0 });
    const m = new NGramModel(3, { order: 2, smoothing: 0 }).fit(train.splits.train);
    const unseen = { sequences: [Int32Array.from([2, 1])], wrapped: true }; // "ba"
    expect(m.nll(unseen)).toBe(Infinity);
  });

  it('keeps the LanguageModel contract: forward gives log-probabilities and the same NLL', () => {
    const { all } = tiny();
    const m = new NGramModel(3, { order: 2, smoothing: 1 }).fit(all);
    const idx = tf.tensor2d([[0], [1], [2]], [3, 1], 'int32');
    const targets = tf.tensor2d([[1], [2], [0]], [3, 1], 'int32');
    const { logits, loss } = m.forward(idx, targets);
    const probs = tf.softmax(logits).arraySync() as number[][][];
    expect(probs[2]![0]![0]).toBeCloseTo(4 / 7, 5);
    // P(a|⏎) = (2+1)/(3+3), P(b|a) = (2+1)/(2+3), P(⏎|b) = (3+1)/(4+3)
    const expectedLoss = -(Math.log(1 / 2) + Math.log(3 / 5) + Math.log(4 / 7)) / 3;
    expect(loss!.arraySync()).toBeCloseTo(expectedLoss, 5);
    tf.dispose([idx, targets, logits, loss!]);
  });

  it('rejects orders outside 1..5 and negative smoothing', () => {
    expect(() => new NGramModel(3, { order: 6, smoothing: 1 })).toThrow(/order/);
    expect(() => new NGramModel(3, { order: 0, smoothing: 1 })).toThrow(/order/);
    expect(() => new NGramModel(3, { order: 2, smoothing: -1 })).toThrow(/smoothing/);
    expect(() => new NGramModel(3, { order: 2, smoothing: NaN })).toThrow(/smoothing/);
  });
});
