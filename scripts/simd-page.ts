// Browser half of simd-browser.ts: tfjs's threaded wasm build (cross-origin isolated page)
// with the shared-memory SIMD kernels.
import * as tf from '@tensorflow/tfjs';
import { GELU_FORWARD, LAYER_NORM_FORWARD, simdAvailable, tfjsMemory } from '../lab/backend/simd/simdKernels';
import { useThreadedWasm } from './threaded-wasm';

async function main(): Promise<unknown> {
  const out: Record<string, unknown> = { isolated: crossOriginIsolated };
  const backend = await useThreadedWasm();
  out.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const mem = tfjsMemory(backend);
  out.memory = `${mem.buffer.constructor.name} ${mem.buffer.byteLength >> 20} MiB`;
  out.simdAvailable = simdAvailable(); // instantiates the shared build from kernelsBinary.ts, synchronously
  const x = tf.randomNormal([768, 512], 0, 3);
  const gain = tf.randomNormal([512], 1, 0.2);
  const K1 = 2 * Math.sqrt(2 / Math.PI), K3 = K1 * 0.044715;
  const geluOps = () => { const s = x.square().mul(K3).add(K1).mul(x).sigmoid(); return [x.mul(s), s]; };
  const geluSimd = () => tf.engine().runKernel(GELU_FORWARD, { x }, {}) as unknown as tf.Tensor[];
  const lnOps = () => { const c = x.sub(x.mean(1, true)); const r = c.square().mean(1, true).add(1e-5).rsqrt(); const h = c.mul(r); return [h.mul(gain), h, r]; };
  const lnSimd = () => tf.engine().runKernel(LAYER_NORM_FORWARD, { x, gain }, { epsilon: 1e-5 }) as unknown as tf.Tensor[];
  const err = (a: tf.Tensor[], b: tf.Tensor[]) => tf.tidy(() => a[0]!.sub(b[0]!).abs().max().dataSync()[0]);
  const errs = () => [err(tf.tidy(geluOps), tf.tidy(geluSimd)), err(tf.tidy(lnOps), tf.tidy(lnSimd))];
  out.errBefore = errs();
  const big = tf.zeros([64 << 20]);
  out.grown = `${mem.buffer.byteLength >> 20} MiB`;
  out.errAfterGrowth = errs();
  big.dispose();
  const vs: [string, () => tf.Tensor[]][] = [['geluOps', geluOps], ['geluSimd', geluSimd], ['lnOps', lnOps], ['lnSimd', lnSimd]];
  const t = vs.map(() => [] as number[]);
  for (let r = 0; r < 65; r++) vs.forEach(([, f], i) => { const t0 = performance.now(); const o = tf.tidy(f); const t1 = performance.now(); tf.dispose(o); if (r >= 5) t[i]!.push(t1 - t0); });
  const n = 768 * 512;
  vs.forEach(([name], i) => { const a = t[i]!.sort((p, q) => p - q); out[name] = `${((a[a.length >> 1]! * 1e6) / n).toFixed(3)} ns/el`; });
  return out;
}
(globalThis as Record<string, unknown>).result = main().catch((e) => `error: ${e}`);
