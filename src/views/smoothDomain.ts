/**
 * Axis domains that follow changing data without jumping: an axis that jumped at every
 * snapshot of a training run would make still points look as if they moved.
 */

/** An axis domain, low end first. */
export type Domain = readonly [lo: number, hi: number];

/**
 * The next domain on the way from `previous` to `target`: an edge that must grow to show the
 * data moves there at once; an edge that could shrink moves only `shrink` of the way (a quarter by
 * default), so a domain contracts over a few snapshots. No `previous`: the target.
 */
export function easeDomain(previous: Domain | undefined, target: Domain, shrink = 0.25): Domain {
  if (!previous) return target;
  const lo = target[0] < previous[0] ? target[0] : previous[0] + (target[0] - previous[0]) * shrink;
  const hi = target[1] > previous[1] ? target[1] : previous[1] + (target[1] - previous[1]) * shrink;
  return [lo, hi];
}
