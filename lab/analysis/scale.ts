/** How large a tensor's values are: what {@link scaleOf} returns. */
export interface Scale {
  /** Standard deviation (the population's: divided by n). */
  std: number;
  mean: number;
  /** Root mean square: √(mean² + std²). */
  rms: number;
  /** Largest absolute value. */
  absMax: number;
}

/**
 * The scale of a tensor's values, summed in double precision: what makemore's lecture 3 prints
 * for every layer (the std of activations, gradients and updates, and their ratios to the
 * weights' std).
 * @throws for an empty array.
 */
export function scaleOf(values: ArrayLike<number>): Scale {
  const n = values.length;
  if (n === 0) throw new Error('there are no values to measure');
  let sum = 0;
  let absMax = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    absMax = Math.max(absMax, Math.abs(values[i]!));
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const std = Math.sqrt(squares / n);
  return { std, mean, rms: Math.sqrt(mean * mean + std * std), absMax };
}
