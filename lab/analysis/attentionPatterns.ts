import type { AttentionPattern } from '../worker/protocol';

/**
 * A pattern's short name, as a label or a JSON key: `previous`, `self`, `start`, `induction`, or
 * `back{k}` for `{ back: k }`.
 */
export function patternName(pattern: AttentionPattern): string {
  return typeof pattern === 'string' ? pattern : `back${pattern.back}`;
}

/**
 * Checks that every pattern is one {@link patternScore} knows.
 * @throws naming the first that is not: an unknown name, or a `back` that is not a whole number >= 0.
 */
export function checkPatterns(patterns: readonly AttentionPattern[]): void {
  for (const pattern of patterns) {
    if (typeof pattern === 'string') {
      if (!['previous', 'self', 'start', 'induction'].includes(pattern)) throw new Error(`unknown attention pattern '${pattern}'; the patterns are previous, self, start, induction and { back: k }`);
    } else if (!(typeof pattern === 'object' && pattern !== null && Number.isInteger(pattern.back) && pattern.back >= 0)) {
      throw new Error(`an attention pattern { back: k } needs a whole number k >= 0, not ${JSON.stringify(pattern)}`);
    }
  }
}

/**
 * How much one head attends where a pattern looks: the mean over query rows t of the weight row t
 * puts there (the definitions of {@link AttentionPattern}):
 * - `{ back: k }`: w[t, t − k], over rows t >= max(k, 1); `previous` is `{ back: 1 }`, `self` `{ back: 0 }`;
 * - `start`: w[t, 0], over rows t >= 1;
 * - `induction`: the sum of w[t, j + 1] over every earlier occurrence j of the token at t with
 *   j + 1 < t (the position right after it), over the rows that have one.
 * Row 0, which can only attend to itself, never counts. Sums run in double precision.
 * @param weights a (T, T) row-major attention matrix, query rows, key columns (a slice of
 *   `block{i}.attn.weights`), or a longer array of which the matrix starts at `offset`.
 * @param time T.
 * @param tokens (T) the token ids the model read, for `induction`.
 * @returns the score in [0, 1], or NaN when no row qualifies (`{ back: k }` with k >= T, `induction` without a repeated token).
 */
export function patternScore(weights: ArrayLike<number>, time: number, tokens: ArrayLike<number>, pattern: AttentionPattern, offset = 0): number {
  const w = (t: number, j: number) => weights[offset + t * time + j]!;
  let sum = 0;
  let rows = 0;
  if (pattern === 'induction') {
    for (let t = 2; t < time; t++) {
      let row = 0;
      let found = false;
      for (let j = 0; j + 1 < t; j++) {
        if (tokens[j] !== tokens[t]) continue;
        row += w(t, j + 1);
        found = true;
      }
      if (!found) continue;
      sum += row;
      rows++;
    }
    return rows > 0 ? sum / rows : NaN;
  }
  const back = pattern === 'start' ? undefined : pattern === 'previous' ? 1 : pattern === 'self' ? 0 : pattern.back;
  for (let t = Math.max(back ?? 1, 1); t < time; t++) {
    sum += w(t, back === undefined ? 0 : t - back);
    rows++;
  }
  return rows > 0 ? sum / rows : NaN;
}

/**
 * Every pattern's score for each of a stack of (T, T) attention matrices that read the same
 * tokens (the heads of one example): what a `patterns` probe returns.
 * @param weights (M, T, T) row-major, e.g. one example's (H, T, T) slice of `block{i}.attn.weights`.
 * @param time T.
 * @param tokens (T) the token ids of that example.
 * @returns (M, P) row-major: matrix m's score of pattern p, in the order of `patterns` (NaN where no row qualifies).
 * @throws for an unknown pattern (see {@link checkPatterns}), or weights that are not whole (T, T) matrices.
 */
export function patternScores(weights: ArrayLike<number>, time: number, tokens: ArrayLike<number>, patterns: readonly AttentionPattern[]): Float32Array {
  checkPatterns(patterns);
  const size = time * time;
  if (time < 1 || weights.length % size !== 0) throw new Error(`${weights.length} weights are not whole ${time} × ${time} attention matrices`);
  if (tokens.length !== time) throw new Error(`${tokens.length} tokens for ${time} positions`);
  const matrices = weights.length / size;
  const out = new Float32Array(matrices * patterns.length);
  for (let m = 0; m < matrices; m++) patterns.forEach((pattern, p) => (out[m * patterns.length + p] = patternScore(weights, time, tokens, pattern, m * size)));
  return out;
}
