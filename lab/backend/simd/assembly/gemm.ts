// Matrix products over tfjs's wasm heap: C = A B with A read through two strides, so that one
// kernel computes both a @ w (A row-major) and aᵀ @ dy (A stored transposed) without moving A.
// Each output sums its products in k order from zero, one f32 multiply then one f32 add per
// term, as XNNPACK's wasm SIMD gemm kernels do (no FMA in wasm SIMD): the results equal tfjs's
// matMul bit for bit, so a run does not change with the kernel that computed it.

/**
 * C (m, n) = A (m, k) @ B (k, n), every argument a byte offset into the heap except the counts.
 * A's element (i, p) is at `a + i * aRow + p * aCol` (bytes): aRow = 4k, aCol = 4 for a row-major
 * A; aRow = 4, aCol = 4m for A stored as (k, m), i.e. C = Aᵀ B. B and C are row-major. Tiles of 4
 * rows by 8 columns keep eight vector accumulators in registers (x64 has 16), over a panel of B
 * (k rows of 8 columns, 32 bytes each) that stays in the L1 cache while the tiles walk down A.
 */
export function gemm(a: usize, aRow: usize, aCol: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  gemmStrided(a, aRow, aCol, b, <usize>n << 2, c, <usize>n << 2, m, k, n);
}

/**
 * A batched matmul with the batch in the channels, as attention's depthwise convolutions compute
 * it (and bit for bit the same): out[i, ch, j] = sum_p A_ch[i, p] filter[p, ch, j], for
 * `channels` channels from the pointers given, in layouts of `total` channels: filter (k, total,
 * n) and out (m, total, n) row-major, A_ch's element (i, p) at `a + ch * aChannel + i * aRow +
 * p * aCol` bytes, so that a transposed input is read in place.
 */
export function channelMatMul(a: usize, aRow: usize, aCol: usize, aChannel: usize, filter: usize, out: usize, channels: i32, total: i32, m: i32, k: i32, n: i32): void {
  const row = <usize>total * <usize>n << 2;
  for (let ch = 0; ch < channels; ch++) {
    const at = <usize>ch * <usize>n << 2;
    gemmStrided(a + <usize>ch * aChannel, aRow, aCol, filter + at, row, out + at, row, m, k, n);
  }
}

/** Sums longer than this (the weight gradients', over a batch's rows) run in blocks of {@link K_BLOCK} terms. */
const LONG_SUM = 512;
/** Terms of a long sum taken per pass over C: a pass's rows of A and panel of B stay in the L1 cache. */
const K_BLOCK = 64;

/**
 * {@link gemm} with B's and C's row strides (bytes) given: B's element (p, j) at b + p * bRow +
 * 4j, C's (i, j) at c + i * cRow + 4j. A sum longer than {@link LONG_SUM} runs in blocks of
 * {@link K_BLOCK} terms, each block going on from the partial sums the last one stored in C: the
 * same additions in the same order (a stored f32 is the register's value), with the rows of A and
 * the panel of B that a tile walks kept small enough for the L1 cache. Measured in Node on the
 * GPT's weight gradients (k = 768): 8-27% faster; shorter sums gained nothing from blocks.
 */
function gemmStrided(a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, c: usize, cRow: usize, m: i32, k: i32, n: i32): void {
  const block = k > LONG_SUM ? K_BLOCK : k;
  let p = 0;
  do {
    const terms = min(block, k - p);
    gemmBlock(a + <usize>p * aCol, aRow, aCol, b + <usize>p * bRow, bRow, c, cRow, m, terms, n, p > 0);
    p += terms;
  } while (p < k);
}

/** One block of {@link gemmStrided}'s sums: from zero, or on from C's partial sums when `goOn`. */
function gemmBlock(a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, c: usize, cRow: usize, m: i32, k: i32, n: i32, goOn: bool): void {
  const m4 = m & ~3;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const pb0 = b + (<usize>j << 2);
    const pc0 = c + (<usize>j << 2);
    let i = 0;
    for (; i < m4; i += 4) {
      const pc = pc0 + <usize>i * cRow;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      if (goOn) {
        c00 = v128.load(pc); c01 = v128.load(pc, 16);
        c10 = v128.load(pc + cRow); c11 = v128.load(pc + cRow, 16);
        c20 = v128.load(pc + 2 * cRow); c21 = v128.load(pc + 2 * cRow, 16);
        c30 = v128.load(pc + 3 * cRow); c31 = v128.load(pc + 3 * cRow, 16);
      }
      let pa = a + <usize>i * aRow;
      let pb = pb0;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        const a0 = v128.load32_splat(pa), a1 = v128.load32_splat(pa + aRow), a2 = v128.load32_splat(pa + 2 * aRow), a3 = v128.load32_splat(pa + 3 * aRow);
        c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
        pa += aCol;
        pb += bRow;
      }
      v128.store(pc, c00); v128.store(pc, c01, 16);
      v128.store(pc + cRow, c10); v128.store(pc + cRow, c11, 16);
      v128.store(pc + 2 * cRow, c20); v128.store(pc + 2 * cRow, c21, 16);
      v128.store(pc + 3 * cRow, c30); v128.store(pc + 3 * cRow, c31, 16);
    }
    for (; i < m; i++) {
      const pc = pc0 + <usize>i * cRow;
      let c0 = goOn ? v128.load(pc) : f32x4.splat(0), c1 = goOn ? v128.load(pc, 16) : f32x4.splat(0);
      let pa = a + <usize>i * aRow;
      let pb = pb0;
      for (let p = 0; p < k; p++) {
        const ai = v128.load32_splat(pa);
        c0 = f32x4.add(c0, f32x4.mul(ai, v128.load(pb)));
        c1 = f32x4.add(c1, f32x4.mul(ai, v128.load(pb, 16)));
        pa += aCol;
        pb += bRow;
      }
      v128.store(pc, c0); v128.store(pc, c1, 16);
    }
  }
  // The last n % 8 columns, one at a time (the same products and order, in scalar f32).
  for (; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const pc = c + <usize>i * cRow + (<usize>j << 2);
      let acc: f32 = goOn ? load<f32>(pc) : 0;
      let pa = a + <usize>i * aRow;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        acc += load<f32>(pa) * load<f32>(pb);
        pa += aCol;
        pb += bRow;
      }
      store<f32>(pc, acc);
    }
  }
}
