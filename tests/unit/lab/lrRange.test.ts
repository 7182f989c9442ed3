import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { createModel, type ModelSpec } from '../../../lab/models/registry';
import { sequenceBatches } from '../../../lab/train/batches';
import { rangeRate, startPlanRangeTest, startRangeTest, suggestRate, validateRange } from '../../../lab/train/lrRange';
import { AdamW } from '../../../lab/train/optim';
import { sequenceLength, type TrainingPlan } from '../../../lab/train/run';
import { LabHost } from '../../../lab/worker/host';
import type { RangePoint, WorkerResponse } from '../../../lab/worker/protocol';
import { readData, useBackend, WASM_DIR } from './helpers';

let names: Dataset;

beforeAll(async () => {
  await useBackend('cpu');
  names = await loadDataset('names', readData);
});

const SPEC: ModelSpec = { kind: 'mlp', config: { blockSize: 3, embedDim: 4, hiddenDim: 16, norm: 'none', seed: 4 } };
const PLAN: TrainingPlan = { model: SPEC, steps: 1, batchSize: 8, learningRate: 1, weightDecay: 0.01, beta2: 0.99, evalEvery: 0, seed: 6 };

describe('the learning-rate range test', () => {
  it('grows the rate geometrically from the minimum to the maximum, and records each batch loss before its update', async () => {
    const sweep = { minLearningRate: 1e-4, maxLearningRate: 1e-2, steps: 25 };
    const length = sequenceLength(names, SPEC);
    const model = createModel(SPEC, names.tokenizer.vocabSize);
    const batches = sequenceBatches(names.splits.train, length, 8, 6);
    const result = await startRangeTest(model, batches, { ...sweep, adamw: { beta2: 0.99, weightDecay: 0.01 } }).done;
    model.dispose();
    const { points } = result;
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(points[0]!.learningRate).toBeCloseTo(1e-4, 12);
    expect(points[24]!.learningRate).toBeCloseTo(1e-2, 10);
    const ratio = 100 ** (1 / 24);
    for (let i = 1; i < 25; i++) expect(points[i]!.learningRate / points[i - 1]!.learningRate).toBeCloseTo(ratio, 10);
    expect(result).toMatchObject({ stoppedEarly: false, stopped: false });
    // The same sweep again, by hand: the loss on each batch before the update at that rate.
    const twin = createModel(SPEC, names.tokenizer.vocabSize);
    const twinBatches = sequenceBatches(names.splits.train, length, 8, 6);
    const optimizer = new AdamW({ learningRate: 1, beta2: 0.99, weightDecay: 0.01 });
    for (const point of points) {
      const { x, y } = twinBatches.next();
      const before = tf.tidy(() => twin.forward(x, y).loss!.dataSync()[0]!);
      expect(point.loss).toBeCloseTo(before, 5);
      optimizer.setLearningRate(rangeRate(point.step, sweep));
      tf.tidy(() => optimizer.applyGradients(tf.variableGrads(() => twin.forward(x, y, { training: true }).loss!, twin.trainableVariables()).grads));
      tf.dispose([x, y]);
    }
    twin.dispose();
    optimizer.dispose();
  });

  it('stops early once the smoothed loss passes 4 times its lowest, and frees what it made', async () => {
    const before = tf.memory().numTensors;
    const result = await startPlanRangeTest(names, PLAN, { minLearningRate: 1e-3, maxLearningRate: 1e4, steps: 200 }).done;
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stoppedEarly).toBe(true);
    expect(result.points.length).toBeLessThan(200);
    const last = result.points.at(-1)!;
    const lowest = Math.min(...result.points.map((p) => p.smoothed));
    expect(last.smoothed).toBeGreaterThan(4 * lowest);
    expect(result.points.slice(0, -1).every((p) => p.smoothed <= 4 * Math.min(...result.points.slice(0, p.step).map((q) => q.smoothed)))).toBe(true);
    expect(result.suggestion!.learningRate).toBeLessThan(last.learningRate);
  });

  it('rejects a sweep that does not go up, or is too short', () => {
    expect(() => validateRange({ minLearningRate: 0, maxLearningRate: 1, steps: 10 })).toThrow('the lowest learning rate must be a positive number, not 0');
    expect(() => validateRange({ minLearningRate: 1, maxLearningRate: 1, steps: 10 })).toThrow('the highest learning rate must be a number above the lowest (1), not 1');
    expect(() => validateRange({ minLearningRate: 1e-5, maxLearningRate: 1, steps: 1 })).toThrow('a range test needs a whole number of steps >= 2, not 1');
  });
});

