// SIMD kernels over tfjs's wasm heap, in AssemblyScript (compiled by ../build.mjs to kernels.wasm
// and kernels-shared.wasm). Every argument is a byte offset into tfjs's memory (a tensor's
// memoryOffset) or a count; nothing here allocates or has static data, so the module writes
// nowhere but the outputs it is given.

const K1: f32 = 1.5957691216057308; // 2 sqrt(2/pi)
const K3: f32 = 0.0713548162726; // K1 * 0.044715

/**
 * e^t for four lanes, |rel err| ~2e-7 on [-87, 88]: t = n ln2 + r (|r| <= ln2/2), e^r by a degree-5
 * minimax polynomial, 2^n written into the exponent bits. n is rounded by the magic-number trick
 * (adding 1.5 * 2^23 + 127 leaves n + 127 in the low mantissa bits), cheaper in V8 than
 * f32x4.nearest + i32x4.trunc_sat_f32x4_s. pmin/pmax are single instructions (min/max are not).
 */
// @ts-ignore: decorator
@inline function exp4(t: v128): v128 {
  t = f32x4.pmax(f32x4.pmin(t, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const magic = f32x4.splat(12583039.0); // 1.5 * 2^23 + 127
  const m = f32x4.add(f32x4.mul(t, f32x4.splat(1.4426950408889634)), magic);
  const n = f32x4.sub(m, magic);
  // r = t - n ln2, ln2 split in two (Cody-Waite) so r keeps its precision.
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(0.008289290592);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.04189782217));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.1666765213));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.4999915063));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.9999997020));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // 2^n: the low bits of m are n + 127 (plus bits above 9 that the shift drops).
  return f32x4.mul(p, i32x4.shl(m, 23));
}

/** s = sigmoid(K1 x + K3 x³) for four lanes. */
// @ts-ignore: decorator
@inline function geluSigmoid4(xv: v128): v128 {
  const z = f32x4.mul(xv, f32x4.add(f32x4.splat(K1), f32x4.mul(f32x4.splat(K3), f32x4.mul(xv, xv))));
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(z))));
}

/**
 * tanh-GELU forward: y = x s, s = sigmoid(K1 x + K3 x³) (s saved for the backward pass). n a
 * multiple of 4. Four vectors an iteration: V8 schedules no better than the source, and
 * independent chains let the core overlap the polynomials.
 */
export function geluForward(x: usize, y: usize, s: usize, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 64 <= end; i += 64) {
    const x0 = v128.load(x + i), x1 = v128.load(x + i, 16), x2 = v128.load(x + i, 32), x3 = v128.load(x + i, 48);
    const s0 = geluSigmoid4(x0), s1 = geluSigmoid4(x1), s2 = geluSigmoid4(x2), s3 = geluSigmoid4(x3);
    v128.store(s + i, s0); v128.store(s + i, s1, 16); v128.store(s + i, s2, 32); v128.store(s + i, s3, 48);
    v128.store(y + i, f32x4.mul(x0, s0)); v128.store(y + i, f32x4.mul(x1, s1), 16);
    v128.store(y + i, f32x4.mul(x2, s2), 32); v128.store(y + i, f32x4.mul(x3, s3), 48);
  }
  for (; i < end; i += 16) {
    const xv = v128.load(x + i);
    const sv = geluSigmoid4(xv);
    v128.store(s + i, sv);
    v128.store(y + i, f32x4.mul(xv, sv));
  }
}

/** tanh-GELU backward: dx = dy s (1 + x (1 - s) (K1 + 3 K3 x²)). n a multiple of 4. */
export function geluBackward(dy: usize, x: usize, s: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1.0);
  const k1 = f32x4.splat(K1);
  const k33 = f32x4.splat(3 * K3);
  for (let i: usize = 0, end = <usize>n << 2; i < end; i += 16) {
    const xv = v128.load(x + i);
    const sv = v128.load(s + i);
    const dz = f32x4.add(k1, f32x4.mul(k33, f32x4.mul(xv, xv)));
    const g = f32x4.mul(sv, f32x4.add(one, f32x4.mul(f32x4.mul(xv, f32x4.sub(one, sv)), dz)));
    v128.store(dx + i, f32x4.mul(v128.load(dy + i), g));
  }
}

/**
 * LayerNorm forward over rows of `cols` (a multiple of 4): xhat = (x - mean) rstd, y = xhat gain,
 * rstd[row] = 1 / sqrt(var + eps). Three reads of each row (the second and third from cache): the
 * mean, then var = mean((x - mean)²) (two passes: E[x²] - mean² loses the variance in f32 when the
 * mean is large against the spread), then one write of y and xhat.
 */
