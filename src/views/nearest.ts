/** Choosing the next mark for the arrow keys in a view where marks lie anywhere (a scatter plot). */

/** An arrow key's direction on screen. */
export type Direction = 'left' | 'right' | 'up' | 'down';

/** Screen position of a mark (y grows downward, as in SVG). */
export interface ScreenPoint {
  x: number;
  y: number;
}

const DIRECTIONS: Record<Direction, readonly [number, number]> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
};

/**
 * The index of the mark the arrow key should move to from `points[from]`: among the marks ahead
 * in that direction, the one with the least distance ahead plus twice the distance aside, so that
 * a mark straight ahead wins over a nearer one far off to the side. Marks at the same position
 * count as not ahead. `-1` when no mark lies that way.
 */
export function nearestInDirection(points: readonly ScreenPoint[], from: number, direction: Direction): number {
  const origin = points[from];
  if (!origin) return -1;
  const [dx, dy] = DIRECTIONS[direction];
  let best = -1;
  let bestScore = Infinity;
  points.forEach((p, i) => {
    if (i === from) return;
    const ahead = (p.x - origin.x) * dx + (p.y - origin.y) * dy;
    if (ahead <= 0) return;
    const aside = Math.abs((p.x - origin.x) * dy - (p.y - origin.y) * dx);
    const score = ahead + 2 * aside;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** The index of the mark nearest to (x, y) within `radius`, or `-1`. */
export function nearestTo(points: readonly ScreenPoint[], x: number, y: number, radius: number): number {
  let best = -1;
  let bestDistance = radius * radius;
  points.forEach((p, i) => {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}
