// Checks the SIMD kernels (lab/backend/simd) against the tfjs op chains they replace, on tfjs's
// non-threaded wasm build in Node, before and after tfjs's heap grows, then times both,
// alternating, medians of N reps (default 100) on a (768, 512) tensor (LayerNorm's backward also
// on (768, 128)).
//
//   npx tsx scripts/simd-bench.ts [N]
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { useNodeBackend } from '../lab/cli/environment';
import { KERNELS_SHARED_WASM } from '../lab/backend/simd/kernelsBinary';
import { GELU_BACKWARD, GELU_FORWARD, LAYER_NORM_BACKWARD, LAYER_NORM_FORWARD, decodeBase64, simdKernelsFor, tfjsMemory } from '../lab/backend/simd/simdKernels';

await useNodeBackend('wasm');
const backend = tf.backend() as BackendWasm;
console.log('threads', tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), 'simd', tf.env().getBool('WASM_HAS_SIMD_SUPPORT'));
const mem = tfjsMemory(backend);
console.log('memory', mem.buffer.constructor.name, mem.buffer.byteLength / 65536, 'pages');
if (!simdKernelsFor(backend)) throw new Error('SIMD kernels did not instantiate');
// The shared build links against a memory like the threaded glue's.
const sharedMem = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
await WebAssembly.instantiate(decodeBase64(KERNELS_SHARED_WASM), { env: { memory: sharedMem } });
console.log('shared build instantiates on a shared memory (max 65536)');

const K1 = 2 * Math.sqrt(2 / Math.PI);
const K3 = K1 * 0.044715;
const geluOps = (x: tf.Tensor) => { const s = x.square().mul(K3).add(K1).mul(x).sigmoid(); return [x.mul(s), s]; };
const geluSimd = (x: tf.Tensor) => tf.engine().runKernel(GELU_FORWARD, { x }, {}) as unknown as tf.Tensor[];
const lnOps = (x: tf.Tensor, gain: tf.Tensor) => {
  const centred = x.sub(x.mean(1, true));
  const invStd = centred.square().mean(1, true).add(1e-5).rsqrt();
  const normed = centred.mul(invStd);
  return [normed.mul(gain), normed, invStd];
};
const lnSimd = (x: tf.Tensor, gain: tf.Tensor) => tf.engine().runKernel(LAYER_NORM_FORWARD, { x, gain }, { epsilon: 1e-5 }) as unknown as tf.Tensor[];
const lnBwdOps = (dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gain: tf.Tensor) => {
  const g = dy.mul(gain);
  return [g.sub(g.mean(1, true)).sub(xhat.mul(g.mul(xhat).mean(1, true))).mul(rstd), dy.mul(xhat).sum(0)];
};
const lnBwdSimd = (dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gain: tf.Tensor) => tf.engine().runKernel(LAYER_NORM_BACKWARD, { dy, xhat, rstd, gain }, {}) as unknown as tf.Tensor[];

const geluBwdOps = (dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor) => { const dz = x.square().mul(3 * K3).add(K1); return [dy.mul(x.mul(dz).mul(tf.sub(1, s)).add(1).mul(s))]; };
const geluBwdSimd = (dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor) => [tf.engine().runKernel(GELU_BACKWARD, { dy, x, s }, {}) as tf.Tensor];
const maxErr = (a: tf.Tensor, b: tf.Tensor) => { const d = a.sub(b).abs().max(); const v = d.dataSync()[0]!; d.dispose(); return v; };
/** How many elements of two float32 tensors differ in their bits (0: the same result bit for bit). */
const differing = (a: tf.Tensor, b: tf.Tensor) => { const [u, v] = [new Uint32Array(a.dataSync().slice().buffer), new Uint32Array(b.dataSync().slice().buffer)]; return u.reduce((c, bits, i) => c + (bits === v[i] ? 0 : 1), 0); };
const maxRel = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().div(b.abs().add(1e-30)).where(b.abs().greater(1e-6), tf.zerosLike(a)).max().dataSync()[0]!);

const [R, C] = [768, 512];
const x = tf.randomNormal([R, C], 0, 3, 'float32', 1);
const gain = tf.randomNormal([C], 1, 0.2, 'float32', 2);
const wide = tf.linspace(-30, 30, 1 << 18);
const odd = tf.randomNormal([3, 20], 0, 1, 'float32', 3); // tails: 60 elements, rows of 20
const oddGain = tf.randomNormal([20], 1, 0.2, 'float32', 4);
const oddDy = tf.randomNormal([3, 20], 0, 1, 'float32', 6);
/** LayerNorm backward's inputs on (768, cols): dy and the forward's x̂ and 1/σ, and a gain. */
const lnBwdInputs = (cols: number) => tf.tidy(() => {
  const g = tf.randomNormal([cols], 1, 0.2, 'float32', 7);
  const [, xhat, rstd] = lnOps(tf.randomNormal([R, cols], 0, 3, 'float32', 8), g);
  return [tf.randomNormal([R, cols], 0, 1, 'float32', 9), xhat!, rstd!, g] as const;
});
const bwd512 = lnBwdInputs(512);
const bwd128 = lnBwdInputs(128);

