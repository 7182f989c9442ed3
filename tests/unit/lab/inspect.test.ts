import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { histogram } from '../../../lab/analysis/histogram';
import { scaleOf } from '../../../lab/analysis/scale';
import { loadDataset } from '../../../lab/data/datasets';
import { createModel, type ModelSpec } from '../../../lab/models/registry';
import { type CheckpointConfig, decodeCheckpoint, encodeCheckpoint, restoreWeights } from '../../../lab/train/checkpoint';
import { sequencePass } from '../../../lab/train/batches';
import type { TrainingPlan } from '../../../lab/train/run';
import { LabHost } from '../../../lab/worker/host';
import type { Probe, WorkerResponse } from '../../../lab/worker/protocol';
import { readData, WASM_DIR } from './helpers';

/** The repository's `public/` folder, which the site serves checkpoints from. */
const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));
const readPublic = async (path: string) => new Uint8Array(await readFile(`${PUBLIC_DIR}${path}`));

/** A host whose messages, and their transfer lists, are collected as a widget would receive them. */
async function makeHost(backend: 'cpu' | 'wasm' = 'cpu') {
  const messages: WorkerResponse[] = [];
  const transfers: ArrayBuffer[][] = [];
  const tensorsAtSnapshot: number[] = [];
  const host = new LabHost({
    post: (m, transfer) => {
      messages.push(m);
      transfers.push(transfer ?? []);
      if (m.type === 'snapshot') tensorsAtSnapshot.push(tf.memory().numTensors);
    },
    reader: () => readData,
    bytes: () => readPublic,
    wasmDirectory: () => WASM_DIR,
  });
  await host.handle({ type: 'init', baseUrl: '/', backend });
  const of = <T extends WorkerResponse['type']>(type: T) => messages.filter((m): m is Extract<WorkerResponse, { type: T }> => m.type === type);
  return { host, messages, transfers, tensorsAtSnapshot, of };
}

/** The model of a checkpoint file, rebuilt here without the host. */
async function modelOf(name: string) {
  const checkpoint = decodeCheckpoint(await readPublic(`checkpoints/${name}.ckpt`));
  const { plan } = checkpoint.config as CheckpointConfig;
  const model = createModel(plan.model, checkpoint.vocab.length);
  restoreWeights(model, checkpoint);
  return { model, checkpoint, plan };
}

/** A small MLP on names, as a short plan (small, so that the test trains it twice in seconds). */
const SMALL_MLP: TrainingPlan = {
  model: { kind: 'mlp', config: { blockSize: 3, embedDim: 4, hiddenDim: 32, norm: 'none', seed: 42 } },
  steps: 200,
  batchSize: 32,
  learningRate: 1e-2,
  weightDecay: 0.01,
  beta2: 0.99,
  evalEvery: 200,
  seed: 7,
};

