import type { Dataset } from '../data/datasets';
import type { LanguageModel } from '../models/model';
import { createModel } from '../models/registry';
import type { RangePoint, RangeSuggestion } from '../worker/protocol';
import { type BatchSource, sequenceBatches } from './batches';
import { AdamW, type AdamWOptions } from './optim';
import { BLOW_UP_FACTOR, SmoothedLoss } from './smoothing';
import { sequenceLength, trainingSplit, type TrainingPlan } from './run';
import { Trainer } from './trainer';

/** The sweep of a {@link startRangeTest}, and AdamW's settings besides its rate. */
export interface RangeOptions {
  minLearningRate: number;
  maxLearningRate: number;
  /** Steps of the sweep, >= 2. */
  steps: number;
  /** AdamW's betas, epsilon, weight decay and which weights decay; its rate is the sweep's. */
  adamw?: Omit<AdamWOptions, 'learningRate'>;
  /** Global gradient-norm clip; off when undefined. */
  clipNorm?: number;
}

/** What a range test reports as it goes. */
export interface RangeCallbacks {
  /** After every step whose loss is a number, with its point of the curve. */
  onPoint?(point: RangePoint): void;
}

/** How a range test ended. */
export interface RangeResult {
  points: RangePoint[];
  /** The suggested rate, when there are points. */
  suggestion?: RangeSuggestion;
  /** Whether it ended before its last step because the loss blew up (NaN, or the smoothed loss past 4 times its lowest). */
  stoppedEarly: boolean;
  /** Whether `trainer.stop()` (a reader's stop) ended it. */
  stopped: boolean;
}

/** A range test in progress: its trainer (pause, resume, stop, fail) and its end. */
export interface RangeRun {
  trainer: Trainer;
  /** Resolves when the sweep ends; the model stays alive (and trained by the sweep): the caller disposes it. */
  done: Promise<RangeResult>;
}

/** The learning rate of step `step` (1-based) of a sweep: min · (max / min)^((step − 1) / (steps − 1)). */
export function rangeRate(step: number, { minLearningRate: min, maxLearningRate: max, steps }: Pick<RangeOptions, 'minLearningRate' | 'maxLearningRate' | 'steps'>): number {
  return min * (max / min) ** ((step - 1) / (steps - 1));
}

/**
 * Checks a sweep's bounds.
 * @throws a message for a rate that is not a positive number, a maximum not above the minimum, or fewer than 2 steps.
 */
export function validateRange({ minLearningRate: min, maxLearningRate: max, steps }: Pick<RangeOptions, 'minLearningRate' | 'maxLearningRate' | 'steps'>): void {
  if (!(min > 0) || !Number.isFinite(min)) throw new Error(`the lowest learning rate must be a positive number, not ${min}`);
  if (!(max > min) || !Number.isFinite(max)) throw new Error(`the highest learning rate must be a number above the lowest (${min}), not ${max}`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`a range test needs a whole number of steps >= 2, not ${steps}`);
}

/**
 * A learning-rate range test (Smith 2015; fastai's `lr_find`): trains `model` for `steps` steps
 * on `batches` with AdamW at a rate that grows geometrically from the minimum to the maximum
 * ({@link rangeRate}), recording each step's batch loss before its update and its smoothed value
 * ({@link SmoothedLoss}). It stops early once the loss is NaN or the smoothed loss passes
 * {@link BLOW_UP_FACTOR} times its lowest. Runs in a page, a worker and Node, on the course's
 * one {@link Trainer}, so that pause, stop and a lost device act on it as on a training run.
 * @throws when the sweep's bounds are invalid (see {@link validateRange}).
 */
export function startRangeTest(model: LanguageModel, batches: BatchSource, options: RangeOptions, callbacks: RangeCallbacks = {}): RangeRun {
  validateRange(options);
  const optimizer = new AdamW({ ...options.adamw, learningRate: options.minLearningRate });
  const smoothed = new SmoothedLoss();
  const points: RangePoint[] = [];
  let stoppedEarly = false;
  const trainer: Trainer = new Trainer({
    model,
    optimizer,
    batches,
    steps: options.steps,
    evalEvery: 0,
    schedule: (taken) => rangeRate(taken + 1, options),
    clipNorm: options.clipNorm,
    stopOnDivergence: false,
    callbacks: {
      onStep: (step, loss, info) => {
        if (!Number.isFinite(loss)) {
          stoppedEarly = true;
          trainer.stop();
          return;
        }
        const point: RangePoint = { step, learningRate: info.learningRate!, loss, smoothed: smoothed.add(loss) };
        points.push(point);
        callbacks.onPoint?.(point);
        if (point.smoothed > BLOW_UP_FACTOR * smoothed.lowest && step < options.steps) {
          stoppedEarly = true;
          trainer.stop();
        }
      },
    },
  });
  const done = trainer
    .run()
    .then((summary) => ({ points, suggestion: suggestRate(points), stoppedEarly, stopped: summary.stopped && !stoppedEarly }))
    .finally(() => optimizer.dispose());
  return { trainer, done };
}

/**
 * A range test of a training plan on a data set: the plan's model built fresh (its seed), its
 * batches (size, sequence length, seed, training subset), AdamW with its beta2, weight decay and
 * decayed weights, and its gradient clip; its own rate and schedule are the sweep's. The model
 * and the batches are freed when `done` settles: nothing is kept.
 * @throws when the sweep's bounds are invalid, or the plan's training subset is.
 */
export function startPlanRangeTest(dataset: Dataset, plan: TrainingPlan, sweep: Pick<RangeOptions, 'minLearningRate' | 'maxLearningRate' | 'steps'>, callbacks: RangeCallbacks = {}): RangeRun {
  validateRange(sweep);
  const length = plan.sequenceLength ?? sequenceLength(dataset, plan.model);
  const batches = sequenceBatches(trainingSplit(dataset, plan, length), length, plan.batchSize, plan.seed);
  const model = createModel(plan.model, dataset.tokenizer.vocabSize);
  const adamw = { beta2: plan.beta2, weightDecay: plan.weightDecay, ...(plan.decayAll ? { decays: () => true } : {}) };
  const run = startRangeTest(model, batches, { ...sweep, adamw, clipNorm: plan.clipNorm }, callbacks);
  const done = run.done.finally(() => {
    model.dispose();
    batches.dispose();
  });
  return { trainer: run.trainer, done };
}

/**
 * The rate a range test suggests: where the smoothed loss falls fastest against log(rate)
 * (the most negative slope between consecutive points, its left point's rate), looked for only
 * up to the smoothed loss's minimum; when the curve does not fall before its minimum, a tenth of
 * the rate at the minimum. Undefined without points.
 */
export function suggestRate(points: readonly RangePoint[]): RangeSuggestion | undefined {
  if (points.length === 0) return undefined;
  let lowest = 0;
  points.forEach((p, i) => p.smoothed < points[lowest]!.smoothed && (lowest = i));
  const minimum = { learningRate: points[lowest]!.learningRate, smoothed: points[lowest]!.smoothed };
  let steepest = -1;
  let steepestSlope = 0;
  for (let i = 0; i < lowest; i++) {
    const [a, b] = [points[i]!, points[i + 1]!];
    const slope = (b.smoothed - a.smoothed) / (Math.log(b.learningRate) - Math.log(a.learningRate));
    if (slope < steepestSlope) [steepest, steepestSlope] = [i, slope];
  }
  if (steepest < 0) return { learningRate: minimum.learningRate / 10, rule: 'minimum', minimum };
  return { learningRate: points[steepest]!.learningRate, rule: 'steepest', minimum };
}
