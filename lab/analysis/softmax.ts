/** What {@link softmaxRows} returns. */
export interface SoftmaxRows {
  /** (rows, k) row-major: each row's probabilities, all of them in id order, or its `top` largest, descending. */
  probs: Float32Array;
  /** (rows, k) the token id of each probability; undefined without `top` (the column is the id). */
  ids?: Int32Array;
  /** Columns per row: V, or `top` (at most V). */
  k: number;
}

/**
 * The softmax of every row of a (rows, V) matrix of logits, at a temperature: p_i ∝ exp(z_i / τ),
 * in double precision after subtracting the row's largest logit (so large logits never overflow).
 * With `top`, only each row's `top` most likely tokens, descending (ties by lower id first), and
 * their ids: what a bar list of the next-token distribution draws.
 * @param values a (rows, V) row-major matrix, e.g. a (B, T, V) tensor of logits as (B * T, V).
 * @param temperature τ > 0: below 1 sharpens, above 1 flattens the distribution.
 * @param top a whole number >= 1; more than V gives all V.
 * @throws for a temperature that is not a finite number > 0, or a `top` that is not a whole number >= 1.
 */
export function softmaxRows(values: ArrayLike<number>, cols: number, temperature = 1, top?: number): SoftmaxRows {
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new Error(`the temperature must be a number > 0, not ${temperature}`);
  if (top !== undefined && !(Number.isInteger(top) && top >= 1)) throw new Error(`top must be a whole number >= 1, not ${top}`);
  const rows = cols > 0 ? Math.floor(values.length / cols) : 0;
  const k = top === undefined ? cols : Math.min(top, cols);
  const probs = new Float32Array(rows * k);
  const ids = top === undefined ? undefined : new Int32Array(rows * k);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, values[r * cols + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += row[j] = Math.exp((values[r * cols + j]! - max) / temperature);
    for (let j = 0; j < cols; j++) row[j]! /= sum;
    if (!ids) {
      probs.set(row, r * k);
      continue;
    }
    const order = Array.from({ length: cols }, (_, j) => j).sort((a, b) => row[b]! - row[a]! || a - b);
    for (let j = 0; j < k; j++) {
      probs[r * k + j] = row[order[j]!]!;
      ids[r * k + j] = order[j]!;
    }
  }
  return { probs, ids, k };
}
