import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, DATASETS } from '../../../lab/data/datasets';
import { sequenceBatches, sequencePass } from '../../../lab/train/batches';
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
