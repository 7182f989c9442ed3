import { describe, expect, it } from 'vitest';
import { buildDataset, DATASETS } from '../../../lab/data/datasets';
import { NGramCounts } from '../../../lab/models/ngramCounts';

// Three names: "ab", "abb", "b", with ⏎ = 0, a = 1, b = 2 (see ngram.test.ts for the bigrams).
// Targets: ⏎ three times, a twice, b four times: the add-one unigram is (4, 3, 5) / 12.
const tiny = () => {
  const d = buildDataset(DATASETS.names, 'ab\nabb\nb', { seed: 0 });
  return { sequences: [...d.splits.train.sequences, ...d.splits.dev.sequences, ...d.splits.test.sequences], wrapped: true };
};
const witten = (order: number) => new NGramCounts(3, { order, smoothing: 1, estimator: 'witten-bell' }).fit(tiny());

describe('NGramCounts with interpolated Witten–Bell', () => {
  it('mixes the bigram with the add-one unigram by hand', () => {
    const m = witten(2);
    witten(1).probabilities([]).forEach((p, target) => expect(p).toBeCloseTo([4, 3, 5][target]! / 12, 12));
    // After a: b twice (C = 2), one distinct follower (T = 1): P(w|a) = (C(a,w) + 1 * P1(w)) / 3.
    const afterA = [...m.probabilities([1])];
    expect(afterA[0]).toBeCloseTo(4 / 12 / 3, 12);
    expect(afterA[1]).toBeCloseTo(3 / 12 / 3, 12);
    expect(afterA[2]).toBeCloseTo((2 + 5 / 12) / 3, 12);
    // After b: ⏎ three times, b once (C = 4, T = 2): P(⏎|b) = (3 + 2 * 4/12) / 6.
    expect(m.probability([2], 0)).toBeCloseTo((3 + (2 * 4) / 12) / 6, 12);
  });

  it('backs off to the shorter context for an unseen one, and every distribution sums to 1', () => {
    const tri = witten(3);
    const bi = witten(2);
    expect(tri.total([2, 1])).toBe(0); // "ba" never occurs
    expect([...tri.probabilities([2, 1])]).toEqual([...bi.probabilities([1])]);
    for (const context of [[0, 0], [0, 1], [1, 2], [2, 2], [2, 1]]) {
      const p = tri.probabilities(context);
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      p.forEach((x, target) => expect(tri.probability(context, target)).toBeCloseTo(x, 12));
    }
  });

  it('gives every token some probability, so no NLL is infinite', () => {
    const train = buildDataset(DATASETS.names, 'ab\nab\nab', { seed: 0 });
    const m = new NGramCounts(3, { order: 3, smoothing: 1, estimator: 'witten-bell' }).fit(train.splits.train);
    const unseen = { sequences: [Int32Array.from([2, 1])], wrapped: true }; // "ba"
    expect(Number.isFinite(m.nll(unseen))).toBe(true);
    expect(new NGramCounts(3, { order: 3, smoothing: 0 }).fit(train.splits.train).nll(unseen)).toBe(Infinity);
  });

  it('counts the same top-order contexts as add-k', () => {
    const addK = new NGramCounts(3, { order: 3, smoothing: 0 }).fit(tiny());
    const wb = witten(3);
    expect(wb.contextCount).toBe(addK.contextCount);
    for (const context of [[0, 0], [1, 2]]) expect([...wb.counts(context)]).toEqual([...addK.counts(context)]);
  });
});
