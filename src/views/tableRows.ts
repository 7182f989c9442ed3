/**
 * At most `max` of `rows`, thinned evenly (every k-th), the first and the last kept: a table
 * alternative of thousands of steps stays a table a reader can scroll.
 */
export function thinEvenly<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const stride = Math.ceil(rows.length / max);
  const last = rows[rows.length - 1];
  const kept = rows.filter((_, i) => i % stride === 0);
  if (last !== undefined && kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}