describe('inspecting a model in the worker', () => {
  it('loads a shipped checkpoint and snapshots what the model itself records', async () => {
    const { host, of, transfers, messages } = await makeHost();
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-mlp' } });
    const info = of('model')[0]!.info;
    const { model, checkpoint, plan } = await modelOf('names-mlp');
    expect(info).toMatchObject({ kind: 'mlp', config: plan.model.config, vocab: checkpoint.vocab, step: checkpoint.step, origin: 'names-mlp' });
    expect(info.params).toBe(model.trainableVariables().reduce((n, v) => n + v.size, 0));
    expect(info.counts).toHaveLength(27);
    expect(info.counts![0]).toBeGreaterThan(20_000); // one boundary per name of the training split
    const probes: Record<string, Probe> = {
      table: { key: 'embedding', as: 'raw' },
      map: { key: 'embedding', as: 'projection', rows: Array.from({ length: 27 }, (_, i) => i) },
      near: { key: 'embedding', as: 'neighbours', of: [1], k: 3 },
      first: { key: 'mlp.hidden', as: 'raw', index: [1, 2] },
      spread: { key: 'mlp.preact', as: 'histogram', bins: 10, range: [-3, 3] },
      flat: { key: 'mlp.hidden', as: 'saturation', threshold: 0.99, rows: 5 },
    };
    await host.receive({ type: 'inspect', jobId: 1, requestId: 9, input: { split: 'dev', count: 4 }, probes });
    const snap = of('snapshot')[0]!;
    expect(snap).toMatchObject({ jobId: 1, requestId: 9, step: checkpoint.step });
    const { x, y } = await devBatch(); // (B, T) each
    y.dispose(); // only the inputs are read
    const rec = model.forward(x, undefined, { record: true }).intermediates!;
    expect(Array.from(snap.arrays.table!.data)).toEqual(Array.from(rec.embedding!.dataSync()));
    expect(snap.arrays.table!.shape).toEqual([28, 32]);
    const hidden = rec['mlp.hidden']!.arraySync() as number[][][];
    expect(Array.from(snap.arrays.first!.data)).toEqual(Array.from(Float32Array.from(hidden[1]![2]!)));
    expect(Array.from(snap.arrays.spread!.data)).toEqual(Array.from(histogram(rec['mlp.preact']!.dataSync(), 10, [-3, 3]).counts));
    expect(snap.arrays.map!.shape).toEqual([27, 2]);
    expect(snap.arrays.map!.info).toMatchObject({ method: 'pca' });
    expect(snap.arrays.near!.shape).toEqual([1, 3]);
    expect(snap.arrays['near.similarity']!.shape).toEqual([1, 3]);
    expect(snap.arrays.flat!.shape).toEqual([5, 640]);
    const mask = snap.arrays.flat!.data;
    hidden.flat().slice(0, 5).flat().forEach((h, i) => expect(mask[i]).toBe(Math.abs(h) >= 0.99 ? 1 : 0));
    // Every array's buffer is in the transfer list.
    const transfer = transfers[messages.indexOf(snap)]!;
    for (const array of Object.values(snap.arrays)) expect(transfer).toContain(array.data.buffer);
    tf.dispose([x, ...Object.values(rec)]);
    model.dispose();
  });

  it('reads a typed text after the boundary, and names what it cannot read', async () => {
    const { host, of } = await makeHost();
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-gpt' } });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { text: 'emma' }, probes: { w: { key: 'block3.attn.weights', as: 'raw', index: [0, 1] } } });
    expect(of('snapshot')[0]!.arrays.w!.shape).toEqual([5, 5]); // ⏎ e m m a
    await host.receive({ type: 'inspect', jobId: 1, requestId: 2, input: { text: 'Émma!' }, probes: { w: { key: 'logits', as: 'raw' } } });
    expect(of('error')[0]!.message).toBe('the model does not know the characters "É", "!"');
    await host.receive({ type: 'inspect', jobId: 1, requestId: 3, input: { text: 'emma' }, probes: { w: { key: 'mlp.hidden', as: 'raw' } } });
    expect(of('error')[1]).toMatchObject({ jobId: 1, message: expect.stringMatching(/^the gpt model has no key 'mlp.hidden'; valid keys: embedding, embedded, .*block3\.attn\.weights.*logits$/) });
  });

  it('gives a clear error for corrupt bytes and for a checkpoint whose weights are another model\'s', async () => {
    const { host, of } = await makeHost();
    await host.receive({ type: 'load', jobId: 1, source: { bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) } });
    expect(of('error')[0]).toMatchObject({ jobId: 1, message: expect.stringMatching(/^the file is not a checkpoint of this course/) });
    const gru = decodeCheckpoint(await readPublic('checkpoints/names-gru.ckpt'));
    const { plan } = gru.config as CheckpointConfig;
    const asMlp = { ...gru, config: { dataset: 'names', plan: { ...plan, model: { kind: 'mlp', config: { blockSize: 3, embedDim: 10, hiddenDim: 200, norm: 'none', seed: 1 } } } } };
    await host.receive({ type: 'load', jobId: 2, source: { bytes: encodeCheckpoint(asMlp) } });
    expect(of('error')[1]!.message).toBe('the file is inconsistent: its weights are a gru model\'s, its plan builds a mlp');
    const wider = { ...gru, config: { dataset: 'names', plan: { ...plan, model: { ...plan.model, config: { ...plan.model.config, hiddenDim: 64 } } as ModelSpec } } };
    await host.receive({ type: 'load', jobId: 3, source: { bytes: encodeCheckpoint(wider) } });
    expect(of('error')[2]!.message).toMatch(/^the file's weights do not fit the gru model it describes \(tensor 1: the checkpoint's shape \[230\] is not the model's \[64\]\)$/);
    await host.receive({ type: 'load', jobId: 4, source: { checkpoint: '../secrets' } });
    expect(of('error')[3]!.message).toMatch(/no checkpoint called/);
    expect(of('model')).toHaveLength(0);
  });

  it('saves the current weights as a checkpoint that loads back to the same logits', async () => {
    const { host, of } = await makeHost();
    const probes = { logits: { key: 'logits', as: 'raw' } } as const;
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-lstm' } });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { split: 'dev', count: 8 }, probes });
    await host.receive({ type: 'save', jobId: 1, requestId: 2 });
    const saved = of('saved')[0]!;
    expect(saved.fileName).toBe('names-lstm-step8000.ckpt');
    await host.receive({ type: 'load', jobId: 2, source: { bytes: saved.bytes } });
    expect(of('model')[1]!.info).toMatchObject({ kind: 'lstm', origin: 'file', step: 8000 });
    await host.receive({ type: 'inspect', jobId: 2, requestId: 3, input: { split: 'dev', count: 8 }, probes });
    const [before, after] = of('snapshot');
    expect(Array.from(after!.arrays.logits!.data)).toEqual(Array.from(before!.arrays.logits!.data));
  });

  it('watching every N steps gives 200 / N snapshots between steps, leaves no tensors behind and does not change the losses', async () => {
    const { host, of, tensorsAtSnapshot } = await makeHost('wasm');
    const probes: Record<string, Probe> = {
      map: { key: 'embedding', as: 'projection' },
      spread: { key: 'mlp.hidden', as: 'histogram', bins: 20, range: [-1, 1] },
    };
    const job = { kind: 'plan', dataset: 'names', plan: SMALL_MLP } as const;
    void host.receive({ type: 'watch', jobId: 1, requestId: 5, every: 20, input: { split: 'dev', count: 32 }, probes }); // before its start
    await host.receive({ type: 'start', jobId: 1, job });
    await host.receive({ type: 'start', jobId: 2, job });
    const model = of('model')[0]!;
    expect(model.info).toMatchObject({ kind: 'mlp', origin: 'training', step: 0 });
    const snaps = of('snapshot');
    expect(snaps.map((s) => s.step)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(snaps.every((s) => s.jobId === 1 && s.requestId === 5)).toBe(true);
    expect(new Set(tensorsAtSnapshot).size).toBe(1);
    const losses = (jobId: number) => of('progress').filter((p) => p.jobId === jobId).flatMap((p) => p.points).map((p) => `${p.series}@${p.step}=${p.loss}`);
    expect(losses(1)).toHaveLength(204); // 200 batches, train and dev at steps 0 and 200
    expect(losses(1)).toEqual(losses(2));
    // The projection keeps its orientation: consecutive snapshots move points little.
    const [a, b] = [snaps[8]!.arrays.map!.data, snaps[9]!.arrays.map!.data];
    let moved = 0;
    let spread = 0;
    for (let i = 0; i < a.length; i++) {
      moved += (a[i]! - b[i]!) ** 2;
      spread += a[i]! ** 2;
    }
    expect(moved).toBeLessThan(0.05 * spread);
    await host.receive({ type: 'save', jobId: 2, requestId: 6 });
    expect(of('saved')[0]!.fileName).toBe('names-mlp-step200.ckpt');
  });
});

describe('parameter keys', () => {
  it('reads a weight, and the gradient of the mean loss on the input as tf.variableGrads gives it, the weights untouched', async () => {
    const { host, of } = await makeHost();
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-mlp-lecture' } });
    const probes: Record<string, Probe> = {
      grad: { key: 'grad.hidden.w', as: 'raw' },
      table: { key: 'grad.embedding', as: 'raw' },
      ratio: { key: 'grad.hidden.w', as: 'scale', relativeTo: 'weight.hidden.w' },
      out: { key: 'weight.out.w', as: 'raw' },
    };
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { split: 'dev', count: 4 }, probes });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 2, input: { split: 'dev', count: 4 }, probes });
    const [first, second] = of('snapshot');
    const { model } = await modelOf('names-mlp-lecture');
    const variables = new Map(model.namedVariables());
    const { x, y } = await devBatch();
    const [hidden, embedding] = [variables.get('hidden.w')!, variables.get('embedding')!];
    const { value, grads } = tf.variableGrads(() => model.forward(x, y).loss!, [hidden, embedding]);
    expect(first!.arrays.grad!.shape).toEqual([30, 200]);
    expect(Array.from(first!.arrays.grad!.data)).toEqual(Array.from(grads[hidden.name]!.dataSync()));
    expect(Array.from(first!.arrays.table!.data)).toEqual(Array.from(grads[embedding.name]!.dataSync()));
    expect(Array.from(first!.arrays.out!.data)).toEqual(Array.from(variables.get('out.w')!.dataSync()));
    const std = (t: tf.Tensor) => tf.tidy(() => tf.moments(t).variance.sqrt().dataSync()[0]!);
    expect(first!.arrays.ratio!.data[0]).toBeCloseTo(std(grads[hidden.name]!) / std(hidden), 5);
    // Nothing moved: the second snapshot is the first.
    expect(Array.from(second!.arrays.grad!.data)).toEqual(Array.from(first!.arrays.grad!.data));
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('names the valid parameters for an unknown one, and says where update keys can be asked for', async () => {
    const { host, of } = await makeHost();
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-mlp-lecture' } });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { text: 'emma' }, probes: { g: { key: 'grad.hidden2.w', as: 'raw' } } });
    expect(of('error')[0]!.message).toBe("the mlp model has no parameter 'hidden2.w' (in 'grad.hidden2.w'); valid parameters: embedding, hidden.w, hidden.b, out.w, out.b");
    await host.receive({ type: 'inspect', jobId: 1, requestId: 2, input: { text: 'emma' }, probes: { u: { key: 'update.hidden.w', as: 'scale', relativeTo: 'weight.hidden.w' } } });
    expect(of('error')[1]!.message).toBe("'update.hidden.w' is what the last optimizer step changed: only a watch on a training job can ask for it, not an inspect");
    expect(of('snapshot')).toHaveLength(0);
  });

  it('gives w_t − w_(t−1) as the update of a watched training job', async () => {
    const { host, of } = await makeHost('wasm');
    const every = (n: number, requestId: number, probes: Record<string, Probe>) => host.receive({ type: 'watch', jobId: 1, requestId, every: n, input: { split: 'dev', count: 4 }, probes });
    await every(1, 1, { w: { key: 'weight.hidden.w', as: 'raw' } });
    await every(5, 2, { u: { key: 'update.hidden.w', as: 'raw' }, ratio: { key: 'update.hidden.w', as: 'scale', relativeTo: 'weight.hidden.w' } });
    await host.receive({ type: 'start', jobId: 1, job: { kind: 'plan', dataset: 'names', plan: { ...SMALL_MLP, steps: 20, evalEvery: 0 } } });
    const weights = new Map(of('snapshot').filter((s) => s.requestId === 1).map((s) => [s.step, s.arrays.w!.data]));
    const updates = of('snapshot').filter((s) => s.requestId === 2);
    expect(weights.size).toBe(20);
    expect(updates.map((s) => s.step)).toEqual([5, 10, 15, 20]);
    for (const { step, arrays } of updates) {
      const [now, before] = [weights.get(step)!, weights.get(step - 1)!];
      const expected = Array.from(now, (w, i) => Math.fround(w - before[i]!));
      expect(Array.from(arrays.u!.data)).toEqual(expected);
      expect(expected.some((d) => d !== 0)).toBe(true);
      expect(arrays.ratio!.data[0]).toBeCloseTo(scaleOf(expected).std / scaleOf(now).std, 5);
    }
  });

  it('drops a watch of an unknown parameter with the list of valid ones, and keeps the others', async () => {
    const { host, of } = await makeHost('wasm');
    const watch = (requestId: number, every: number, key: string) => host.receive({ type: 'watch', jobId: 1, requestId, every, input: { text: 'emma' }, probes: { s: { key, as: 'scale' } } });
    await watch(1, 3, 'update.nope');
    await watch(2, 4, 'update.out.b');
    await host.receive({ type: 'start', jobId: 1, job: { kind: 'plan', dataset: 'names', plan: { ...SMALL_MLP, steps: 12, evalEvery: 0 } } });
    expect(of('error')).toEqual([expect.objectContaining({ jobId: 1, message: "the mlp model has no parameter 'nope' (in 'update.nope'); valid parameters: embedding, hidden.w, hidden.b, out.w, out.b" })]);
    expect(of('snapshot').map((s) => `${s.requestId}@${s.step}`)).toEqual(['2@4', '2@8', '2@12']);
  });

  it('watching parameter keys every N steps gives 200 / N snapshots, leaves no tensors behind and does not change the losses', async () => {
    const { host, of, tensorsAtSnapshot } = await makeHost('wasm');
    const probes: Record<string, Probe> = {
      update: { key: 'update.hidden.w', as: 'scale', relativeTo: 'weight.hidden.w' },
      grad: { key: 'grad.out.w', as: 'histogram', bins: 10, range: [-0.01, 0.01] },
      weight: { key: 'weight.embedding', as: 'scale' },
    };
    const job = { kind: 'plan', dataset: 'names', plan: SMALL_MLP } as const;
    void host.receive({ type: 'watch', jobId: 1, requestId: 5, every: 25, input: { split: 'dev', count: 32 }, probes });
    await host.receive({ type: 'start', jobId: 1, job });
    await host.receive({ type: 'start', jobId: 2, job });
    expect(of('snapshot').map((s) => s.step)).toEqual([25, 50, 75, 100, 125, 150, 175, 200]);
    expect(new Set(tensorsAtSnapshot).size).toBe(1);
    const losses = (jobId: number) => of('progress').filter((p) => p.jobId === jobId).flatMap((p) => p.points).map((p) => `${p.series}@${p.step}=${p.loss}`);
    expect(losses(1)).toHaveLength(204);
    expect(losses(1)).toEqual(losses(2));
  });
});

