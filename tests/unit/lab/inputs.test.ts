import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningText, runningWindows } from '../../../lab/data/running';
import { LabHost } from '../../../lab/worker/host';
import { inputBatch, type InspectedModel, snapshot } from '../../../lab/worker/inspect';
import type { Probe, WorkerResponse } from '../../../lab/worker/protocol';
import { readText } from '../../../lab/worker/readText';
import { readData, useBackend, WASM_DIR } from './helpers';
import { checkpointTarget, readPublic } from './inspectTarget';

const NAMES_VOCAB = ['\n', ...'abcdefghijklmnopqrstuvwxyz'];

describe('reading a typed text', () => {
  it('marks the characters the model does not know and leaves them out, every position pointing back at its character', () => {
    const { ids, read } = readText('Émma😀!s', NAMES_VOCAB, true, 'skip');
    expect(read.chars).toEqual(['É', 'm', 'm', 'a', '😀', '!', 's']); // code points, the emoji one character
    expect(read.skipped).toEqual([0, 4, 5]);
    expect(read.at).toEqual([-1, 1, 2, 3, 6]);
    expect(read.tokens).toEqual(['\n', 'm', 'm', 'a', 's']);
    expect(read.boundary).toBe('\n');
    expect(ids).toEqual([0, 13, 13, 1, 19]);
    read.at.forEach((i, t) => expect(read.tokens[t]).toBe(i < 0 ? read.boundary : read.chars[i]));
  });

  it('refuses unknown characters unless told to skip them, and reads a stream without a boundary first', () => {
    expect(() => readText('Émma!', NAMES_VOCAB, true)).toThrow('the model does not know the characters "É", "!"');
    expect(() => readText('emma!', NAMES_VOCAB, true, 'error')).toThrow('the model does not know the character "!"');
    const { ids, read } = readText('ab\nc', NAMES_VOCAB, false);
    expect(ids).toEqual([1, 2, 0, 3]);
    expect(read.at).toEqual([0, 1, 2, 3]);
    expect(read.skipped).toEqual([]);
  });
});

describe('running text', () => {
  const lines = { sequences: [Int32Array.of(1, 2), Int32Array.of(3)], wrapped: true };
  it("joins a line data set's examples with their boundary token, and cuts windows one after another with a target at every position", () => {
    expect(Array.from(runningText(lines, 99))).toEqual([0, 1, 2, 0, 3, 0]);
    expect(Array.from(runningText(lines, 4))).toEqual([0, 1, 2, 0]);
    const { x, y } = runningWindows(lines, 2, 2);
    expect(Array.from(x)).toEqual([0, 1, 2, 0]);
    expect(Array.from(y)).toEqual([1, 2, 0, 3]);
    const stream = { sequences: [Int32Array.of(5, 6, 7, 8)], wrapped: false };
    expect(Array.from(runningWindows(stream, 1, 3).y)).toEqual([6, 7, 8]);
  });

  it('says how many windows a split holds when asked for more', () => {
    expect(() => runningWindows(lines, 3, 2)).toThrow("the split's running text is 6 tokens long: 2 windows of 2 tokens at most, not 3");
    expect(() => runningWindows(lines, 1, 0)).toThrow('length must be a whole number >= 1, not 0');
  });
});

describe('inspect inputs in the worker', () => {
  let target: InspectedModel;
  beforeAll(async () => {
    await useBackend('cpu');
    target = await checkpointTarget('names-rnn');
  });
  afterAll(() => target.model.dispose());

  it('a snapshot of a text with unknown characters skipped carries how it was read, and equals the text without them', async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-rnn' } });
    const probes: Record<string, Probe> = { state: { key: 'rnn.state', as: 'raw', index: [0] } };
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { text: 'Émma!', unknown: 'skip' }, probes });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 2, input: { text: 'mma' }, probes });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 3, input: { text: 'Émma!' }, probes });
    const [skipped, plain] = messages.filter((m): m is Extract<WorkerResponse, { type: 'snapshot' }> => m.type === 'snapshot');
    expect(skipped!.text).toEqual({ chars: ['É', 'm', 'm', 'a', '!'], tokens: ['\n', 'm', 'm', 'a'], at: [-1, 1, 2, 3], skipped: [0, 4], boundary: '\n' });
    expect(skipped!.arrays.state!.shape).toEqual([4, 400]); // names-rnn: 400 units
    expect(Array.from(skipped!.arrays.state!.data)).toEqual(Array.from(plain!.arrays.state!.data));
    expect(plain!.text!.skipped).toEqual([]);
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ jobId: 1, message: 'the model does not know the characters "É", "!"' });
  });

  it('windows of the running dev text follow one another, a target at every position', async () => {
    const batch = inputBatch(target, { split: 'dev', count: 3, length: 40 }); // (3, 40) each
    expect(batch.x.shape).toEqual([3, 40]);
    expect(batch.text).toBeUndefined();
    const x = Array.from(batch.x.dataSync());
    const y = Array.from(batch.y.dataSync());
    const dev = target.dataset!.splits.dev.sequences;
    expect(x.slice(0, dev[0]!.length + 2)).toEqual([0, ...dev[0]!, 0]); // ⏎ the first name ⏎
    expect(y.slice(0, -1)).toEqual(x.slice(1));
    expect(y.every((id) => id >= 0)).toBe(true);
    tf.dispose([batch.x, batch.y]);
  });

  it('passes the targets for the state gradient: its norms per position averaged over windows, and a clear error for a typed text', async () => {
    const batch = inputBatch(target, { split: 'dev', count: 4, length: 12 }); // (4, 12) each
    const before = tf.memory().numTensors;
    const { arrays } = await snapshot(target, batch, { flow: { key: 'rnn.state_grad', as: 'norm', average: true } }, new Map());
    expect(tf.memory().numTensors).toBe(before);
    const { logits, loss, intermediates } = target.model.forward(batch.x, batch.y, { record: ['rnn.state_grad'] });
    const norms = tf.tidy(() => tf.norm(intermediates!['rnn.state_grad']!, 'euclidean', -1).mean(0)); // (12)
    expect(arrays.flow!.shape).toEqual([12]);
    Array.from(norms.dataSync()).forEach((n, t) => expect(arrays.flow!.data[t]).toBeCloseTo(n, 6));
    expect(arrays.flow!.data[11]).toBeGreaterThan(arrays.flow!.data[0]!); // the last state is nearest the loss
    const typed = inputBatch(target, { text: 'emma' }); // (1, 5) each
    await expect(snapshot(target, typed, { flow: { key: 'rnn.state_grad', as: 'norm' } }, new Map())).rejects.toThrow(/needs a target there: a typed text has none/);
    tf.dispose([logits, loss!, norms, ...Object.values(intermediates!), batch.x, batch.y, typed.x, typed.y]);
  });
});
