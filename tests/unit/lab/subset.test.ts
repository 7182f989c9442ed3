import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { createModel } from '../../../lab/models/registry';
import { sequenceBatches, sequencePass } from '../../../lab/train/batches';
import { evaluateLoss } from '../../../lab/train/evaluate';
import { sequenceLength, startTraining, type TrainingPlan, trainingSplit } from '../../../lab/train/run';
import { readData, useBackend } from './helpers';

let names: Dataset;
let shakespeare: Dataset;

beforeAll(async () => {
  await useBackend('wasm');
  names = await loadDataset('names', readData);
  shakespeare = await loadDataset('tinyshakespeare', readData);
});

/** A lecture-sized MLP trained on 20 names only. */
const PLAN: TrainingPlan = { model: { kind: 'mlp', config: { blockSize: 3, embedDim: 10, hiddenDim: 100, norm: 'none', seed: 5 } }, steps: 300, batchSize: 16, learningRate: 1e-2, weightDecay: 0, beta2: 0.99, evalEvery: 300, seed: 9, trainSubset: 20 };

describe('training on a subset of the training split', () => {
  it('keeps the first N examples of a line data set, the first N windows of running text', () => {
    const lines = trainingSplit(names, { trainSubset: 20 }, 16);
    expect(lines.sequences).toHaveLength(20);
    expect(lines.sequences[19]).toBe(names.splits.train.sequences[19]);
    expect(trainingSplit(names, {}, 16)).toBe(names.splits.train);
    const text = trainingSplit(shakespeare, { trainSubset: 100 }, 65);
    expect(text.sequences[0]!.length).toBe(165);
    const batches = sequencePass(text, 64, 1000);
    expect(batches.batches).toBe(1);
    expect(() => trainingSplit(names, { trainSubset: 0 }, 16)).toThrow('trainSubset must be a whole number >= 1, not 0');
  });

  it('draws its batches from the subset and measures the train loss on it, where it overfits', async () => {
    const length = sequenceLength(names, PLAN.model);
    const subset = trainingSplit(names, PLAN, length);
    // The same model and first batch as the run's, built here: the run's first loss must be this one.
    const twin = createModel(PLAN.model, names.tokenizer.vocabSize);
    const first = sequenceBatches(subset, length, PLAN.batchSize, PLAN.seed).next();
    const expectedFirst = tf.tidy(() => twin.forward(first.x, first.y).loss!.dataSync()[0]!);
    const expectedTrain0 = await evaluateLoss(twin, sequencePass(subset, length, 64).source, 1);
    tf.dispose([first.x, first.y]);
    twin.dispose();
    const losses: number[] = [];
    const evals: Record<string, number>[] = [];
    const run = startTraining(names, PLAN, { onStep: (_, loss) => losses.push(loss), onEval: (_, e) => evals.push(e) });
    await run.done;
    run.model.dispose();
    expect(losses[0]).toBeCloseTo(expectedFirst, 5);
    expect(evals[0]!.train).toBeCloseTo(expectedTrain0, 5);
    // 20 names learnt by heart: the train loss falls far below the dev loss.
    expect(evals[1]!.train!).toBeLessThan(evals[1]!.dev! - 0.5);
  });
});