export function layerNormForward(x: usize, gain: usize, y: usize, xhat: usize, rstd: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2;
  const inv = f32x4.splat(<f32>1.0 / <f32>cols);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    // Two accumulators: one chain of adds waits on each add's latency.
    let sum0 = f32x4.splat(0), sum1 = f32x4.splat(0);
    let i: usize = 0;
    for (; i + 32 <= rowBytes; i += 32) {
      sum0 = f32x4.add(sum0, v128.load(x + off + i));
      sum1 = f32x4.add(sum1, v128.load(x + off + i, 16));
    }
    if (i < rowBytes) sum0 = f32x4.add(sum0, v128.load(x + off + i));
    const mean = f32x4.mul(hsum(f32x4.add(sum0, sum1)), inv);
    let sq0 = f32x4.splat(0), sq1 = f32x4.splat(0);
    for (i = 0; i + 32 <= rowBytes; i += 32) {
      const a = f32x4.sub(v128.load(x + off + i), mean), b = f32x4.sub(v128.load(x + off + i, 16), mean);
      sq0 = f32x4.add(sq0, f32x4.mul(a, a));
      sq1 = f32x4.add(sq1, f32x4.mul(b, b));
    }
    if (i < rowBytes) {
      const a = f32x4.sub(v128.load(x + off + i), mean);
      sq0 = f32x4.add(sq0, f32x4.mul(a, a));
    }
    const variance = f32x4.mul(hsum(f32x4.add(sq0, sq1)), inv);
    const rs = f32x4.div(f32x4.splat(1.0), f32x4.sqrt(f32x4.add(variance, f32x4.splat(eps))));
    store<f32>(rstd + (<usize>r << 2), f32x4.extract_lane(rs, 0));
    for (i = 0; i + 32 <= rowBytes; i += 32) {
      const h0 = f32x4.mul(f32x4.sub(v128.load(x + off + i), mean), rs);
      const h1 = f32x4.mul(f32x4.sub(v128.load(x + off + i, 16), mean), rs);
      v128.store(xhat + off + i, h0); v128.store(xhat + off + i, h1, 16);
      v128.store(y + off + i, f32x4.mul(h0, v128.load(gain + i)));
      v128.store(y + off + i, f32x4.mul(h1, v128.load(gain + i, 16)), 16);
    }
    if (i < rowBytes) {
      const h = f32x4.mul(f32x4.sub(v128.load(x + off + i), mean), rs);
      v128.store(xhat + off + i, h);
      v128.store(y + off + i, f32x4.mul(h, v128.load(gain + i)));
    }
  }
}

/** The sum of the four lanes, in every lane. */
// @ts-ignore: decorator
@inline function hsum(v: v128): v128 {
  v = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.add(v, i32x4.shuffle(v, v, 1, 0, 3, 2));
}

