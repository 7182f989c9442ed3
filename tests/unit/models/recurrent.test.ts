import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numParams } from '../../../lab/models/model';
import { type CellKind, RecurrentLM } from '../../../lab/models/recurrent';
import { useBackend } from '../lab/helpers';
import { expectGradientsMatchFiniteDifferences, expectNoTensorLeaks, randomBatch, repeating, trainOnBatch as train } from './gradcheck';

beforeAll(() => useBackend('cpu'));

const CELLS: CellKind[] = ['rnn', 'lstm', 'gru'];
const TINY = { vocabSize: 5, blockSize: 4, embedDim: 3, hiddenDim: 4, seed: 3 } as const;

/** The hidden states in plain JS, one step and one unit at a time, from the model's weights (PyTorch's equations). */
function referenceHidden(model: RecurrentLM, ids: number[][]): number[][][] {
  const { cell, hiddenDim: H } = model.config;
  const w = (name: string) => model.params.get(name).arraySync() as number[][];
  const v = (name: string) => model.params.get(name).arraySync() as number[];
  const [table, wx, wh, b] = [w('embedding'), w('cell.wx'), w('cell.wh'), v('cell.b')];
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  return ids.map((row) => {
    let h = v('start.h');
    let c = cell === 'lstm' ? v('start.c') : [];
    return row.map((id) => {
      const x = table[id]!;
      const fromX = (k: number, j: number) => b[k * H + j]! + x.reduce((s, xi, i) => s + xi * wx[i]![k * H + j]!, 0);
      const fromH = (k: number, j: number) => h.reduce((s, hi, i) => s + hi * wh[i]![k * H + j]!, 0);
      const gate = (k: number, j: number) => fromX(k, j) + fromH(k, j);
      const units = [...Array(H).keys()];
      if (cell === 'rnn') h = units.map((j) => Math.tanh(gate(0, j)));
      if (cell === 'lstm') {
        c = units.map((j) => sigmoid(gate(1, j)) * c[j]! + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
        h = units.map((j) => sigmoid(gate(3, j)) * Math.tanh(c[j]!));
      }
      if (cell === 'gru') {
        const bhn = v('cell.bhn');
        h = units.map((j) => {
          const [r, z] = [sigmoid(gate(0, j)), sigmoid(gate(1, j))];
          const n = Math.tanh(fromX(2, j) + r * (fromH(2, j) + bhn[j]!));
          return (1 - z) * n + z * h[j]!;
        });
      }
      return h;
    });
  });
}

describe.each(CELLS)('recurrent LM (%s)', (cell) => {
  it('unrolls the cell as PyTorch defines it, from the learned start state', () => {
    const model = new RecurrentLM({ ...TINY, cell });
    // Non-zero start states, so that the check sees them used.
    for (const name of ['start.h', 'start.c']) {
      if (cell === 'lstm' || name === 'start.h') model.params.get(name).assign(tf.tensor1d([0.5, -0.3, 0.2, 0.9]));
    }
    const ids = [[1, 4, 0, 2], [3, 3, 1, 0]];
    const { logits, intermediates } = model.forward(tf.tensor2d(ids, [2, 4], 'int32'), undefined, { record: true });
    expect(model.name).toBe(cell);
    expect(logits.shape).toEqual([2, 4, TINY.vocabSize]);
    const expected = referenceHidden(model, ids).flat(2);
    Array.from(intermediates!['rnn.state']!.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    model.dispose();
  });

  it('never looks ahead: logits at t do not change with later tokens', () => {
    const model = new RecurrentLM({ ...TINY, cell });
    const a = model.forward(tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32')).logits.slice([0, 0, 0], [1, 3, -1]);
    const b = model.forward(tf.tensor2d([[1, 2, 3, 0]], [1, 4], 'int32')).logits.slice([0, 0, 0], [1, 3, -1]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    model.dispose();
  });

  it('has gradients that match finite differences', () => {
    const model = new RecurrentLM({ ...TINY, cell });
    const { x, y } = randomBatch(TINY.vocabSize, 3, 4);
    expectGradientsMatchFiniteDifferences(model, x, y);
    model.dispose();
  });

  it('starts near the uniform loss ln V with the defaults', () => {
    const model = new RecurrentLM({ vocabSize: 27, cell });
    const { x, y } = randomBatch(27, 8, 16);
    const loss = model.forward(x, y).loss!.dataSync()[0]!;
    expect(Math.abs(loss - Math.log(27))).toBeLessThan(0.2);
    model.dispose();
  });

  it('learns "aabaab..." to a loss far below a bigram\'s', () => {
    const model = new RecurrentLM({ cell, vocabSize: 2, blockSize: 6, embedDim: 4, hiddenDim: 8, seed: 1 });
    const { x, y } = repeating(3, 6);
    const losses = train(model, x, y, 60, 0.03);
    expect(losses.at(-1)!).toBeLessThan(0.1);
    model.dispose();
  });

  it('leaves tf.memory().numTensors unchanged over forward passes and optimizer steps', () => {
    const model = new RecurrentLM({ ...TINY, cell });
    const { x, y } = randomBatch(TINY.vocabSize, 2, 4);
    expectNoTensorLeaks(model, x, y, 3);
    model.dispose();
  });
});

describe('recurrent LM', () => {
  it('records the hidden states and every gate, (B, T, H), under stable keys', () => {
    const keys = (cell: CellKind) => {
      const model = new RecurrentLM({ ...TINY, cell });
      const { x } = randomBatch(TINY.vocabSize, 2, 3);
      const { intermediates } = model.forward(x, undefined, { record: true });
      const shapes = Object.fromEntries(Object.entries(intermediates!).map(([key, t]) => [key, t.shape]));
      model.dispose();
      return shapes;
    };
    const state = [2, 3, TINY.hiddenDim];
    const common = { embedding: [TINY.vocabSize, TINY.embedDim], embedded: [2, 3, TINY.embedDim], 'rnn.state': state, logits: [2, 3, TINY.vocabSize] };
    expect(keys('rnn')).toEqual(common);
    expect(keys('lstm')).toEqual({ ...common, 'lstm.gate.input': state, 'lstm.gate.forget': state, 'lstm.gate.output': state, 'lstm.candidate': state, 'lstm.cell': state });
    expect(keys('gru')).toEqual({ ...common, 'gru.gate.update': state, 'gru.gate.reset': state, 'gru.candidate': state });
  });

  it('keeps the gates in [0, 1] and the candidates in [-1, 1]', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const model = new RecurrentLM({ ...TINY, cell, hiddenDim: 16 });
      const { x } = randomBatch(TINY.vocabSize, 4, 6);
      const { intermediates } = model.forward(x, undefined, { record: true });
      for (const [key, t] of Object.entries(intermediates!)) {
        const range = key.includes('.gate.') ? [0, 1] : key.endsWith('.candidate') ? [-1, 1] : undefined;
        if (!range) continue;
        expect(t.min().dataSync()[0], key).toBeGreaterThanOrEqual(range[0]!);
        expect(t.max().dataSync()[0], key).toBeLessThanOrEqual(range[1]!);
      }
      model.dispose();
    }
  });

  it('sets the LSTM forget-gate bias to 1, the other biases uniform in ±1/√H', () => {
    const model = new RecurrentLM({ ...TINY, cell: 'lstm' });
    const H = TINY.hiddenDim;
    const b = Array.from(model.params.get('cell.b').dataSync());
    expect(b.slice(H, 2 * H)).toEqual(Array(H).fill(1));
    expect([...b.slice(0, H), ...b.slice(2 * H)].every((v) => Math.abs(v) <= 1 / Math.sqrt(H))).toBe(true);
    model.dispose();
  });

  it('counts the parameters of makemore\'s defaults on names (V = 27, C = H = 64)', () => {
    const count = (cell: CellKind) => {
      const model = new RecurrentLM({ vocabSize: 27, cell });
      const n = numParams(model);
      model.dispose();
      return n;
    };
    // embedding 27 * 64, start 64 (the LSTM's cell state: 64 more), G blocks of (64 + 64 + 1) * 64, head 64 * 27 + 27
    expect(count('rnn')).toBe(1728 + 64 + 1 * 129 * 64 + 1755);
    expect(count('lstm')).toBe(1728 + 128 + 4 * 129 * 64 + 1755);
    expect(count('gru')).toBe(1728 + 64 + 3 * 129 * 64 + 64 + 1755);
  });

  it('gives the same losses for the same seed, other losses for another seed', () => {
    const { x, y } = randomBatch(TINY.vocabSize, 3, 4);
    const losses = (seed: number) => {
      const model = new RecurrentLM({ ...TINY, cell: 'gru', seed });
      const out = train(model, x, y, 5);
      model.dispose();
      return out;
    };
    const a = losses(11);
    expect(a).toHaveLength(5);
    expect(losses(11)).toEqual(a);
    expect(losses(12)).not.toEqual(a);
  });
});

describe('recurrent LM on the wasm backend', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => useBackend('cpu'));

  it.each(CELLS)('takes a training step with the %s cell (every op has a wasm gradient kernel)', (cell) => {
    const model = new RecurrentLM({ ...TINY, cell });
    const { x, y } = randomBatch(TINY.vocabSize, 4, 4);
    const losses = train(model, x, y, 2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]).toBeLessThan(losses[0]!);
    model.dispose();
  });
});
