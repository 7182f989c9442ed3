import { CharTokenizer } from '../tokenizers/char';
import type { ReadText } from './protocol';

/** A typed text as a model reads it: its token ids and how each position maps back to the text. */
export interface TextRead {
  /** The ids read, the boundary token first for a model of line examples. */
  ids: number[];
  read: ReadText;
}

/**
 * Reads a typed text with a model's vocabulary, one token per character (code point), after the
 * boundary token for a model of line examples (which always reads an example after it).
 * @param vocab the tokenizer's characters, id order.
 * @param lines whether the model was trained on line examples (names, poems) rather than a stream.
 * @param unknown `skip` leaves out the characters the vocabulary lacks and lists them in
 *   `read.skipped`; `error` (the default) refuses the text.
 * @throws for unknown characters (naming them) unless they are skipped.
 */
export function readText(text: string, vocab: readonly string[], lines: boolean, unknown: 'error' | 'skip' = 'error'): TextRead {
  const tokenizer = CharTokenizer.fromChars(vocab);
  const chars = Array.from(text);
  const skipped = chars.flatMap((c, i) => (tokenizer.covers(c) ? [] : [i]));
  if (unknown !== 'skip' && skipped.length > 0) {
    const names = [...new Set(skipped.map((i) => chars[i]!))];
    throw new Error(`the model does not know the character${names.length > 1 ? 's' : ''} ${names.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  const at = [...(lines ? [-1] : []), ...chars.flatMap((c, i) => (tokenizer.covers(c) ? [i] : []))];
  const tokens = at.map((i) => (i < 0 ? CharTokenizer.BOUNDARY : chars[i]!));
  return { ids: tokenizer.encode(tokens.join('')), read: { chars, tokens, at, skipped, boundary: CharTokenizer.BOUNDARY } };
}