/** Column k of the 4x4 block whose rows are r0..r3: (r0[k], r1[k], r2[k], r3[k]), for k = 0..3, summed into acc in k order. */
// @ts-ignore: decorator
@inline function addColumns(acc: v128, r0: v128, r1: v128, r2: v128, r3: v128): v128 {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  acc = f32x4.add(acc, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  acc = f32x4.add(acc, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  acc = f32x4.add(acc, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  return f32x4.add(acc, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * LayerNorm backward over rows of `cols` (a multiple of 4), from the forward's xhat and rstd:
 * g = dy gain, dx = ((g - mean(g)) - xhat mean(g xhat)) rstd, dgain = the sum over rows of dy xhat.
 * The same float32 operations in the same order as the tfjs ops on the wasm backend, so the same
 * result bit for bit: the elementwise products and differences are rounded once each either way
 * (f32x4 here, no fused multiply-add), and each mean is what tfjs-backend-wasm's Mean does, a
 * sum from index 0 up in one f32 accumulator, divided by the count; dgain is the sum over rows in
 * row order, as Sum over axis 0 does. A row's sum being one chain of dependent adds, rows go by
 * four: each 4x4 block transposed, so that lane j of one f32x4 accumulator is row j's sum, still
 * in index order (leftover rows: scalar sums). A first read of the four rows for the means, with
 * dgain accumulated in its output (zeroed first; its `cols` floats stay in cache), then dx row
 * by row from cache.
 */
export function layerNormBackward(dy: usize, xhat: usize, rstd: usize, gain: usize, dx: usize, dgain: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const n = <f32>cols;
  const nv = f32x4.splat(n);
  for (let i: usize = 0; i < rowBytes; i += 16) v128.store(dgain + i, f32x4.splat(0));
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a = <usize>r * rowBytes, b = a + rowBytes, c = b + rowBytes, d = c + rowBytes;
    let sg = f32x4.splat(0), sgx = f32x4.splat(0); // lane j: row r + j's sums, each in index order
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const gn = v128.load(gain + i);
      const dA = v128.load(dy + a + i), hA = v128.load(xhat + a + i);
      const dB = v128.load(dy + b + i), hB = v128.load(xhat + b + i);
      const dC = v128.load(dy + c + i), hC = v128.load(xhat + c + i);
      const dD = v128.load(dy + d + i), hD = v128.load(xhat + d + i);
      const gA = f32x4.mul(dA, gn), gB = f32x4.mul(dB, gn), gC = f32x4.mul(dC, gn), gD = f32x4.mul(dD, gn);
      sg = addColumns(sg, gA, gB, gC, gD);
      sgx = addColumns(sgx, f32x4.mul(gA, hA), f32x4.mul(gB, hB), f32x4.mul(gC, hC), f32x4.mul(gD, hD));
      let s = f32x4.add(v128.load(dgain + i), f32x4.mul(dA, hA));
      s = f32x4.add(s, f32x4.mul(dB, hB));
      s = f32x4.add(s, f32x4.mul(dC, hC));
      v128.store(dgain + i, f32x4.add(s, f32x4.mul(dD, hD)));
    }
    const mg = f32x4.div(sg, nv), mgx = f32x4.div(sgx, nv);
    const rs = <usize>r << 2;
    layerNormBackwardRow(dy + a, xhat + a, gain, dx + a, rowBytes, f32x4.extract_lane(mg, 0), f32x4.extract_lane(mgx, 0), rstd + rs);
    layerNormBackwardRow(dy + b, xhat + b, gain, dx + b, rowBytes, f32x4.extract_lane(mg, 1), f32x4.extract_lane(mgx, 1), rstd + rs + 4);
    layerNormBackwardRow(dy + c, xhat + c, gain, dx + c, rowBytes, f32x4.extract_lane(mg, 2), f32x4.extract_lane(mgx, 2), rstd + rs + 8);
    layerNormBackwardRow(dy + d, xhat + d, gain, dx + d, rowBytes, f32x4.extract_lane(mg, 3), f32x4.extract_lane(mgx, 3), rstd + rs + 12);
  }
  for (; r < rows; r++) {
    const a = <usize>r * rowBytes;
    let sg: f32 = 0, sgx: f32 = 0;
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const d = v128.load(dy + a + i), h = v128.load(xhat + a + i);
      const g = f32x4.mul(d, v128.load(gain + i));
      const gx = f32x4.mul(g, h);
      sg += f32x4.extract_lane(g, 0);
      sgx += f32x4.extract_lane(gx, 0);
      sg += f32x4.extract_lane(g, 1);
      sgx += f32x4.extract_lane(gx, 1);
      sg += f32x4.extract_lane(g, 2);
      sgx += f32x4.extract_lane(gx, 2);
      sg += f32x4.extract_lane(g, 3);
      sgx += f32x4.extract_lane(gx, 3);
      v128.store(dgain + i, f32x4.add(v128.load(dgain + i), f32x4.mul(d, h)));
    }
    layerNormBackwardRow(dy + a, xhat + a, gain, dx + a, rowBytes, sg / n, sgx / n, rstd + (<usize>r << 2));
  }
}

/** One row of dx = ((g - meanG) - xhat meanGx) rstd, g = dy gain (pointers at the row). */
// @ts-ignore: decorator
@inline function layerNormBackwardRow(dy: usize, xhat: usize, gain: usize, dx: usize, rowBytes: usize, meanG1: f32, meanGx1: f32, rstd: usize): void {
  const meanG = f32x4.splat(meanG1), meanGx = f32x4.splat(meanGx1);
  const rs = v128.load32_splat(rstd);
  let i: usize = 0;
  for (; i + 32 <= rowBytes; i += 32) {
    const g0 = f32x4.mul(v128.load(dy + i), v128.load(gain + i));
    const g1 = f32x4.mul(v128.load(dy + i, 16), v128.load(gain + i, 16));
    const c0 = f32x4.sub(f32x4.sub(g0, meanG), f32x4.mul(v128.load(xhat + i), meanGx));
    const c1 = f32x4.sub(f32x4.sub(g1, meanG), f32x4.mul(v128.load(xhat + i, 16), meanGx));
    v128.store(dx + i, f32x4.mul(c0, rs));
    v128.store(dx + i, f32x4.mul(c1, rs), 16);
  }
  if (i < rowBytes) {
    const g = f32x4.mul(v128.load(dy + i), v128.load(gain + i));
    const c = f32x4.sub(f32x4.sub(g, meanG), f32x4.mul(v128.load(xhat + i), meanGx));
    v128.store(dx + i, f32x4.mul(c, rs));
  }
}
export { channelMatMul, gemm } from './gemm';
