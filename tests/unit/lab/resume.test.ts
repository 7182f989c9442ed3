import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextWindows } from '../../../lab/data/contexts';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { NeuralBigram } from '../../../lab/models/bigram';
import type { LanguageModel } from '../../../lab/models/model';
import type { ModelSpec } from '../../../lab/models/registry';
import { windowBatches } from '../../../lab/train/batches';
import { adam, AdamW } from '../../../lab/train/optim';
import { captureResumePoint, type ResumePoint, restoreResumePoint, resumeTransferables } from '../../../lab/train/resume';
import { startTraining, type TrainingPlan } from '../../../lab/train/run';
import { Trainer } from '../../../lab/train/trainer';
import { readData, useBackend } from './helpers';

let names: Dataset;

beforeAll(async () => {
  await useBackend('wasm');
  names = await loadDataset('names', readData);
});

/** Steps of every run, and the step at which the interrupted one is captured. */
const STEPS = 12;
const CAPTURE_AT = 5;

const plan = (model: ModelSpec): TrainingPlan => ({
  model,
  steps: STEPS,
  batchSize: 16,
  learningRate: 1e-2,
  minLearningRate: 1e-3,
  warmupSteps: 3, // the schedule, clipping and decay all see the resumed steps
  weightDecay: 0.01,
  beta2: 0.99,
  clipNorm: 1,
  evalEvery: 4,
  seed: 3,
});

/** A resume point as another worker receives it: cloned with its buffers transferred. */
function sendToAnotherWorker(point: ResumePoint): ResumePoint {
  const transfer = resumeTransferables(point);
  const received = structuredClone(point, { transfer });
  expect(point.weights[0]!.values.length).toBe(0); // transferred, hence detached here
  return received;
}

/** Every weight of a model, flat. */
const weightsOf = (model: LanguageModel) => model.trainableVariables().flatMap((v) => Array.from(v.dataSync()));

/** Losses agree to 1e-5 (the resumed run repeats the same operations on the same numbers). */
const expectClose = (actual: number[], expected: number[]) => expect(actual).toEqual(expected.map((x) => expect.closeTo(x, 5)));

