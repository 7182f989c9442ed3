import { describe, expect, it } from 'vitest';
import { buildDataset, DATASETS, isDatasetId, loadDataset, predictionCount } from '../../../lab/data/datasets';
import { Rng } from '../../../lab/rng';
import { readData } from './helpers';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i % 7}`).join('\n');

describe('data sets', () => {
  it('splits names makemore-style: test and dev each min(1000, 10%), deterministically', async () => {
    const names = (await readData('names.txt')).split('\n').filter((l) => l.trim()).length;
    expect(names).toBe(32033);
    const a = await loadDataset('names', readData);
    const b = await loadDataset('names', readData);
    expect(a.splits.test.sequences.length).toBe(1000);
    expect(a.splits.dev.sequences.length).toBe(1000);
    expect(a.splits.train.sequences.length).toBe(names - 2000);
    expect(a.tokenizer.vocabSize).toBe(27);
    for (const split of ['train', 'dev', 'test'] as const) {
      expect(a.splits[split].sequences.map((s) => a.tokenizer.decode(s))).toEqual(b.splits[split].sequences.map((s) => b.tokenizer.decode(s)));
    }
  });

  it('gives another split for another seed, with no example lost or duplicated', () => {
    const text = lines(200);
    const one = buildDataset(DATASETS.names, text, { seed: 1 });
    const two = buildDataset(DATASETS.names, text, { seed: 2 });
    const decode = (d: typeof one, s: 'train' | 'dev' | 'test') => d.splits[s].sequences.map((x) => d.tokenizer.decode(x));
    expect(decode(one, 'test')).not.toEqual(decode(two, 'test'));
    expect(decode(one, 'test')).toHaveLength(20); // 10% of 200 < 1000
    const all = [...decode(one, 'train'), ...decode(one, 'dev'), ...decode(one, 'test')].sort();
    expect(all).toEqual(text.split('\n').sort());
  });

  it('cuts running text 90/10 like nanoGPT', () => {
    const text = 'abcdefghij'.repeat(10);
    const d = buildDataset(DATASETS.tinyshakespeare, text);
    expect(d.splits.train.sequences[0]!.length).toBe(90);
    expect(d.splits.dev.sequences[0]!.length).toBe(10);
    expect(d.splits.test.sequences).toHaveLength(0);
    expect(predictionCount(d.splits.train)).toBe(89);
  });

  it('rejects empty, binary and huge text with a clear message', () => {
    expect(() => buildDataset(DATASETS.names, '  \n ')).toThrow(/empty/);
    expect(() => buildDataset(DATASETS.names, 'ab\u0000\u0001cd')).toThrow(/binary/);
    expect(() => buildDataset(DATASETS.names, 'a'.repeat(8_000_001))).toThrow(/limit/);
  });

  it('recognizes data-set ids', () => {
    expect(isDatasetId('names')).toBe(true);
    expect(isDatasetId('../etc/passwd')).toBe(false);
  });

  it('draws the same numbers from the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const first = draw(a);
    expect(first).toEqual(draw(b));
    expect(first).not.toEqual(draw(c));
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
