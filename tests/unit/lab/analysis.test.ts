import { describe, expect, it } from 'vitest';
import { histogram } from '../../../lab/analysis/histogram';
import { nearestRows } from '../../../lab/analysis/neighbours';
import { pca2 } from '../../../lab/analysis/pca';
import { saturation } from '../../../lab/analysis/saturation';
import { Rng } from '../../../lab/rng';

/** Standard normal draws. */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * `rows` points of a plane in `dims` dimensions, plus tiny noise: the plane's own coordinates
 * (spread 3 along one axis, 1 along the other) and the points.
 */
function pointsOnPlane(rows: number, dims: number, seed: number, noise = 1e-4) {
  const rng = new Rng(seed);
  const axis = () => Array.from({ length: dims }, () => normal(rng));
  const [u, v] = [axis(), axis()];
  // Orthonormalize the plane's axes so that plane coordinates are distances.
  const norm = (a: number[]) => Math.hypot(...a);
  const un = u.map((x) => x / norm(u));
  const d = v.reduce((s, x, i) => s + x * un[i]!, 0);
  const vo = v.map((x, i) => x - d * un[i]!);
  const vn = vo.map((x) => x / norm(vo));
  const offset = axis();
  const plane = Array.from({ length: rows }, () => [3 * normal(rng), normal(rng)] as const);
  const data = new Float32Array(rows * dims);
  plane.forEach(([a, b], r) => {
    for (let c = 0; c < dims; c++) data[r * dims + c] = offset[c]! + a * un[c]! + b * vn[c]! + noise * normal(rng);
  });
  return { plane, data };
}

/** Squared distances between all pairs of 2-D points. */
function distances(points: ArrayLike<number>, rows: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = i + 1; j < rows; j++) out.push(Math.hypot(points[2 * i]! - points[2 * j]!, points[2 * i + 1]! - points[2 * j + 1]!));
  return out;
}

describe('pca2', () => {
  it.each([3, 10])('recovers a plane in %i dimensions: the coordinates are an isometry of the plane', (dims) => {
    const rows = 60;
    const { plane, data } = pointsOnPlane(rows, dims, dims);
    const { coords, basis, explained } = pca2({ data, rows, cols: dims });
    const expected = distances(plane.flat(), rows);
    distances(coords, rows).forEach((d, i) => expect(d).toBeCloseTo(expected[i]!, 2));
    expect(explained[0]! + explained[1]!).toBeGreaterThan(0.9999);
    expect(explained[0]).toBeGreaterThan(explained[1]!);
    const dot = (a: number, b: number) => basis.subarray(a * dims, (a + 1) * dims).reduce((s, x, i) => s + x * basis[b * dims + i]!, 0);
    expect(dot(0, 0)).toBeCloseTo(1, 8);
    expect(dot(1, 1)).toBeCloseTo(1, 8);
    expect(dot(0, 1)).toBeCloseTo(0, 8);
  });

  it('keeps its orientation across snapshots of a perturbed input, even when started mirrored', () => {
    const rows = 40;
    const dims = 10;
    const { data } = pointsOnPlane(rows, dims, 5);
    const first = pca2({ data, rows, cols: dims });
    const rng = new Rng(9);
    const perturbed = data.map((x) => x + 0.01 * normal(rng));
    const mirrored = Float64Array.from(first.basis, (x, i) => (i < dims ? -x : x)); // flip the first axis
    const swapped = Float64Array.from([...first.basis.subarray(dims), ...first.basis.subarray(0, dims)]);
    for (const previous of [first.basis, mirrored, swapped]) {
      const next = pca2({ data: perturbed, rows, cols: dims }, previous);
      const dot = (a: number, b: number) => next.basis.subarray(a * dims, (a + 1) * dims).reduce((s, x, i) => s + x * previous[b * dims + i]!, 0);
      expect(dot(0, 0)).toBeGreaterThan(0.99);
      expect(dot(1, 1)).toBeGreaterThan(0.99);
    }
    // The same input with its own basis as the previous one gives the same coordinates.
    const again = pca2({ data: perturbed, rows, cols: dims }, pca2({ data: perturbed, rows, cols: dims }, first.basis).basis);
    const once = pca2({ data: perturbed, rows, cols: dims }, first.basis);
    again.coords.forEach((c, i) => expect(c).toBeCloseTo(once.coords[i]!, 4));
  });
});

describe('nearestRows', () => {
  it('finds the k most cosine-similar other rows, nearest first', () => {
    const data = Float32Array.from([1, 0, 0.9, 0.1, -1, 0, 0, 1, 2, 0.1]);
    const { indices, similarities, k } = nearestRows({ data, rows: 5, cols: 2 }, [0, 3], 2);
    expect(k).toBe(2);
    expect(Array.from(indices)).toEqual([4, 1, 1, 4]);
    expect(similarities[0]).toBeCloseTo(2 / Math.hypot(2, 0.1), 6);
    expect(() => nearestRows({ data, rows: 5, cols: 2 }, [5], 1)).toThrow(/outside/);
    expect(nearestRows({ data, rows: 5, cols: 2 }, [0], 10).k).toBe(4);
  });

  it('searches only the rows it is given, when given some', () => {
    const data = Float32Array.from([1, 0, 0.9, 0.1, -1, 0, 0, 1, 2, 0.1]);
    const { indices, k } = nearestRows({ data, rows: 5, cols: 2 }, [0, 3], 2, [0, 2, 3]);
    expect(k).toBe(2);
    expect(Array.from(indices)).toEqual([3, 2, 0, 2]);
    expect(() => nearestRows({ data, rows: 5, cols: 2 }, [0], 1, [7])).toThrow(/outside/);
  });
});

describe('histogram', () => {
  it('counts equal bins and sends outliers to the end bins', () => {
    const h = histogram([-5, -1, -0.5, 0, 0.49, 0.5, 1, 7, NaN], 4, [-1, 1]);
    expect(Array.from(h.counts)).toEqual([2, 1, 2, 3]);
    expect([h.below, h.above, h.total]).toEqual([1, 1, 8]);
    expect(() => histogram([1], 0, [0, 1])).toThrow(/bins/);
    expect(() => histogram([1], 2, [1, 1])).toThrow(/range/);
  });
});

describe('saturation', () => {
  it('marks |value| >= threshold in the first rows, and the share over all of them', () => {
    const s = saturation([0.1, -0.995, 0.99, 0.2, 1, -1], 2, 0.99, 2);
    expect(Array.from(s.mask)).toEqual([0, 1, 1, 0]);
    expect(s.rows).toBe(2);
    expect(s.fraction).toBeCloseTo(4 / 6, 6);
  });
});
