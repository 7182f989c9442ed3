import type { Dataset, Split, SplitName } from '../data/datasets';
import type { LanguageModel } from '../models/model';
import { blockSizeOf, createModel, type ModelSpec } from '../models/registry';
import { type BatchSource, sequenceBatches, sequencePass } from './batches';
import { evaluateLoss } from './evaluate';
import { AdamW, type Schedule, warmupCosine } from './optim';
import { type ResumePoint, restoreResumePoint } from './resume';
import { type TrainerCallbacks, Trainer, type TrainerOptions, type TrainSummary } from './trainer';

/**
 * Everything that defines a training run of a sequence model, as plain data: what a recipe,
 * a URL or the command line holds. The same plan gives the same losses on the same backend.
 */
export interface TrainingPlan {
  model: ModelSpec;
  /** Optimizer steps. */
  steps: number;
  /** Sequences per batch. */
  batchSize: number;
  /** Tokens per sequence; by default {@link sequenceLength}'s. */
  sequenceLength?: number;
  /** Peak learning rate of AdamW. */
  learningRate: number;
  /** With it, nanoGPT's schedule: linear warm-up, then cosine decay to this at the last step. */
  minLearningRate?: number;
  /** Steps of warm-up (with `minLearningRate`). */
  warmupSteps?: number;
  /** AdamW's decoupled weight decay (nanoGPT: 0.1). */
  weightDecay: number;
  /** Decay every weight, biases and norms too (makemore, PyTorch's AdamW on all parameters); by default only matrices and embeddings decay (nanoGPT). */
  decayAll?: boolean;
  /** AdamW's beta2 (nanoGPT's char models: 0.99). */
  beta2: number;
  /** Global gradient-norm clip; off when undefined. */
  clipNorm?: number;
  /** Evaluate every this many steps (and after the last). */
  evalEvery: number;
  /** Seed of the initial weights and the batches. */
  seed: number;
  /**
   * Train on the first this many sequences of the training split only (chapter 3's overfitting);
   * the train loss is then measured on them. Absent: the whole split.
   */
  trainSubset?: number;
}

/** Sequences per evaluation batch: larger is faster, and evaluation needs no gradients. */
const EVAL_BATCH = 64;
/** Batches of the training split that estimate the train loss at each evaluation. */
const TRAIN_ESTIMATE_BATCHES = 8;

/**
 * Tokens per training and evaluation sequence: a whole example of a line data set (the longest
 * plus its boundary, as makemore sets its block size), or the model's block of running text.
 */
export function sequenceLength(dataset: Dataset, spec: ModelSpec): number {
  const { train, dev, test } = dataset.splits;
  if (!train.wrapped) return blockSizeOf(spec);
  return 1 + Math.max(...[train, dev, test].flatMap((s) => s.sequences.map((q) => q.length)));
}

/** The learning rate per step of a plan, when it has a schedule. */
export function scheduleOf(plan: TrainingPlan): Schedule | undefined {
  if (plan.minLearningRate === undefined) return undefined;
  return warmupCosine({ maxLearningRate: plan.learningRate, minLearningRate: plan.minLearningRate, warmupSteps: plan.warmupSteps ?? 0, decaySteps: plan.steps });
}

/**
 * Loss of a model on a whole split (every example, or non-overlapping windows of running text),
 * or on its first `maxBatches` evaluation batches.
 * @param stopped asked before each batch; NaN when it cut the evaluation short (see {@link evaluateLoss}).
 */
export async function splitLoss(model: LanguageModel, dataset: Dataset, split: SplitName, length: number, maxBatches = Infinity, stopped?: () => boolean): Promise<number> {
  return splitPassLoss(model, dataset.splits[split], length, maxBatches, stopped);
}

/** {@link splitLoss} of a split given as such (a training subset). */
async function splitPassLoss(model: LanguageModel, split: Split, length: number, maxBatches: number, stopped?: () => boolean): Promise<number> {
  const pass = sequencePass(split, length, EVAL_BATCH);
  return evaluateLoss(model, pass.source, Math.min(pass.batches, maxBatches), stopped);
}

