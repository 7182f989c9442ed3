import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CellKind, RecurrentLM } from '../../../lab/models/recurrent';
import { createModel, type ModelSpec } from '../../../lab/models/registry';
import { LabHost } from '../../../lab/worker/host';
import { modelFromCheckpoint } from '../../../lab/worker/loadModel';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { readData, useBackend, WASM_DIR } from './helpers';
import { readPublic } from './inspectTarget';

beforeAll(() => useBackend('cpu'));

/** The chapters' model size (names-<cell>-chapter) on the names vocabulary. */
const CHAPTER = { vocabSize: 27, embedDim: 32, hiddenDim: 128, blockSize: 16, seed: 3407 } as const;

/** SHA-256 (first 16 hex digits) of every weight's name and float32 bytes, in creation order. */
function weightsHash(model: RecurrentLM): string {
  const hash = createHash('sha256');
  for (const [name, v] of model.namedVariables()) hash.update(name).update(Buffer.from((v.dataSync() as Float32Array).buffer));
  return hash.digest('hex').slice(0, 16);
}

describe('recurrentScale', () => {
  // Measured with the model as it was before recurrentScale existed (main at fd38604).
  const BEFORE: Record<CellKind, string> = { rnn: '2ff710bf3f3764c8', lstm: '76094aa2d878a430', gru: 'a09ae2da43410f8a' };

  it.each(['rnn', 'lstm', 'gru'] as const)('leaves a default %s byte for byte as it was, and scales only the recurrent weights from the same draws', (cell) => {
    const plain = new RecurrentLM({ ...CHAPTER, cell });
    const one = new RecurrentLM({ ...CHAPTER, cell, recurrentScale: 1 });
    const four = new RecurrentLM({ ...CHAPTER, cell, recurrentScale: 4 });
    expect(weightsHash(plain)).toBe(BEFORE[cell]);
    expect(weightsHash(one)).toBe(BEFORE[cell]);
    for (const [name, v] of plain.namedVariables()) {
      const scaled = four.params.get(name).dataSync();
      if (name !== 'cell.wh') expect(Array.from(scaled), name).toEqual(Array.from(v.dataSync()));
      else v.dataSync().forEach((w, i) => expect(Math.abs(scaled[i]! - 4 * w)).toBeLessThan(1e-6));
    }
    const bound = 4 / Math.sqrt(CHAPTER.hiddenDim);
    const wh = Array.from(four.params.get('cell.wh').dataSync());
    expect(Math.max(...wh.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...wh.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    [plain, one, four].forEach((m) => m.dispose());
  });

  it('refuses a negative scale, and the shipped names-rnn checkpoint still loads', async () => {
    expect(() => new RecurrentLM({ ...CHAPTER, recurrentScale: -1 })).toThrow('recurrentScale must be a number >= 0, not -1');
    const loaded = modelFromCheckpoint(await readPublic('checkpoints/names-rnn.ckpt'), 'names-rnn');
    expect(loaded.spec.kind).toBe('rnn');
    expect(loaded.model.namedVariables().map(([name]) => name)).toEqual(['embedding', 'start.h', 'cell.wx', 'cell.wh', 'cell.b', 'head.w', 'head.b']);
    loaded.model.dispose();
  });
});

describe('a fresh model in the worker', () => {
  it('is built at step 0 with the data set\'s tokenizer, with the weights createModel draws, and can be inspected', async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    const spec: ModelSpec = { kind: 'rnn', config: { blockSize: 16, embedDim: 8, hiddenDim: 16, seed: 5, recurrentScale: 2 } };
    await host.receive({ type: 'load', jobId: 1, source: { fresh: { dataset: 'names', spec } } });
    const info = messages.find((m): m is Extract<WorkerResponse, { type: 'model' }> => m.type === 'model')!.info;
    expect(info).toMatchObject({ kind: 'rnn', config: spec.config, step: 0, origin: 'fresh' });
    expect(info.vocab.join('')).toBe('\nabcdefghijklmnopqrstuvwxyz');
    expect(info.counts).toHaveLength(27);
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { split: 'dev', count: 2, length: 10 }, probes: { wh: { key: 'weight.cell.wh', as: 'raw' }, flow: { key: 'rnn.state_grad', as: 'norm', average: true } } });
    const snap = messages.find((m): m is Extract<WorkerResponse, { type: 'snapshot' }> => m.type === 'snapshot')!;
    const reference = createModel(spec, 27);
    expect(Array.from(snap.arrays.wh!.data)).toEqual(Array.from(reference.namedVariables().find(([name]) => name === 'cell.wh')![1].dataSync()));
    expect(snap.arrays.flow!.shape).toEqual([10]);
    expect(snap.step).toBe(0);
    reference.dispose();
    await host.receive({ type: 'load', jobId: 2, source: { fresh: { dataset: 'nope' as 'names', spec } } });
    await host.receive({ type: 'load', jobId: 3, source: { fresh: { dataset: 'names', spec: { kind: 'rnn', config: { ...spec.config, recurrentScale: -2 } } } } });
    const errors = messages.filter((m): m is Extract<WorkerResponse, { type: 'error' }> => m.type === 'error').map((m) => m.message);
    expect(errors).toEqual(['there is no data set called "nope"', 'a fresh rnn model cannot be built (recurrentScale must be a number >= 0, not -2)']);
    await host.handle({ type: 'dispose' });
  });
});
