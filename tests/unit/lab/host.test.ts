import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LabHost } from '../../../lab/worker/host';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { readData, WASM_DIR } from './helpers';

/** A host whose messages are collected, as a widget would receive them. */
function makeHost(read = readData) {
  const messages: WorkerResponse[] = [];
  const host = new LabHost({ post: (m) => messages.push(m), reader: () => read, wasmDirectory: () => WASM_DIR });
  return { host, messages, of: <T extends WorkerResponse['type']>(type: T) => messages.filter((m): m is Extract<WorkerResponse, { type: T }> => m.type === type) };
}

describe('LabHost (the worker, run in Node)', () => {
  it('probes the backends and reports the one it picked', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'auto' });
    const [ready] = of('ready');
    expect(ready).toBeDefined();
    expect(['wasm', 'cpu']).toContain(ready!.backend); // no GPU backends in Node
    expect(ready!.probe.find((p) => p.name === 'wasm')?.ok).toBe(true);
    expect(tf.getBackend()).toBe(ready!.backend);
  });

  it('honours a backend override', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    expect(of('ready')[0]!.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('leaves n-gram jobs to the counting worker, with an error that says so', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    await host.handle({ type: 'start', jobId: 1, job: { kind: 'ngram', dataset: 'names', order: 2, smoothing: 1 } });
    expect(of('error')[0]).toMatchObject({ jobId: 1, message: expect.stringMatching(/counting worker/) });
  });

  it('trains the neural bigram, posting only new points, onto the count NLL', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm' });
    const job = { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: 200, learningRate: 0.1, batchSize: 4096, evalEvery: 50 } as const;
    await host.handle({ type: 'start', jobId: 2, job });
    const reference = of('reference')[0]!;
    const points = of('progress').flatMap((p) => p.points);
    const steps = points.filter((p) => p.series === 'batch').map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: 200 }, (_, i) => i + 1)); // each step once: no re-posting
    const dev = points.filter((p) => p.series === 'dev');
    expect(dev.map((p) => p.step)).toEqual([0, 50, 100, 150, 200]);
    expect(dev[0]!.loss).toBeGreaterThan(dev.at(-1)!.loss + 0.5);
    expect(Math.abs(dev.at(-1)!.loss - reference.nll.dev)).toBeLessThan(0.01);
    expect(of('state').map((s) => s.state)).toEqual(['loading', 'running', 'done']);
  });

  it('trains any model of the ladder from a plan, then samples from it', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm' });
    const plan = {
      model: { kind: 'gpt', config: { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: false, tieWeights: false, seed: 1 } },
      steps: 40,
      batchSize: 16,
      learningRate: 1e-2,
      weightDecay: 0.01,
      beta2: 0.99,
      evalEvery: 20,
      seed: 1,
    } as const;
    await host.handle({ type: 'start', jobId: 3, job: { kind: 'plan', dataset: 'names', plan } });
    const points = of('progress').flatMap((p) => p.points);
    expect(points.filter((p) => p.series === 'batch')).toHaveLength(40);
    const dev = points.filter((p) => p.series === 'dev');
    expect(dev.map((p) => p.step)).toEqual([0, 20, 40]);
    expect(dev[2]!.loss).toBeLessThan(dev[0]!.loss - 0.3);
    expect(of('state').map((s) => s.state)).toEqual(['loading', 'running', 'done']);
    await host.handle({ type: 'sample', jobId: 3, count: 3, temperature: 1, seed: 1, maxLength: 20 });
    expect(of('sample')[0]!.texts).toHaveLength(3);
  });

  it('reports a data set that fails to load, and keeps working after it', async () => {
    let fail = true;
    const { host, of } = makeHost(async (file) => {
      if (fail) throw new Error(`could not load ${file} (HTTP 404)`);
      return readData(file);
    });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    const job = { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: 3, learningRate: 0.1, batchSize: 256, evalEvery: 3 } as const;
    await host.handle({ type: 'start', jobId: 3, job });
    expect(of('error')[0]).toMatchObject({ jobId: 3, message: expect.stringMatching(/404/) });
    fail = false;
    await host.handle({ type: 'start', jobId: 4, job });
    expect(of('state').filter((m) => m.jobId === 4).map((m) => m.state)).toEqual(['loading', 'running', 'done']);
  });

  it('a stop that arrives before its job begins cancels it, and a newer start cancels an older one', async () => {
    const { host, of } = makeHost();
    const job = { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: 50, learningRate: 0.1, batchSize: 1024, evalEvery: 10 } as const;
    const init = host.receive({ type: 'init', baseUrl: '/', backend: 'wasm' });
    void host.receive({ type: 'start', jobId: 1, job });
    void host.receive({ type: 'stop', jobId: 1 }); // while init still runs: job 1 has not begun
    void host.receive({ type: 'start', jobId: 2, job });
    void host.receive({ type: 'start', jobId: 3, job }); // 2 is cancelled by 3 before it begins
    await init;
    await host.idle();
    expect(of('state').filter((m) => m.jobId === 1).map((m) => m.state)).toEqual(['stopped']);
    expect(of('state').filter((m) => m.jobId === 2).map((m) => m.state)).toEqual(['stopped']);
    expect(of('progress').every((m) => m.jobId === 3)).toBe(true);
    expect(of('state').filter((m) => m.jobId === 3).map((m) => m.state)).toEqual(['loading', 'running', 'done']);
  });

  it('a start while a job runs stops that job after its step, without a final evaluation', async () => {
    const { host, messages, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm' });
    const long = { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: 100_000, learningRate: 0.1, batchSize: 256, evalEvery: 7 } as const;
    void host.receive({ type: 'start', jobId: 1, job: long });
    while (!of('progress').some((m) => m.jobId === 1 && m.step >= 3)) await new Promise((r) => setTimeout(r, 5));
    await host.receive({ type: 'start', jobId: 2, job: { ...long, steps: 5 } });
    const first = messages.filter((m) => 'jobId' in m && m.jobId === 1);
    expect(first.at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
    const steps = of('progress').filter((m) => m.jobId === 1).flatMap((m) => m.points);
    const lastStep = Math.max(...steps.map((p) => p.step));
    expect(lastStep).toBeLessThan(100_000);
    expect(steps.filter((p) => p.series === 'dev').every((p) => p.step % 7 === 0)).toBe(true); // no evaluation at the stop
    expect(of('state').filter((m) => m.jobId === 2).map((m) => m.state)).toEqual(['loading', 'running', 'done']);
  });

  it('answers a sample request without a model with an error, not a crash', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'sample', jobId: 99, count: 1, temperature: 1, seed: 1, maxLength: 5 });
    expect(of('error')[0]!.message).toMatch(/no model/);
  });
});
