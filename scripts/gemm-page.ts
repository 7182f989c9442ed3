// Browser half of `npx tsx scripts/simd-browser.ts gemm`: the SIMD matmul on tfjs's threaded wasm
// build (cross-origin isolated page, tfjs on 2 threads): bands on a helper thread against one
// thread (must be equal bit for bit) and against XNNPACK (tf.matMul), timed, medians of 40.
import * as tf from '@tensorflow/tfjs';
import { MAT_MUL, simdKernelsFor } from '../lab/backend/simd/simdKernels';
import { useThreadedWasm } from './threaded-wasm';

async function main(): Promise<unknown> {
  const out: Record<string, unknown> = { isolated: crossOriginIsolated };
  const backend = await useThreadedWasm();
  const offset = (t: tf.Tensor) => (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
  const ours = (a: tf.Tensor, b: tf.Tensor, transposeA = false) => tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA }) as tf.Tensor;
  tf.tidy(() => ours(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()); // starts the helper
  await new Promise((r) => setTimeout(r, 300));
  const k = simdKernelsFor(backend)!;
  const median = (f: () => void) => { const t: number[] = []; for (let i = 0; i < 45; i++) { const t0 = performance.now(); f(); if (i >= 5) t.push(performance.now() - t0); } t.sort((p, q) => p - q); return t[t.length >> 1]!; };
  for (const [m, inner, n, transposeA] of [[768, 128, 384, false], [768, 512, 128, false], [128, 768, 512, true], [768, 128, 65, false]] as [number, number, number, boolean][]) {
    const a = transposeA ? tf.randomNormal([inner, m]) : tf.randomNormal([m, inner]);
    const b = tf.randomNormal([inner, n]);
    const threaded = ours(a, b, transposeA);
    const single = tf.zeros([m, n]);
    const [aRow, aCol] = transposeA ? [4, m * 4] : [inner * 4, 4];
    const one = () => k.gemm(offset(a), aRow, aCol, offset(b), offset(single), m, inner, n);
    one();
    const [x, y] = [threaded.dataSync(), single.dataSync()];
    const differing = x.filter((v, i) => v !== y[i]).length;
    const flops = 2 * m * inner * n;
    const rate = (ms: number) => `${ms.toFixed(2)} ms ${(flops / ms / 1e6).toFixed(1)} GFLOP/s`;
    const tThreads = median(() => tf.tidy(() => { ours(a, b, transposeA).dataSync(); }));
    const tOne = median(one);
    const tXnn = median(() => tf.tidy(() => { tf.matMul((transposeA ? a.transpose() : a) as tf.Tensor2D, b as tf.Tensor2D).dataSync(); }));
    out[`${transposeA ? 'aT' : 'a'} (${m},${inner})x(${inner},${n})`] = { differing, twoThreads: rate(tThreads), oneThread: rate(tOne), xnnpack2: rate(tXnn) };
    tf.dispose([a, b, threaded, single]);
  }
  return out;
}
(globalThis as Record<string, unknown>).result = main().catch((e) => `error: ${e}`);
