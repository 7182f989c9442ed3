import { describe, expect, it } from 'vitest';
import { CharTokenizer, displayToken } from '../../../lab/tokenizers/char';

describe('CharTokenizer', () => {
  it('round-trips text, Chinese included', () => {
    const text = 'emma\nolivia\n白日依山尽，黄河入海流。';
    const tok = CharTokenizer.fromText(text);
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('puts the boundary at id 0 and sorts the rest', () => {
    const tok = CharTokenizer.fromText('cab');
    expect(tok.chars).toEqual(['\n', 'a', 'b', 'c']);
    expect(tok.encode('abc\n')).toEqual([1, 2, 3, 0]);
    expect(tok.vocabSize).toBe(4);
  });

  it('rejects a character outside the vocabulary with a clear message', () => {
    const tok = CharTokenizer.fromText('ab');
    expect(() => tok.encode('abz')).toThrow(/"z" is not in the vocabulary/);
    expect(tok.covers('ba')).toBe(true);
    expect(tok.covers('bz')).toBe(false);
  });

  it('restores from its chars', () => {
    const tok = CharTokenizer.fromText('hello');
    expect(CharTokenizer.fromChars(tok.chars).encode('hole')).toEqual(tok.encode('hole'));
    expect(() => CharTokenizer.fromChars(['a', '\n'])).toThrow();
  });

  it('shows invisible tokens visibly', () => {
    expect(displayToken('\n')).toBe('⏎');
    expect(displayToken(' ')).toBe('␣');
    expect(displayToken('a')).toBe('a');
  });
});
