import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import type { ModelSpec } from '../../../lab/models/registry';
import { startTraining, type TrainingPlan } from '../../../lab/train/run';
import { readData, useBackend } from './helpers';

let names: Dataset;

beforeAll(async () => {
  await useBackend('wasm');
  names = await loadDataset('names', readData);
});

/** Every model of the ladder, tiny. */
const TINY: ModelSpec[] = [
  { kind: 'bigram', config: { seed: 1, initScale: 1 } },
  { kind: 'mlp', config: { blockSize: 3, embedDim: 8, hiddenDim: 16, norm: 'layer', seed: 1 } },
  { kind: 'rnn', config: { blockSize: 16, embedDim: 8, hiddenDim: 16, seed: 1 } },
  { kind: 'lstm', config: { blockSize: 16, embedDim: 8, hiddenDim: 16, seed: 1 } },
  { kind: 'gru', config: { blockSize: 16, embedDim: 8, hiddenDim: 16, seed: 1 } },
  { kind: 'gpt', config: { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: false, tieWeights: false, seed: 1 } },
];

const plan = (model: ModelSpec, steps: number): TrainingPlan => ({
  model,
  steps,
  batchSize: 16,
  // The bigram's N(0, 1) start is far from its optimum: it needs makemore's larger step.
  learningRate: model.kind === 'bigram' ? 0.1 : 1e-2,
  minLearningRate: 1e-3,
  warmupSteps: 5,
  weightDecay: 0.01,
  beta2: 0.99,
  clipNorm: 1,
  evalEvery: steps,
  seed: 3,
});

describe('startTraining, for every model of the ladder', () => {
  it.each(TINY.map((spec) => [spec.kind, spec] as const))('trains a tiny %s on names: dev loss falls, same seed same losses', async (_, spec) => {
    const losses = async () => {
      const seen: number[] = [];
      const evals: Record<string, number>[] = [];
      const run = startTraining(names, plan(spec, 30), { onStep: (_, loss) => seen.push(loss), onEval: (_, e) => evals.push(e) });
      await run.done;
      run.model.dispose();
      return { seen, evals };
    };
    const first = await losses();
    expect(first.evals).toHaveLength(2);
    expect(first.evals[1]!.dev!).toBeLessThan(first.evals[0]!.dev! - 0.2);
    expect((await losses()).seen).toEqual(first.seen);
  });

  it('leaves tf.memory().numTensors flat over 1,000 GPT training steps', async () => {
    const counts: number[] = [];
    const run = startTraining(names, { ...plan(TINY[5]!, 1000), batchSize: 4, evalEvery: 0 }, { onStep: (step) => step % 100 === 0 && counts.push(tf.memory().numTensors) });
    await run.done;
    run.model.dispose();
    expect(counts).toHaveLength(10);
    expect(new Set(counts).size).toBe(1);
  });
});