function check(label: string) {
  const [a, b] = [geluOps(x), geluSimd(x)];
  console.log(`${label} gelu y: max abs err ${maxErr(a[0]!, b[0]!).toExponential(2)}, s: ${maxErr(a[1]!, b[1]!).toExponential(2)}, s max rel ${maxRel(b[1]!, a[1]!).toExponential(2)}`);
  const [c, d] = [geluOps(wide), geluSimd(wide)];
  console.log(`${label} gelu on [-30,30]: y max abs ${maxErr(c[0]!, d[0]!).toExponential(2)}, s max rel ${maxRel(d[1]!, c[1]!).toExponential(2)}`);
  const [e, f] = [lnOps(x, gain), lnSimd(x, gain)];
  console.log(`${label} layerNorm y ${maxErr(e[0]!, f[0]!).toExponential(2)}, xhat ${maxErr(e[1]!, f[1]!).toExponential(2)}, rstd ${maxErr(e[2]!, f[2]!).toExponential(2)}`);
  const [g, h] = [geluOps(odd), geluSimd(odd)];
  const [i, j] = [lnOps(odd, oddGain), lnSimd(odd, oddGain)];
  console.log(`${label} tails (3x20): gelu y ${maxErr(g[0]!, h[0]!).toExponential(2)}, layerNorm y ${maxErr(i[0]!, j[0]!).toExponential(2)}`);
  const [k, l] = [lnBwdOps(...bwd512), lnBwdSimd(...bwd512)];
  const [m, o] = [lnBwdOps(...bwd128), lnBwdSimd(...bwd128)];
  const [p, q] = [lnBwdOps(oddDy, i[1]!, i[2]!, oddGain), lnBwdSimd(oddDy, i[1]!, i[2]!, oddGain)];
  console.log(`${label} layerNorm bwd, elements differing from the ops in dx / dgain: (768, 512) ${differing(k[0]!, l[0]!)} / ${differing(k[1]!, l[1]!)}, (768, 128) ${differing(m[0]!, o[0]!)} / ${differing(m[1]!, o[1]!)}, (3, 20) ${differing(p[0]!, q[0]!)} / ${differing(p[1]!, q[1]!)}`);
  tf.dispose([a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q]);
}
check('before growth:');
// Grow tfjs's heap past its size: our instance imports the same Memory and must follow.
const before = mem.buffer.byteLength;
const sSaved = geluOps(x)[1]!;
const dyIn = tf.randomNormal([R, C], 0, 1, 'float32', 5);
console.log('gelu backward max abs err', maxErr(geluBwdOps(dyIn, x, sSaved)[0]!, geluBwdSimd(dyIn, x, sSaved)[0]!).toExponential(2));
const big = tf.zeros([64 << 20]);
const x2 = x.clone();
console.log(`heap ${before >> 20} MiB -> ${mem.buffer.byteLength >> 20} MiB`);
check('after growth: ');
big.dispose(); x2.dispose();

const reps = Number(process.argv[2] ?? 100);
const n = R * C;
/** Name, run, elements (for ns/element). */
const variants: [string, () => tf.Tensor[], number][] = [
  ['gelu fwd tfjs ops (6 kernels)', () => geluOps(x), n],
  ['gelu fwd simd (1 kernel)', () => geluSimd(x), n],
  ['gelu bwd tfjs ops (8 kernels)', () => geluBwdOps(dyIn, x, sSaved), n],
  ['gelu bwd simd (1 kernel)', () => geluBwdSimd(dyIn, x, sSaved), n],
  ['tfjs sigmoid alone (1 kernel)', () => [x.sigmoid()], n],
  ['tfjs mul alone (1 kernel)', () => [x.mul(x)], n],
  ['layerNorm fwd tfjs ops (9 kernels)', () => lnOps(x, gain), n],
  ['layerNorm fwd simd (1 kernel)', () => lnSimd(x, gain), n],
  ['layerNorm bwd tfjs ops (10 kernels)', () => lnBwdOps(...bwd512), n],
  ['layerNorm bwd simd (1 kernel)', () => lnBwdSimd(...bwd512), n],
  ['layerNorm bwd (768, 128) tfjs ops', () => lnBwdOps(...bwd128), R * 128],
  ['layerNorm bwd (768, 128) simd', () => lnBwdSimd(...bwd128), R * 128],
];
const times = variants.map(() => [] as number[]);
for (let r = 0; r < reps + 5; r++) {
  variants.forEach(([, f], i) => {
    const t0 = performance.now();
    const out = tf.tidy(f);
    const t1 = performance.now();
    tf.dispose(out);
    if (r >= 5) times[i]!.push(t1 - t0);
  });
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
variants.forEach(([name, , elements], i) => console.log(`${name.padEnd(36)} median ${med(times[i]!).toFixed(3)} ms  ${((med(times[i]!) * 1e6) / elements).toFixed(3)} ns/element`));
const ratio = (ops: number) => (med(times[ops]!) / med(times[ops + 1]!)).toFixed(2);
console.log(`ratio ops/simd: gelu ${ratio(0)}, gelu bwd ${ratio(2)}, layerNorm ${ratio(6)}, layerNorm bwd ${ratio(8)} (768, 128) ${ratio(10)}`);