/** A curve over rates 1e-5 .. 1 (101 points), its smoothed loss given as a function of log10(rate). */
function curve(f: (log10: number) => number): RangePoint[] {
  return Array.from({ length: 101 }, (_, i) => {
    const learningRate = 1e-5 * 10 ** (i / 20);
    return { step: i + 1, learningRate, loss: f(Math.log10(learningRate)), smoothed: f(Math.log10(learningRate)) };
  });
}

describe('the suggested rate', () => {
  it('is where the smoothed loss falls fastest before its minimum', () => {
    // A fall centred on 1e-3 (steepest there), a gentler one near 1e-4.5, the minimum at 1e-1, then a blow-up.
    const points = curve((l) => 3 - 1.5 / (1 + Math.exp(-4 * (l + 3))) - 0.2 / (1 + Math.exp(-(l + 4.5))) + (l > -1 ? 10 * (l + 1) ** 2 : 0));
    const suggestion = suggestRate(points)!;
    expect(suggestion.rule).toBe('steepest');
    expect(Math.log10(suggestion.learningRate)).toBeGreaterThanOrEqual(-3.05 - 1e-9);
    expect(Math.log10(suggestion.learningRate)).toBeLessThanOrEqual(-3 + 1e-9);
    expect(Math.log10(suggestion.minimum.learningRate)).toBeCloseTo(-1, 6);
  });

  it('falls back to a tenth of the rate at the minimum when the loss never falls', () => {
    const suggestion = suggestRate(curve((l) => 3 + (l + 5)))!;
    expect(suggestion).toMatchObject({ rule: 'minimum', minimum: { smoothed: 3 } });
    expect(suggestion.minimum.learningRate).toBeCloseTo(1e-5, 15);
    expect(suggestion.learningRate).toBeCloseTo(1e-6, 15);
    expect(suggestRate([])).toBeUndefined();
  });
});

describe('the lr-range job in the worker', () => {
  async function makeHost() {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    return { host, messages };
  }
  const ranges = (messages: WorkerResponse[]) => messages.filter((m): m is Extract<WorkerResponse, { type: 'range' }> => m.type === 'range');

  it('posts the points in batches, then a last message with the suggestion, then `done`', async () => {
    const { host, messages } = await makeHost();
    await host.receive({ type: 'start', jobId: 1, job: { kind: 'lr-range', dataset: 'names', plan: PLAN, minLearningRate: 1e-4, maxLearningRate: 1e-1, steps: 60 } });
    const posted = ranges(messages);
    const points = posted.flatMap((m) => m.points);
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(posted.length).toBeLessThan(60);
    expect(posted.slice(0, -1).every((m) => !m.done && m.points.length > 0)).toBe(true);
    expect(posted.at(-1)).toMatchObject({ jobId: 1, done: true, suggestion: suggestRate(points) });
    expect(posted.at(-1)!.stoppedEarly).toBeUndefined();
    expect(messages.filter((m) => m.type === 'state').map((m) => (m as { state: string }).state)).toEqual(['loading', 'running', 'done']);
    expect(messages.some((m) => m.type === 'model')).toBe(false); // no model is kept
  });

  it('stops on `stop`, with what it measured so far', async () => {
    const { host, messages } = await makeHost();
    const done = host.receive({ type: 'start', jobId: 1, job: { kind: 'lr-range', dataset: 'names', plan: PLAN, minLearningRate: 1e-6, maxLearningRate: 1e-5, steps: 100_000 } });
    while (ranges(messages).flatMap((m) => m.points).length < 5) await new Promise((r) => setTimeout(r, 5));
    await host.receive({ type: 'stop', jobId: 1 });
    await done;
    const last = ranges(messages).at(-1)!;
    expect(last.done).toBe(true);
    expect(last.suggestion).toBeDefined();
    expect(messages.at(-1)).toMatchObject({ type: 'state', jobId: 1, state: 'stopped' });
  });

  it('answers a bad sweep with an error', async () => {
    const { host, messages } = await makeHost();
    await host.receive({ type: 'start', jobId: 1, job: { kind: 'lr-range', dataset: 'names', plan: PLAN, minLearningRate: 1, maxLearningRate: 0.1, steps: 10 } });
    expect(messages.at(-1)).toMatchObject({ type: 'error', jobId: 1, message: 'the highest learning rate must be a number above the lowest (1), not 0.1' });
  });
});
