import { CharTokenizer } from '../tokenizers/char';
import type { Split } from './datasets';

/**
 * Calls `visit(context, target)` for every next-token prediction of a split, the context being
 * the `length` tokens before the target, padded with the boundary where they run off the start.
 * A wrapped example (a name) predicts each of its tokens and then its closing boundary; running
 * text predicts every token but its first. `context` is reused between calls: copy it to keep it.
 */
export function forEachContext(split: Split, length: number, visit: (context: Int32Array, target: number) => void): void {
  const context = new Int32Array(length);
  for (const seq of split.sequences) {
    const padded = new Int32Array(length + seq.length + (split.wrapped ? 1 : 0)).fill(CharTokenizer.BOUNDARY_ID);
    padded.set(seq, length);
    const first = split.wrapped ? length : length + 1;
    for (let j = first; j < padded.length; j++) {
      for (let c = 0; c < length; c++) context[c] = padded[j - length + c]!;
      visit(context, padded[j]!);
    }
  }
}

/** Every (context, target) pair of a split, as flat arrays ready for a tensor. */
export interface ContextWindows {
  /** Number of pairs. */
  count: number;
  /** (count * length) context ids, row-major. */
  x: Int32Array;
  /** (count) target ids. */
  y: Int32Array;
}

/**
 * All (context, target) pairs of a split: the training set of a fixed-context model
 * (the bigram: length 1; Bengio's MLP: length 3).
 */
export function contextWindows(split: Split, length: number): ContextWindows {
  const xs: number[] = [];
  const ys: number[] = [];
  forEachContext(split, length, (context, target) => {
    for (let c = 0; c < length; c++) xs.push(context[c]!);
    ys.push(target);
  });
  return { count: ys.length, x: Int32Array.from(xs), y: Int32Array.from(ys) };
}
