/** What {@link saturation} returns. */
export interface Saturation {
  /** (rows, cols) row-major: 1 where |value| >= threshold, else 0. */
  mask: Int32Array;
  /** Rows of the mask: the first `rows` rows of the matrix, or all of them. */
  rows: number;
  /** Share of saturated values over the whole matrix (not only the rows of the mask). */
  fraction: number;
}

/**
 * Where activations sit at the flat ends of a squashing function (makemore's look at the tanh:
 * |tanh| >= 0.99 passes almost no gradient back, and a unit saturated for every example is dead).
 * @param values a (totalRows, cols) row-major matrix, e.g. a (B, T, N) tensor's (B * T, N) view.
 * @param rows rows to return in the mask; all when undefined.
 */
export function saturation(values: ArrayLike<number>, cols: number, threshold: number, rows?: number): Saturation {
  const totalRows = cols > 0 ? Math.floor(values.length / cols) : 0;
  const kept = Math.min(totalRows, rows ?? totalRows);
  const mask = new Int32Array(kept * cols);
  let saturated = 0;
  for (let i = 0; i < totalRows * cols; i++) {
    const hit = Math.abs(values[i]!) >= threshold;
    if (hit) saturated++;
    if (hit && i < mask.length) mask[i] = 1;
  }
  return { mask, rows: kept, fraction: totalRows * cols > 0 ? saturated / (totalRows * cols) : 0 };
}
