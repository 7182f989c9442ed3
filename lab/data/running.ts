import { CharTokenizer } from '../tokenizers/char';
import type { Split } from './datasets';

/**
 * The first `tokens` tokens (or fewer, if the split is shorter) of a split as one running text,
 * as a recurrent model reads it without stopping: a line data set's examples joined by their
 * boundary token (⏎ w1 ⏎ w2 ⏎ …), a stream's text as it is.
 */
export function runningText(split: Split, tokens: number): Int32Array {
  if (!split.wrapped) return (split.sequences[0] ?? new Int32Array(0)).subarray(0, tokens);
  const out = new Int32Array(tokens);
  let n = 0;
  for (const example of split.sequences) {
    if (n >= tokens) break;
    out[n++] = CharTokenizer.BOUNDARY_ID;
    const taken = example.subarray(0, tokens - n);
    out.set(taken, n);
    n += taken.length;
  }
  if (n < tokens && split.sequences.length > 0) out[n++] = CharTokenizer.BOUNDARY_ID; // the last example's end
  return out.subarray(0, n);
}

/** What {@link runningWindows} returns: row-major (count, length) inputs and their next tokens. */
export interface Windows {
  /** (count, length) the tokens read. */
  x: Int32Array;
  /** (count, length) the token after each. */
  y: Int32Array;
}

/**
 * `count` windows of `length` consecutive tokens of a split's running text ({@link runningText}),
 * the first at its start and each right after the previous; every position's target is the token
 * after it, so the last position of each window has one too.
 * @throws for a count or length that is not a whole number >= 1, and a split too short for them.
 */
export function runningWindows(split: Split, count: number, length: number): Windows {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a whole number >= 1, not ${count}`);
  if (!Number.isInteger(length) || length < 1) throw new Error(`length must be a whole number >= 1, not ${length}`);
  const text = runningText(split, count * length + 1);
  if (text.length < count * length + 1) {
    const fit = Math.max(0, Math.floor((text.length - 1) / length));
    throw new Error(`the split's running text is ${text.length} tokens long: ${fit} window${fit === 1 ? '' : 's'} of ${length} tokens at most, not ${count}`);
  }
  return { x: text.slice(0, count * length), y: text.slice(1, count * length + 1) };
}
