import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WASM_POOL_SIZE_GLOBAL } from '../../../lab/backend/names';
import { probeBackends, selectBackend } from '../../../lab/backend/probe';
import { registerBackends, wasmPoolSize, wasmThreads } from '../../../lab/backend/register';
import { rewritePoolSize, THREADED_GLUE } from '../../../scripts/wasm-pool.mjs';
import { useBackend, WASM_DIR } from './helpers';

describe('wasmThreads', () => {
  it('uses half the cores, but both of two, and at most 8', () => {
    expect([1, 2, 3, 4, 8, 12, 16, 32].map(wasmThreads)).toEqual([1, 2, 2, 2, 4, 6, 8, 8]);
  });

  it('starts one pthread worker fewer than threads, but never none (the glue would wait forever)', () => {
    expect([1, 2, 4, 8].map(wasmPoolSize)).toEqual([1, 1, 3, 7]);
  });

  it("the installed tfjs's threaded glue has the pool size the site's bundles rewrite", () => {
    const rewritten = rewritePoolSize(readFileSync(THREADED_GLUE, 'utf8'));
    expect(rewritten).toContain(`var pthreadPoolSize=globalThis["${WASM_POOL_SIZE_GLOBAL}"]??8;`);
    expect(rewritten).not.toContain('var pthreadPoolSize=8;');
    expect(() => rewritePoolSize('var pthreadPoolSize=navigator.hardwareConcurrency;')).toThrow(/update scripts\/wasm-pool.mjs/);
  });
});

describe('Identity on wasm (shares the buffer instead of copying it)', () => {
  beforeAll(() => useBackend('wasm'));

  it('a clone outlives its source and keeps its values', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = a.clone();
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });

  it('frees the buffer once every tensor sharing it is disposed', () => {
    const before = tf.memory().numBytes;
    const a = tf.ones([256]);
    const b = a.clone();
    const c = b.clone();
    expect(c.dataId).toBe(a.dataId); // one buffer for three tensors
    tf.dispose([a, b]);
    expect(tf.memory().numBytes).toBe(before + 256 * 4);
    c.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('gradients through saved tensors are unchanged', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((v: tf.Tensor) => v.square().mul(v).sum())(x); // d/dx x^3 = 3x^2
    expect(Array.from(g.dataSync())).toEqual([0.75, 3, 12]);
    tf.dispose([x, g]);
  });
});

describe('the backend probe (a few real training steps per backend)', () => {
  beforeAll(() => registerBackends(WASM_DIR));

  it.each(['cpu', 'wasm'] as const)('on %s: ms per step over 3 timed steps, the loss falling, no tensor left behind', async (name) => {
    await useBackend(name); // the backend's own start-up tensors exist before the count
    const before = tf.memory().numTensors;
    const [result] = await probeBackends([name], { warmupLimitMs: 60_000 }); // a loaded machine must not make it slow
    expect(result).toMatchObject({ name, ok: true, steps: 3 });
    expect(result!.ms).toBeGreaterThan(0);
    expect(result!.totalMs).toBeGreaterThan(3 * result!.ms!); // warm-up and 3 steps
    const losses = result!.losses!;
    expect(losses).toHaveLength(4); // warm-up, then 3 timed steps
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!); // it trains
    expect(tf.memory().numTensors).toBe(before);
  });

  it('probes wasm first and stops timing a backend once it cannot be the fastest', async () => {
    // giveUpFactor 0: any backend after the first is out of the running after one timed step.
    const results = await probeBackends(['cpu', 'wasm'], { giveUpFactor: 0, warmupLimitMs: 60_000, skipCpuBound: false });
    expect(results.map((r) => [r.name, r.steps])).toEqual([['wasm', 3], ['cpu', 1]]);
  });

  it('leaves cpu untimed once wasm has worked: wasm is faster on the same cores', async () => {
    const [wasm, cpu] = await probeBackends(['cpu', 'wasm'], { warmupLimitMs: 60_000 });
    expect(wasm).toMatchObject({ name: 'wasm', ok: true, steps: 3 });
    expect(cpu).toMatchObject({ name: 'cpu', ok: false, slow: true });
    expect(cpu!.error).toMatch(/not timed/);
    expect(tf.getBackend()).toBe('wasm'); // cpu was not even started
  });

  it('records a backend whose warm-up runs past the limit as slow, and frees its workload', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const [result] = await probeBackends(['cpu'], { warmupLimitMs: 0 });
    expect(result).toMatchObject({ name: 'cpu', ok: false, slow: true });
    expect(result!.ms).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not probe a named backend: it only starts it, and runs no kernel', async () => {
    await useBackend('wasm');
    const profile = await tf.profile(async () => {
      const choice = await selectBackend('cpu');
      expect(choice).toEqual({ backend: 'cpu', probe: [] });
    });
    expect(profile.kernels).toHaveLength(0);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('probes the others when a named backend does not start', async () => {
    const choice = await selectBackend('webgl'); // Node has no WebGL
    expect(choice.probe.map((p) => p.name)).toEqual(['webgl', 'wasm', 'webgpu', 'cpu']); // the failure, then the probe
    expect(choice.probe[0]).toMatchObject({ name: 'webgl', ok: false });
    expect(['wasm', 'cpu']).toContain(choice.backend);
    expect(tf.getBackend()).toBe(choice.backend);
  });
});