describe('resuming a plan through startTraining', () => {
  it.each([
    ['mlp', { kind: 'mlp', config: { blockSize: 3, embedDim: 8, hiddenDim: 16, norm: 'layer', seed: 1 } }],
    ['gpt', { kind: 'gpt', config: { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: false, tieWeights: false, seed: 1 } }],
  ] as const)('a tiny %s trained to step 5, captured and resumed on a fresh model, ends where the uninterrupted run ends', async (_, spec) => {
    const losses = (into: number[]) => ({ onStep: (_step: number, loss: number) => into.push(loss) });
    const whole: number[] = [];
    const full = startTraining(names, plan(spec), losses(whole));
    await full.done;

    const first: number[] = [];
    let point: ResumePoint | undefined;
    const interrupted = startTraining(names, plan(spec), losses(first), {
      between: async (step) => {
        if (step !== CAPTURE_AT) return;
        point = await captureResumePoint(interrupted.model, interrupted.optimizer, step);
        interrupted.trainer.stop(); // as if the worker died here
      },
    });
    expect(await interrupted.done).toMatchObject({ steps: CAPTURE_AT, stopped: true });
    interrupted.model.dispose();
    expect(point!.step).toBe(CAPTURE_AT);
    expect(point!.optimizer!.step).toBe(CAPTURE_AT);

    const rest: number[] = [];
    const evals: number[] = [];
    const resumed = startTraining(names, plan(spec), { ...losses(rest), onEval: (step) => evals.push(step) }, { resume: sendToAnotherWorker(point!) });
    const summary = await resumed.done;
    expect(summary.steps).toBe(STEPS);
    expect(evals).toEqual([8, 12]); // no evaluation at the start of a resumed run
    expectClose([...first, ...rest], whole);
    expectClose(weightsOf(resumed.model), weightsOf(full.model));
    full.model.dispose();
    resumed.model.dispose();
  });

  it('refuses a point of another model, naming the first mismatch, and frees what it built', async () => {
    const small = startTraining(names, { ...plan({ kind: 'mlp', config: { blockSize: 3, embedDim: 8, hiddenDim: 16, norm: 'none', seed: 1 } }), steps: 0 });
    await small.done;
    const point = await captureResumePoint(small.model, new AdamW({ learningRate: 0.1 }), 0);
    small.model.dispose();
    const before = tf.memory().numTensors;
    const wider = plan({ kind: 'mlp', config: { blockSize: 3, embedDim: 8, hiddenDim: 32, norm: 'none', seed: 1 } });
    expect(() => startTraining(names, wider, {}, { resume: point })).toThrow(/weight 1 has shape \[24, 32\] in the model, \[24, 16\] in the point/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('resuming the bigram loop through the Trainer', () => {
  /** Chapter 1's loop: a neural bigram, random windows of 512, Adam as tfjs's. */
  function bigramRun(seed: number) {
    const model = new NeuralBigram({ vocabSize: names.tokenizer.vocabSize, seed });
    const batches = windowBatches(contextWindows(names.splits.train, 1), 512, 7);
    const optimizer = adam(0.1);
    const dispose = () => [model, optimizer, batches].forEach((o) => o.dispose());
    return { model, batches, optimizer, dispose };
  }

  it('trained to step 5, captured and resumed into a fresh model and optimizer, it ends where the whole run ends', async () => {
    const whole: number[] = [];
    const full = bigramRun(1);
    await new Trainer({ ...full, steps: STEPS, evalEvery: 0, callbacks: { onStep: (_, loss) => whole.push(loss) } }).run();

    const first: number[] = [];
    const interrupted = bigramRun(1);
    let point: ResumePoint | undefined;
    const trainer: Trainer = new Trainer({
      ...interrupted,
      steps: STEPS,
      evalEvery: 0,
      callbacks: { onStep: (_, loss) => first.push(loss) },
      between: async (step) => {
        if (step !== CAPTURE_AT) return;
        point = await captureResumePoint(interrupted.model, interrupted.optimizer, step);
        trainer.stop();
      },
    });
    await trainer.run();
    interrupted.dispose();

    const rest: number[] = [];
    const fresh = bigramRun(99); // other initial weights: the point must overwrite them all
    const received = sendToAnotherWorker(point!);
    restoreResumePoint(fresh.model, fresh.optimizer, received);
    fresh.batches.skip(received.step);
    const summary = await new Trainer({ ...fresh, steps: STEPS, startStep: received.step, evalEvery: 0, callbacks: { onStep: (_, loss) => rest.push(loss) } }).run();
    expect(summary.steps).toBe(STEPS);
    expectClose([...first, ...rest], whole);
    expectClose(weightsOf(fresh.model), weightsOf(full.model));
    full.dispose();
    fresh.dispose();
  });

  it('carries no optimizer state for SGD, refuses what it cannot carry, and leaks nothing', async () => {
    const run = bigramRun(1);
    const sgd = tf.train.sgd(1);
    const sgdPoint = await captureResumePoint(run.model, sgd, 3);
    expect(sgdPoint.optimizer).toBeUndefined();
    expect(resumeTransferables(sgdPoint)).toHaveLength(1);
    const tfjsAdam = tf.train.adam(0.1);
    await expect(captureResumePoint(run.model, tfjsAdam, 3)).rejects.toThrow(/Adam optimizer cannot be resumed/);
    tfjsAdam.dispose();
    expect(() => restoreResumePoint(run.model, run.optimizer, sgdPoint)).toThrow(/no optimizer state/);
    const adamPoint = await captureResumePoint(run.model, run.optimizer, 0);
    expect(() => restoreResumePoint(run.model, sgd, adamPoint)).toThrow(/SGD optimizer cannot take/);
    const before = tf.memory().numTensors;
    await new Trainer({ ...run, steps: 2, evalEvery: 0 }).run(); // makes the moments
    const point = await captureResumePoint(run.model, run.optimizer, 2);
    const after = tf.memory().numTensors;
    restoreResumePoint(run.model, run.optimizer, point);
    restoreResumePoint(run.model, run.optimizer, point);
    expect(tf.memory().numTensors).toBe(after);
    expect(after).toBe(before + 2); // the bigram's one weight matrix has two moments
    run.dispose();
    sgd.dispose();
  });
});
