import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GELU_BACKWARD, GELU_FORWARD, LAYER_NORM_BACKWARD, LAYER_NORM_FORWARD, setSimdEnabled, simdAvailable, simdKernelsFor } from '../../../lab/backend/simd/simdKernels';
import { GPT } from '../../../lab/models/gpt';
import { gelu, layerNorm } from '../../../lab/models/layers';
import { Rng } from '../../../lab/rng';
import { useBackend } from '../lab/helpers';
import { randomBatch } from './gradcheck';

const SIMD_KERNELS = [GELU_FORWARD, GELU_BACKWARD, LAYER_NORM_FORWARD, LAYER_NORM_BACKWARD];

/** The names of the kernels `f` runs. */
async function kernelsRun(f: () => tf.TensorContainer): Promise<Set<string>> {
  const info = await tf.profile(() => f() as tf.Tensor);
  tf.dispose(info.result as tf.Tensor);
  return new Set(info.kernelNames);
}

/** The loss's gradient for every trainable variable, as arrays, and the kernels run. */
async function gptGrads(model: GPT, x: tf.Tensor2D, y: tf.Tensor2D): Promise<{ grads: Float32Array[]; kernels: Set<string> }> {
  let grads: Float32Array[] = [];
  const kernels = await kernelsRun(() => {
    const { value, grads: g } = tf.variableGrads(() => model.forward(x, y, { training: true }).loss!, model.trainableVariables());
    grads = model.trainableVariables().map((v) => g[v.name]!.dataSync() as Float32Array);
    tf.dispose(Object.values(g));
    return value;
  });
  return { grads, kernels };
}

beforeAll(() => useBackend('wasm'));
afterEach(() => setSimdEnabled(true));
afterAll(() => useBackend('cpu'));

describe('the SIMD kernels in the GPT on wasm', () => {
  it('give the same gradients as the tfjs ops path', async () => {
    expect(simdAvailable()).toBe(true);
    const model = new GPT({ vocabSize: 7, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true });
    // Weights of order 0.3 (gains 1 ± 0.3), so that activations and gradients are far from zero.
    const rng = new Rng(5);
    for (const [name, v] of model.params.entries()) {
      const values = Float32Array.from({ length: v.size }, () => (name.endsWith('.gain') ? 1 : 0) + 0.6 * (rng.next() - 0.5));
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
    const { x, y } = randomBatch(7, 3, 8);
    const simd = await gptGrads(model, x, y);
    setSimdEnabled(false);
    expect(simdAvailable()).toBe(false);
    const ops = await gptGrads(model, x, y);
    for (const k of SIMD_KERNELS) {
      expect(simd.kernels.has(k), k).toBe(true);
      expect(ops.kernels.has(k), k).toBe(false);
    }
    let worst = 0;
    simd.grads.forEach((g, i) => g.forEach((v, j) => {
      const e = ops.grads[i]![j]!;
      worst = Math.max(worst, Math.abs(v - e) / Math.max(1, Math.abs(e)));
    }));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('takes the ops path for sizes the kernels cannot take, and for the exact GELU', async () => {
    const x7 = tf.randomNormal([7], 0, 1, 'float32', 1);
    expect(await kernelsRun(() => gelu(x7))).not.toContain(GELU_FORWARD);
    const x8 = tf.randomNormal([2, 4], 0, 1, 'float32', 1);
    expect(await kernelsRun(() => gelu(x8))).toContain(GELU_FORWARD);
    expect(await kernelsRun(() => gelu(x8, 'exact'))).not.toContain(GELU_FORWARD);
    const x6 = tf.randomNormal([4, 6], 0, 1, 'float32', 2);
    expect(await kernelsRun(() => layerNorm(x6, tf.ones([6]) as tf.Tensor1D))).not.toContain(LAYER_NORM_FORWARD);
    expect(await kernelsRun(() => layerNorm(x8, tf.ones([4]) as tf.Tensor1D))).toContain(LAYER_NORM_FORWARD);
    const lnGrad = (x: tf.Tensor) => tf.grad((x: tf.Tensor) => layerNorm(x, tf.ones([x.shape[1]!]) as tf.Tensor1D).square().sum())(x);
    expect(await kernelsRun(() => lnGrad(x6))).not.toContain(LAYER_NORM_BACKWARD);
    expect(await kernelsRun(() => lnGrad(x8))).toContain(LAYER_NORM_BACKWARD);
    tf.dispose([x7, x8, x6]);
  });

  it('falls back to the ops when the kernels cannot be instantiated, deciding once per backend', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const noMemory = { wasm: {} } as unknown as BackendWasm;
    expect(simdKernelsFor(noMemory)).toBeNull();
    expect(simdKernelsFor(noMemory)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    // A memory the module cannot link to (LinkError: smaller than the 1 page it declares): still null, no throw.
    const odd = { wasm: { asm: { memory: new WebAssembly.Memory({ initial: 0 }) } } } as unknown as BackendWasm;
    expect(simdKernelsFor(odd)).toBeNull();
    warn.mockRestore();
    expect(simdKernelsFor(tf.backend() as BackendWasm)).not.toBeNull();
  });

  it('is off on the cpu backend', async () => {
    await useBackend('cpu');
    expect(simdAvailable()).toBe(false);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 1);
    expect(await kernelsRun(() => gelu(x))).not.toContain(GELU_FORWARD);
    x.dispose();
    await useBackend('wasm');
  });
});
