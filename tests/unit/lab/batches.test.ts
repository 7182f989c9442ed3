import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, DATASETS } from '../../../lab/data/datasets';
import { type BatchSource, sequenceBatches, sequencePass, windowBatches } from '../../../lab/train/batches';
import { useBackend } from './helpers';

beforeAll(() => useBackend('cpu'));

describe('sequence batches', () => {
  it('pads names makemore-style: x starts with the boundary, y ends with it, then -1', () => {
    const d = buildDataset(DATASETS.names, 'ab\nb', { seed: 0 }); // ⏎=0 a=1 b=2
    const split = { sequences: [Int32Array.from([1, 2]), Int32Array.from([2])], wrapped: true };
    const { source, batches } = sequencePass(split, 4, 8);
    expect(batches).toBe(1);
    const { x, y } = source.next();
    expect(x.arraySync()).toEqual([[0, 1, 2, 0], [0, 2, 0, 0]]);
    expect(y.arraySync()).toEqual([[1, 2, 0, -1], [2, 0, -1, -1]]);
    expect(d.tokenizer.chars).toEqual(['\n', 'a', 'b']);
    x.dispose();
    y.dispose();
  });

  it('cuts running text into shifted windows, and a pass covers it without overlap', () => {
    const split = { sequences: [Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])], wrapped: false };
    const { source, batches } = sequencePass(split, 3, 2);
    expect(batches).toBe(2); // windows start at 0, 3, 6
    const first = source.next();
    expect(first.x.arraySync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(first.y.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const second = source.next();
    expect(second.x.arraySync()).toEqual([[6, 7, 8]]);
    [first, second].forEach((b) => (b.x.dispose(), b.y.dispose()));
  });

  it('draws the same random batches from the same seed', () => {
    const split = { sequences: [Int32Array.from({ length: 100 }, (_, i) => i % 7)], wrapped: false };
    const draw = (seed: number) => {
      const { x, y } = sequenceBatches(split, 8, 4, seed).next();
      const out = [x.arraySync(), y.arraySync()];
      x.dispose();
      y.dispose();
      return out;
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(() => sequenceBatches({ sequences: [Int32Array.from([1, 2])], wrapped: false }, 8, 4, 1)).toThrow(/shorter/);
  });
});

describe('skip', () => {
  const text = { sequences: [Int32Array.from({ length: 100 }, (_, i) => (i * 7) % 11)], wrapped: false };
  const lines = { sequences: Array.from({ length: 30 }, (_, i) => Int32Array.from({ length: 1 + (i % 5) }, (_, t) => 1 + ((i + t) % 4))), wrapped: true };
  const windows = { x: Int32Array.from({ length: 40 * 3 }, (_, i) => i % 13), y: Int32Array.from({ length: 40 }, (_, i) => i % 5), count: 40 };
  /** Each source, built twice from the same arguments. */
  const SOURCES: [string, () => BatchSource][] = [
    ['windowBatches, random', () => windowBatches(windows, 6, 5)],
    ['windowBatches, full batch', () => windowBatches(windows, 0, 0)],
    ['sequenceBatches, running text', () => sequenceBatches(text, 8, 4, 5)],
    ['sequenceBatches, lines', () => sequenceBatches(lines, 6, 4, 5)],
    ['sequencePass, running text', () => sequencePass(text, 8, 3).source], // 4 batches per pass
    ['sequencePass, lines', () => sequencePass(lines, 6, 7).source], // 5 batches per pass: skips wrap around
  ];
  const read = (source: BatchSource) => {
    const { x, y } = source.next();
    const out = [x.arraySync(), y.arraySync()];
    x.dispose();
    y.dispose();
    return out;
  };

  it.each(SOURCES)('%s: skip(n) then next() is the (n+1)-th next()', (_, make) => {
    for (const n of [0, 1, 3, 7]) {
      const [walked, skipped] = [make(), make()];
      for (let i = 0; i < n; i++) read(walked);
      skipped.skip(n);
      expect(read(skipped)).toEqual(read(walked));
      expect(read(skipped)).toEqual(read(walked)); // and they stay together
      walked.dispose();
      skipped.dispose();
    }
  });
});