/**
 * The training split a plan learns from: the whole split, or with `trainSubset` its first that
 * many sequences (examples of a line data set; of running text, the first that many windows'
 * worth of tokens, so that the subset has that many windows).
 * @throws when `trainSubset` is not a whole number >= 1.
 */
export function trainingSplit(dataset: Dataset, plan: Pick<TrainingPlan, 'trainSubset'>, length: number): Split {
  const { train } = dataset.splits;
  const subset = plan.trainSubset;
  if (subset === undefined) return train;
  if (!Number.isInteger(subset) || subset < 1) throw new Error(`trainSubset must be a whole number >= 1, not ${subset}`);
  if (train.wrapped) return { wrapped: true, sequences: train.sequences.slice(0, subset) };
  const text = train.sequences[0] ?? new Int32Array(0);
  return { wrapped: false, sequences: [text.subarray(0, subset + length)] };
}

/** A run in progress: its model (live while it trains), its trainer (pause, resume, stop) and its end. */
export interface TrainingRun {
  model: LanguageModel;
  /** The run's AdamW, e.g. for captureResumePoint (resume.ts) in `between`; disposed when `done` settles. */
  optimizer: AdamW;
  trainer: Trainer;
  /** Resolves when the run ends; the model stays alive, the caller disposes it. */
  done: Promise<TrainSummary>;
}

/** How {@link startTraining} starts, besides the plan. */
export interface StartOptions {
  /** Goes on from this point of the same plan (same weights, optimizer state and batches after it). */
  resume?: ResumePoint;
  /** The trainer's hook between steps, e.g. to capture resume points. */
  between?: TrainerOptions['between'];
}

/**
 * Builds the plan's model and trains it on a data set: AdamW, the plan's schedule and clipping,
 * random batches of the training split (or of its first `trainSubset` sequences), and at every
 * evaluation the full dev loss and a train estimate (on that subset when there is one). With `options.resume` it goes on from that step and gives the losses and weights the
 * uninterrupted run gives. The same function runs in the worker, a page and the command line.
 * @throws when the resume point does not fit the plan's model (see {@link restoreResumePoint}).
 */
export function startTraining(dataset: Dataset, plan: TrainingPlan, callbacks: TrainerCallbacks = {}, options: StartOptions = {}): TrainingRun {
  const length = plan.sequenceLength ?? sequenceLength(dataset, plan.model);
  const train = trainingSplit(dataset, plan, length);
  const model = createModel(plan.model, dataset.tokenizer.vocabSize);
  const batches: BatchSource = sequenceBatches(train, length, plan.batchSize, plan.seed);
  const optimizer = new AdamW({ learningRate: plan.learningRate, beta2: plan.beta2, weightDecay: plan.weightDecay, decays: plan.decayAll ? () => true : undefined });
  const release = () => {
    optimizer.dispose();
    batches.dispose();
  };
  const { resume } = options;
  if (resume) {
    try {
      restoreResumePoint(model, optimizer, resume);
    } catch (err) {
      release();
      model.dispose();
      throw err;
    }
    batches.skip(resume.step);
  }
  const trainer = new Trainer({
    model,
    optimizer,
    batches,
    steps: plan.steps,
    startStep: resume?.step ?? 0,
    evalEvery: plan.evalEvery,
    schedule: scheduleOf(plan),
    clipNorm: plan.clipNorm,
    evaluate: async (stopped) => {
      const trainLoss = await splitPassLoss(model, train, length, TRAIN_ESTIMATE_BATCHES, stopped);
      const dev = await splitLoss(model, dataset, 'dev', length, Infinity, stopped);
      return stopped() ? undefined : { train: trainLoss, dev };
    },
    between: options.between,
    callbacks,
  });
  const done = trainer.run().finally(release);
  return { model, optimizer, trainer, done };
}
