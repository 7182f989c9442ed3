/**
 * Principal component analysis in plain TypeScript, for views of embedding tables and other
 * row sets (no tfjs: it runs on arrays a snapshot already read back).
 */

/** A row-major matrix: `rows` x `cols` numbers. */
export interface Matrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** What {@link pca2} returns. */
export interface Projection {
  /** (rows, 2) row-major: each row's coordinates on the two components, after centring. */
  coords: Float32Array;
  /** (2, cols) row-major: the two unit component directions. */
  basis: Float64Array;
  /** Share of the total variance along each component, in [0, 1]. */
  explained: [number, number];
}

/** Iterations of the subspace iteration at most; it stops earlier once the basis settles. */
const MAX_ITERATIONS = 500;
/** Change of the basis (1 - |cos|) below which the iteration has settled. */
const TOLERANCE = 1e-12;

/**
 * The first two principal components of a matrix's rows, and each row's coordinates on them.
 * Subspace iteration on the covariance, applied as Xᵀ(X v) / n so that it costs O(rows x cols)
 * per iteration and never builds the cols x cols matrix; a Rayleigh–Ritz step orders the two.
 *
 * Orientation is stable across snapshots: given the previous call's `basis`, the iteration
 * starts from it, and the components are swapped (when the new first matches the old second
 * better) and their signs flipped so that each points the way its predecessor did; consecutive
 * snapshots of a slowly changing table therefore do not mirror or exchange axes.
 * @param previous the basis of the previous snapshot of the same view, (2, cols).
 */
export function pca2(x: Matrix, previous?: Float64Array): Projection {
  const { rows, cols } = x;
  if (cols < 2) throw new Error(`a projection needs at least two columns; this matrix has ${cols}`);
  const centred = centre(x);
  const total = sumOfSquares(centred);
  let basis = previous && previous.length === 2 * cols ? Float64Array.from(previous) : startBasis(cols);
  orthonormalize(basis, cols);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next = covarianceTimes(centred, rows, cols, basis);
    orthonormalize(next, cols);
    const settled = change(basis, next, cols) < TOLERANCE;
    basis = next;
    if (settled) break;
  }
  basis = rayleighRitz(centred, rows, cols, basis);
  if (previous && previous.length === 2 * cols) orient(basis, previous, cols);
  const coords = project(centred, rows, cols, basis);
  const variance = (c: number) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += coords[2 * r + c]! ** 2;
    return s;
  };
  const explained: [number, number] = total > 0 ? [variance(0) / total, variance(1) / total] : [0, 0];
  return { coords, basis, explained };
}

/** The rows minus their mean, as float64. */
function centre({ data, rows, cols }: Matrix): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += data[r * cols + c]!;
    mean /= Math.max(1, rows);
    for (let r = 0; r < rows; r++) out[r * cols + c] = data[r * cols + c]! - mean;
  }
  return out;
}

function sumOfSquares(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

/** A fixed, generic start (not an axis, which could be orthogonal to the components). */
function startBasis(cols: number): Float64Array {
  const basis = new Float64Array(2 * cols);
  for (let c = 0; c < cols; c++) {
    basis[c] = 1 + Math.sin(c + 1);
    basis[cols + c] = Math.cos(3 * c + 1);
  }
  return basis;
}

/** Gram–Schmidt on the two rows of `basis`, in place. */
function orthonormalize(basis: Float64Array, cols: number): void {
  const a = basis.subarray(0, cols);
  const b = basis.subarray(cols);
  normalize(a);
  const d = dot(a, b);
  for (let c = 0; c < cols; c++) b[c]! -= d * a[c]!;
  normalize(b);
}

function normalize(v: Float64Array): void {
  const n = Math.sqrt(dot(v, v));
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Xᵀ X v for both rows v of `basis` (the covariance times n, which orthonormalizing ignores). */
function covarianceTimes(x: Float64Array, rows: number, cols: number, basis: Float64Array): Float64Array {
  const out = new Float64Array(2 * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const p0 = dot(row, basis.subarray(0, cols));
    const p1 = dot(row, basis.subarray(cols));
    for (let c = 0; c < cols; c++) {
      out[c]! += p0 * row[c]!;
      out[cols + c]! += p1 * row[c]!;
    }
  }
  return out;
}

/** 1 - the smaller |cosine| between matching rows of two bases. */
function change(a: Float64Array, b: Float64Array, cols: number): number {
  const c0 = Math.abs(dot(a.subarray(0, cols), b.subarray(0, cols)));
  const c1 = Math.abs(dot(a.subarray(cols), b.subarray(cols)));
  return 1 - Math.min(c0, c1);
}

/** Rotates the two orthonormal rows within their plane onto the covariance's eigenvectors, largest first. */
function rayleighRitz(x: Float64Array, rows: number, cols: number, basis: Float64Array): Float64Array {
  const coords = project(x, rows, cols, basis);
  let [s00, s01, s11] = [0, 0, 0];
  for (let r = 0; r < rows; r++) {
    const [u, v] = [coords[2 * r]!, coords[2 * r + 1]!];
    s00 += u * u;
    s01 += u * v;
    s11 += v * v;
  }
  const angle = 0.5 * Math.atan2(2 * s01, s00 - s11); // the 2 x 2 symmetric eigenproblem
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const out = new Float64Array(2 * cols);
  for (let c = 0; c < cols; c++) {
    out[c] = cos * basis[c]! + sin * basis[cols + c]!;
    out[cols + c] = -sin * basis[c]! + cos * basis[cols + c]!;
  }
  return out;
}

/** Swaps and flips the new basis's rows, in place, to point like the previous basis's. */
function orient(basis: Float64Array, previous: Float64Array, cols: number): void {
  const [a, b] = [basis.subarray(0, cols), basis.subarray(cols)];
  const [p, q] = [previous.subarray(0, cols), previous.subarray(cols)];
  if (Math.abs(dot(a, q)) + Math.abs(dot(b, p)) > Math.abs(dot(a, p)) + Math.abs(dot(b, q))) {
    const first = Float64Array.from(a);
    a.set(b);
    b.set(first);
  }
  if (dot(a, p) < 0) for (let c = 0; c < cols; c++) a[c] = -a[c]!;
  if (dot(b, q) < 0) for (let c = 0; c < cols; c++) b[c] = -b[c]!;
}

/** (rows, 2) coordinates of the rows on the basis. */
function project(x: Float64Array, rows: number, cols: number, basis: Float64Array): Float32Array {
  const out = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    out[2 * r] = dot(row, basis.subarray(0, cols));
    out[2 * r + 1] = dot(row, basis.subarray(cols));
  }
  return out;
}
