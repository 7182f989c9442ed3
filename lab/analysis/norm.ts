/**
 * The L2 norm of each row of a (rows, cols) matrix, summed in double precision; with `groups`,
 * the mean of those norms over groups: the rows are (groups, rows / groups), e.g. a (B, T, N)
 * tensor of gradients gives B * T norms, and their mean over the B examples is T numbers,
 * ‖∂ℓ/∂h_t‖ per position averaged over the windows.
 * @param groups the size of the axis averaged over, dividing the number of rows; none when undefined.
 * @returns (rows) norms, or (rows / groups) means.
 * @throws for `groups` that is not a whole number >= 1 dividing the number of rows.
 */
export function rowNorms(values: ArrayLike<number>, cols: number, groups?: number): Float32Array {
  const rows = cols > 0 ? Math.floor(values.length / cols) : 0;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let j = 0; j < cols; j++) squares += values[r * cols + j]! ** 2;
    norms[r] = Math.sqrt(squares);
  }
  if (groups === undefined) return Float32Array.from(norms);
  if (!(Number.isInteger(groups) && groups >= 1 && rows % groups === 0)) throw new Error(`cannot average ${rows} norms over ${groups} groups`);
  const per = rows / groups;
  const mean = new Float32Array(per);
  for (let i = 0; i < per; i++) {
    let sum = 0;
    for (let g = 0; g < groups; g++) sum += norms[g * per + i]!;
    mean[i] = sum / groups;
  }
  return mean;
}
