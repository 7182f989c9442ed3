/** What {@link histogram} returns. */
export interface Histogram {
  /** Values per bin; the first and last bins also hold the values below and above the range. */
  counts: Int32Array;
  /** Values below the range (counted in the first bin). */
  below: number;
  /** Values above the range (counted in the last bin). */
  above: number;
  /** Values counted: every value but NaNs. */
  total: number;
}

/**
 * Counts values in `bins` equal bins over `[lo, hi]`; values outside go to the end bins (so that a
 * view of a fixed range still shows where the tails went), NaNs nowhere. A value equal to `hi`
 * falls in the last bin.
 * @throws unless `bins` is a positive integer and `lo < hi`.
 */
export function histogram(values: ArrayLike<number>, bins: number, [lo, hi]: readonly [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`a histogram needs a whole number of bins >= 1, not ${bins}`);
  if (!(lo < hi)) throw new Error(`a histogram's range must go up: [${lo}, ${hi}]`);
  const counts = new Int32Array(bins);
  const width = (hi - lo) / bins;
  let [below, above, total] = [0, 0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    total++;
    if (v < lo) below++;
    if (v > hi) above++;
    const bin = Math.floor((v - lo) / width);
    counts[Math.min(bins - 1, Math.max(0, bin))]!++;
  }
  return { counts, below, above, total };
}
