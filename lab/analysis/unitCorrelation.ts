/**
 * Pearson's correlation between two sequences of equal length, in double precision; 0 when
 * either is constant (it then carries no information about the other).
 * @throws when the lengths differ or are below 2.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`the sequences differ in length (${n} and ${y.length})`);
  if (n < 2) throw new Error('a correlation needs at least 2 values');
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** One unit's correlation with a property. */
export interface UnitCorrelation {
  /** The unit: a column of the activations. */
  unit: number;
  /** Pearson's r of the unit's values with the property's, over every position. */
  r: number;
}

/**
 * For each property, the units of `activations` whose values follow it best, by |r|, best first.
 * @param activations (T, N) row-major: N units' values at T positions.
 * @param properties one sequence of T values per property.
 * @param top how many units to keep per property.
 * @throws when a property's length is not T, or `activations` is not T × N.
 */
export function correlateUnits(
  activations: Float32Array,
  shape: readonly [number, number],
  properties: Readonly<Record<string, ArrayLike<number>>>,
  top = 1,
): Record<string, UnitCorrelation[]> {
  const [positions, units] = shape;
  if (activations.length !== positions * units) throw new Error(`the activations hold ${activations.length} values, not ${positions} × ${units}`);
  const column = new Float64Array(positions);
  const rs: Record<string, UnitCorrelation[]> = Object.fromEntries(Object.keys(properties).map((p) => [p, []]));
  for (let u = 0; u < units; u++) {
    for (let t = 0; t < positions; t++) column[t] = activations[t * units + u]!;
    for (const [name, values] of Object.entries(properties)) rs[name]!.push({ unit: u, r: pearson(column, values) });
  }
  return Object.fromEntries(Object.entries(rs).map(([name, list]) => [name, list.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.unit - b.unit).slice(0, top)]));
}
