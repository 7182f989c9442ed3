import { describe, expect, it } from 'vitest';
import { TEXT_PROPERTIES, textProperties } from '../../../lab/analysis/textProperties';
import { correlateUnits, pearson } from '../../../lab/analysis/unitCorrelation';

const seq = (text: string, property: (typeof TEXT_PROPERTIES)[number]) => Array.from(textProperties(text)[property]);

describe('textProperties', () => {
  it('gives every property one value per code point', () => {
    const props = textProperties('a😀b\n');
    expect(Object.keys(props)).toEqual([...TEXT_PROPERTIES]);
    for (const p of TEXT_PROPERTIES) expect(props[p]).toHaveLength(4);
    expect(textProperties('').linePosition).toHaveLength(0);
  });

  it('counts the position in the line, reset by a newline, and marks line starts', () => {
    expect(seq('Hi you\nok', 'linePosition')).toEqual([1, 2, 3, 4, 5, 6, 0, 1, 2]);
    expect(seq('Hi you\nok', 'lineStart')).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(seq('\n\nx', 'linePosition')).toEqual([0, 0, 1]);
  });

  it('marks words, the place in the word, capitals, vowels and spaces', () => {
    expect(seq('Hi you\nok', 'inWord')).toEqual([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    expect(seq('Hi you\nok', 'wordPosition')).toEqual([1, 2, 0, 1, 2, 3, 0, 1, 2]);
    expect(seq('Hi you\nok', 'uppercase')).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(seq('Hi you\nok', 'vowel')).toEqual([0, 1, 0, 0, 1, 1, 0, 1, 0]);
    expect(seq('Hi you\nok', 'space')).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]);
    // An apostrophe between letters belongs to the word; one at a word's edge does not.
    expect(seq("call'd 'o", 'wordPosition')).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 1]);
  });

  it("marks a play's speaker lines, not lines of verse", () => {
    const text = 'ROMEO:\nO, Romeo, Romeo!\nFirst Citizen:\nx';
    const speaker = seq(text, 'speakerLine');
    expect(speaker.slice(0, 7)).toEqual([1, 1, 1, 1, 1, 1, 0]);
    expect(speaker.slice(7, 24).every((v) => v === 0)).toBe(true);
    expect(speaker.slice(24, 38)).toEqual(new Array(14).fill(1));
    expect(speaker.slice(38)).toEqual([0, 0]);
  });

  it('marks quotations and parentheses with their marks; an elision inside a word opens none', () => {
    const text = "say 'no' and call'd\nhe said \"go (now)\" x";
    const quote = seq(text, 'quote');
    const inside = (from: number, to: number) => quote.map((_, i) => (i >= from && i <= to ? 1 : 0));
    const expected = inside(4, 7).map((v, i) => v || inside(28, 37)[i]!);
    expect(quote).toEqual(expected);
    expect(seq(text, 'paren')).toEqual(Array.from(text, (_, i) => (i >= 32 && i <= 36 ? 1 : 0)));
    const punctuation = seq(text, 'punctuation');
    expect(punctuation.flatMap((v, i) => (v ? [i] : []))).toEqual([4, 7, 17, 28, 32, 36, 37]);
  });

  it('ends a quotation left open at a blank line, and counts nested parentheses', () => {
    expect(seq("'tis so\n\nnext", 'quote')).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(seq('a(b(c)d)e)f', 'paren')).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(seq('「好」了', 'quote')).toEqual([1, 1, 1, 0]);
  });
});

describe('pearson', () => {
  it('is 1, −1, a hand-computed 0.8, and 0 for a constant sequence', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBe(0);
    expect(() => pearson([1, 2], [1])).toThrow('differ in length');
    expect(() => pearson([1], [1])).toThrow('at least 2');
  });
});

describe('correlateUnits', () => {
  // (T = 4, N = 3): unit 0 = 1, 2, 3, 4; unit 1 = 1, 3, 2, 4; unit 2 constant.
  const activations = Float32Array.from([1, 1, 7, 2, 3, 7, 3, 2, 7, 4, 4, 7]);

  it('ranks units by |r| per property, best first, the lower unit first on a tie', () => {
    const found = correlateUnits(activations, [4, 3], { count: [1, 2, 3, 4], late: [0, 0, 1, 1], reverse: [4, 3, 2, 1] }, 2);
    expect(found.count!.map((c) => c.unit)).toEqual([0, 1]);
    expect(found.count![0]!.r).toBeCloseTo(1, 6);
    expect(found.count![1]!.r).toBeCloseTo(0.8, 6);
    expect(found.late!.map((c) => c.unit)).toEqual([0, 1]);
    expect(found.late![0]!.r).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(found.late![1]!.r).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(found.reverse![0]).toEqual({ unit: 0, r: expect.closeTo(-1, 6) as number });
  });

  it('refuses activations that are not T × N', () => {
    expect(() => correlateUnits(activations, [4, 4], { count: [1, 2, 3, 4] })).toThrow('not 4 × 4');
  });
});