describe('inspecting a model while it trains', () => {
  it('answers inspect and save between two steps of the running job, and at once while it is paused', async () => {
    const { host, of } = await makeHost('wasm');
    const long = { kind: 'plan', dataset: 'names', plan: { ...SMALL_MLP, steps: 100_000, evalEvery: 0 } } as const;
    const probes: Record<string, Probe> = { logits: { key: 'logits', as: 'raw' } };
    const done = host.receive({ type: 'start', jobId: 1, job: long });
    const stepOf = () => Math.max(0, ...of('progress').map((p) => p.step));
    while (stepOf() < 3) await new Promise((r) => setTimeout(r, 5));
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { text: 'ava' }, probes });
    expect(of('snapshot')[0]!.step).toBeGreaterThanOrEqual(3);
    await host.receive({ type: 'pause' });
    while (of('state').at(-1)?.state !== 'running' || stepOf() === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50)); // the step in flight ends and the trainer rests
    await host.receive({ type: 'save', jobId: 1, requestId: 2 });
    const saved = of('saved')[0]!;
    await host.receive({ type: 'inspect', jobId: 1, requestId: 3, input: { text: 'ava' }, probes });
    const paused = of('snapshot')[1]!;
    expect(saved.fileName).toBe(`names-mlp-step${paused.step}.ckpt`);
    await host.receive({ type: 'stop', jobId: 1 });
    await done;
    expect(of('state').at(-1)).toMatchObject({ jobId: 1, state: 'stopped' });
  });
});

/** The first 4 dev names as the host batches them (sequencePass, length 16): (B, T) ids and targets. */
async function devBatch() {
  const dataset = await loadDataset('names', readData);
  return sequencePass(dataset.splits.dev, 16, 4).source.next();
}
