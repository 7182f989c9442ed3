import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GELU_BACKWARD, GELU_FORWARD, LAYER_NORM_BACKWARD, LAYER_NORM_FORWARD, decodeBase64, simdAvailable, tfjsMemory } from '../../../lab/backend/simd/simdKernels';
import { beforeAndAfterHeapGrowth, bitsDiffering, useBackend } from './helpers';

const K1 = 2 * Math.sqrt(2 / Math.PI);
const K3 = K1 * 0.044715;
const run = (name: string, inputs: Record<string, tf.Tensor>, attrs = {}) => tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor[];
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
/** How many elements of two float32 tensors differ in their bits. */

beforeAll(async () => {
  await useBackend('wasm');
});

describe('SIMD kernels on the wasm heap', () => {
  it("reads tfjs's memory: the non-threaded build's exported memory", () => {
    expect(tfjsMemory(tf.backend() as BackendWasm).buffer.byteLength).toBeGreaterThan(0);
    expect(simdAvailable()).toBe(true);
  });

  it('decodes base64 like Buffer does', () => {
    const bytes = Uint8Array.from({ length: 259 }, (_, i) => (i * 37) & 0xff);
    for (const n of [0, 1, 2, 3, 259]) expect([...decodeBase64(Buffer.from(bytes.subarray(0, n)).toString('base64'))]).toEqual([...bytes.subarray(0, n)]);
  });

  // 3 x 20 exercises the tails of the unrolled loops (and an odd count of rows); the heap growth, that the instance follows tfjs's Memory.
  it('normalizes rows whose mean is large against their spread (two-pass variance)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([16, 64], 0, 1, 'float32', 4).add(tf.linspace(-300, 300, 16).reshape([16, 1])); // (16, 64)
      const gain = tf.ones([64]);
      const centred = x.sub(x.mean(1, true));
      const rstd = centred.square().mean(1, true).add(1e-5).rsqrt();
      const [, xhat, r] = run(LAYER_NORM_FORWARD, { x, gain }, { epsilon: 1e-5 });
      expect(maxAbs(xhat!, centred.mul(rstd))).toBeLessThan(1e-4);
      expect(maxAbs(r!.div(rstd), tf.onesLike(rstd))).toBeLessThan(1e-4);
    });
  });

  for (const shape of [[64, 128], [3, 20]]) {
    it(`matches tfjs ops on ${shape.join('x')}, before and after the heap grows`, () => {
      const x = tf.randomNormal(shape, 0, 3, 'float32', 1);
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
      const gain = tf.randomNormal([shape[1]!], 1, 0.2, 'float32', 3);
      const check = () => tf.tidy(() => {
        const s = x.square().mul(K3).add(K1).mul(x).sigmoid();
        const [y, sOut] = run(GELU_FORWARD, { x });
        expect(maxAbs(y!, x.mul(s))).toBeLessThan(2e-6);
        expect(maxAbs(sOut!, s)).toBeLessThan(1e-6);
        const dx = dy.mul(x.mul(x.square().mul(3 * K3).add(K1)).mul(tf.sub(1, s)).add(1).mul(s));
        expect(maxAbs(tf.engine().runKernel(GELU_BACKWARD, { dy, x, s }, {}) as tf.Tensor, dx)).toBeLessThan(2e-6);
        const centred = x.sub(x.mean(1, true));
        const rstd = centred.square().mean(1, true).add(1e-5).rsqrt();
        const [ly, xhat, r] = run(LAYER_NORM_FORWARD, { x, gain }, { epsilon: 1e-5 });
        expect(maxAbs(ly!, centred.mul(rstd).mul(gain))).toBeLessThan(1e-5);
        expect(maxAbs(xhat!, centred.mul(rstd))).toBeLessThan(1e-5);
        expect(maxAbs(r!, rstd)).toBeLessThan(1e-6);
      });
      beforeAndAfterHeapGrowth(check);
      tf.dispose([x, dy, gain]);
    });
  }

  // The backward is the ops' result bit for bit (same f32 operations in the same order, the means
  // summed as tfjs-backend-wasm's Mean does), so it changes no loss. Row counts that leave rows
  // over after the kernel's groups of four (3, 5, 7, 33), rows of 4 and of 4 mod 8 (the unrolled
  // loop's tail), and a GPT-sized one; all checked, then the heap grows once (the buffer tfjs's
  // views were made on detaches) and all again.
  it("LayerNorm backward: dx and dgain equal the tfjs ops' bit for bit, before and after the heap grows", () => {
    const shapes = [[64, 128], [3, 20], [7, 4], [33, 36], [5, 772], [768, 512]];
    const cases = shapes.map((shape, k) => {
      const x = tf.randomNormal(shape, 0.5, 3, 'float32', 5 + k);
      const dy = tf.randomNormal(shape, 0, 1e-2, 'float32', 50 + k);
      const gain = tf.randomNormal([shape[1]!], 1, 0.2, 'float32', 500 + k);
      const [, xhat, rstd] = run(LAYER_NORM_FORWARD, { x, gain }, { epsilon: 1e-5 });
      return { shape, dy, gain, xhat: xhat!, rstd: rstd!, tensors: [x, dy, gain, xhat!, rstd!] };
    });
    const check = () => {
      for (const { shape, dy, gain, xhat, rstd } of cases) tf.tidy(() => {
        const g = dy.mul(gain);
        const dxOps = g.sub(g.mean(1, true)).sub(xhat.mul(g.mul(xhat).mean(1, true))).mul(rstd);
        const [dx, dgain] = run(LAYER_NORM_BACKWARD, { dy, xhat, rstd, gain });
        expect(dx!.shape).toEqual(shape);
        expect(dgain!.shape).toEqual([shape[1]]);
        expect({ shape, dx: bitsDiffering(dx!, dxOps), dgain: bitsDiffering(dgain!, dy.mul(xhat).sum(0)) }).toEqual({ shape, dx: 0, dgain: 0 });
      });
    };
    beforeAndAfterHeapGrowth(check);
    tf.dispose(cases.flatMap((c) => c.tensors));
  });
});
