import type { Matrix } from './pca';

/** What {@link nearestRows} returns. */
export interface Neighbours {
  /** (of.length, k) row-major: the indices of each queried row's nearest other rows, nearest first. */
  indices: Int32Array;
  /** (of.length, k): their cosine similarities. */
  similarities: Float32Array;
  /** Neighbours per queried row: k, or fewer when the matrix has fewer other rows. */
  k: number;
}

/**
 * The `k` nearest rows of a matrix to each of the rows `of`, by cosine similarity, the row
 * itself excluded (e.g. which characters a model embeds like `a`), searched among the rows
 * `among` (by default every row: a view that draws only some tokens passes those, so that rare
 * tokens whose rows barely moved from their random start do not crowd the lists). A zero row
 * has similarity 0 to everything.
 * @throws for a row index outside the matrix.
 */
export function nearestRows(x: Matrix, of: readonly number[], k: number, among?: readonly number[]): Neighbours {
  const { data, rows, cols } = x;
  const candidates = among ?? Array.from({ length: rows }, (_, r) => r);
  for (const r of candidates) if (!Number.isInteger(r) || r < 0 || r >= rows) throw new Error(`row ${r} is outside the matrix's ${rows} rows`);
  const count = Math.max(0, Math.min(Math.floor(k), new Set(candidates).size - 1));
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += data[r * cols + c]! ** 2;
    norms[r] = Math.sqrt(s);
  }
  const indices = new Int32Array(of.length * count);
  const similarities = new Float32Array(of.length * count);
  of.forEach((row, i) => {
    if (!Number.isInteger(row) || row < 0 || row >= rows) throw new Error(`row ${row} is outside the matrix's ${rows} rows`);
    const scored: [number, number][] = [];
    for (const r of new Set(candidates)) {
      if (r === row) continue;
      let d = 0;
      for (let c = 0; c < cols; c++) d += data[row * cols + c]! * data[r * cols + c]!;
      const denominator = norms[row]! * norms[r]!;
      scored.push([r, denominator > 0 ? d / denominator : 0]);
    }
    scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (let j = 0; j < count; j++) {
      indices[i * count + j] = scored[j]![0];
      similarities[i * count + j] = scored[j]![1];
    }
  });
  return { indices, similarities, k: count };
}
