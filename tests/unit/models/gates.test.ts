import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabHost } from '../../../lab/worker/host';
import type { Probe, WorkerResponse } from '../../../lab/worker/protocol';
import { readData, useBackend, WASM_DIR } from '../lab/helpers';
import { readPublic } from '../lab/inspectTarget';

/** A weight read back from the worker: its shape and values. */
interface Weight {
  shape: number[];
  data: ArrayLike<number>;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Column block `block` (of width H) of v·W + bias for a row vector v and a (rows, cols) matrix W, in double precision. */
function product(v: readonly number[], w: Weight, block: number, H: number, bias?: Weight, biasOffset = block * H): number[] {
  const cols = w.shape[1]!;
  return Array.from({ length: H }, (_, j) => {
    let sum = bias ? bias.data[biasOffset + j]! : 0;
    for (let i = 0; i < v.length; i++) sum += v[i]! * w.data[i * cols + block * H + j]!;
    return sum;
  });
}

/**
 * The recorded values of a recurrent model for one token sequence, in plain JS from its weights,
 * by the equations of recurrent.ts's class comment (gate blocks in PyTorch's order: LSTM i, f, g, o;
 * GRU r, z, n): per key, T rows of H values.
 */
function plainForward(cell: 'rnn' | 'lstm' | 'gru', weights: Record<string, Weight>, ids: readonly number[]): Record<string, number[][]> {
  const H = weights['weight.start.h']!.shape[0]!;
  const C = weights['weight.embedding']!.shape[1]!;
  const [wx, wh, b] = [weights['weight.cell.wx']!, weights['weight.cell.wh']!, weights['weight.cell.b']!];
  let h = Array.from(weights['weight.start.h']!.data);
  let c = cell === 'lstm' ? Array.from(weights['weight.start.c']!.data) : [];
  const out: Record<string, number[][]> = {};
  const put = (key: string, values: number[]) => (out[key] ??= []).push(values);
  for (const id of ids) {
    const x = Array.from({ length: C }, (_, i) => weights['weight.embedding']!.data[id * C + i]!);
    const pre = (k: number) => {
      const fromH = product(h, wh, k, H);
      return product(x, wx, k, H, b).map((v, j) => v + fromH[j]!);
    };
    if (cell === 'rnn') h = pre(0).map(Math.tanh);
    if (cell === 'lstm') {
      const [i, f, g, o] = [pre(0).map(sigmoid), pre(1).map(sigmoid), pre(2).map(Math.tanh), pre(3).map(sigmoid)];
      c = c.map((old, j) => f[j]! * old + i[j]! * g[j]!);
      h = c.map((cj, j) => o[j]! * Math.tanh(cj));
      Object.entries({ 'lstm.gate.input': i, 'lstm.gate.forget': f, 'lstm.gate.output': o, 'lstm.candidate': g, 'lstm.cell': c }).forEach(([key, v]) => put(key, v));
    }
    if (cell === 'gru') {
      const [r, z] = [pre(0).map(sigmoid), pre(1).map(sigmoid)];
      const hn = product(h, wh, 2, H, weights['weight.cell.bhn']!, 0);
      const n = product(x, wx, 2, H, b).map((v, j) => Math.tanh(v + r[j]! * hn[j]!));
      h = n.map((nj, j) => (1 - z[j]!) * nj + z[j]! * h[j]!);
      Object.entries({ 'gru.gate.update': z, 'gru.gate.reset': r, 'gru.candidate': n }).forEach(([key, v]) => put(key, v));
    }
    put('rnn.state', h);
  }
  return out;
}

const KEYS = {
  rnn: ['rnn.state'],
  lstm: ['rnn.state', 'lstm.gate.input', 'lstm.gate.forget', 'lstm.gate.output', 'lstm.candidate', 'lstm.cell'],
  gru: ['rnn.state', 'gru.gate.update', 'gru.gate.reset', 'gru.candidate'],
} as const;
const PARAMETERS = ['embedding', 'start.h', 'start.c', 'cell.wx', 'cell.wh', 'cell.b', 'cell.bhn'];

describe('gates recorded for a prompt', () => {
  const messages: WorkerResponse[] = [];
  let host: LabHost;
  beforeAll(async () => {
    await useBackend('cpu');
    host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
  });
  afterAll(() => host.handle({ type: 'dispose' }));

  it.each([
    ['names-rnn', 'rnn', 'emma'],
    ['names-lstm', 'lstm', 'emma'],
    ['names-gru', 'gru', 'sophia'],
    ['tinyshakespeare-lstm', 'lstm', 'ROMEO:\nO, she'],
  ] as const)('%s (%s) on %j: every gate, candidate, cell and state equals a plain-JS forward of its weights', async (checkpoint, cell, text) => {
    const loadedAt = messages.length;
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint } });
    const { vocab } = messages.slice(loadedAt).find((m): m is Extract<WorkerResponse, { type: 'model' }> => m.type === 'model')!.info;
    const parameters = PARAMETERS.filter((name) => (name !== 'start.c' || cell === 'lstm') && (name !== 'cell.bhn' || cell === 'gru'));
    const probes: Record<string, Probe> = Object.fromEntries([...KEYS[cell], ...parameters.map((name) => `weight.${name}`)].map((key) => [key, { key, as: 'raw', ...(key.startsWith('weight.') ? {} : { index: [0] }) }]));
    const requestId = messages.length;
    await host.receive({ type: 'inspect', jobId: 1, requestId, input: { text }, probes });
    const snap = messages.find((m): m is Extract<WorkerResponse, { type: 'snapshot' }> => m.type === 'snapshot' && m.requestId === requestId)!;
    const ids = snap.text!.tokens.map((token) => vocab.indexOf(token));
    const expected = plainForward(cell, snap.arrays as Record<string, Weight>, ids);
    for (const key of KEYS[cell]) {
      const recorded = snap.arrays[key]!;
      const H = recorded.shape[1]!;
      expect(recorded.shape, key).toEqual([ids.length, H]);
      expected[key]!.flat().forEach((value, i) => {
        const t = Math.floor(i / H);
        expect(Math.abs(recorded.data[i]! - value), `${key} at ${JSON.stringify(snap.text!.tokens[t])} (t ${t}), unit ${i % H}: ${recorded.data[i]} vs ${value}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(value)));
      });
    }
  });
});
