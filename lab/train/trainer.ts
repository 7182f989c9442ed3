import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/model';
import type { BatchSource } from './batches';
import { clipByGlobalNorm, type Schedule, type ScheduledOptimizer } from './optim';
import { BLOW_UP_FACTOR, SmoothedLoss } from './smoothing';
import { yieldToEventLoop } from './yield';

/** What the trainer reports as it goes; progress leaves the trainer only through these. */
export interface TrainerCallbacks {
  /** After every optimizer step, with that step's batch loss. */
  onStep?(step: number, loss: number, info: StepInfo): void;
  /** After every evaluation that finished (every `evalEvery` steps, and after the last step). */
  onEval?(step: number, losses: Record<string, number>): void;
}

/** What else a step reports besides its loss. */
export interface StepInfo {
  /** Learning rate of the step. */
  learningRate?: number;
  /** Global gradient norm before clipping, when clipping is on. */
  gradNorm?: number;
  /** Milliseconds of the step itself (forward, backward, update, the loss read back). */
  ms?: number;
}

/**
 * Computes evaluation losses, e.g. `{ train, dev }`. It should call `stopped()` between batches
 * and, once it returns true, give up and resolve to undefined: a stop then answers within one
 * batch rather than after a whole evaluation (about 27 s for the Shakespeare GPT on wasm).
 */
export type Evaluate = (stopped: () => boolean) => Promise<Record<string, number> | undefined>;

/** Options of a {@link Trainer}. */
export interface TrainerOptions {
  model: LanguageModel;
  optimizer: tf.Optimizer;
  batches: BatchSource;
  /** Step at which the run ends (absolute: a resumed run counts from its `startStep`). */
  steps: number;
  /**
   * Steps already taken, when resuming a run: the loop runs steps startStep + 1 .. steps, the
   * schedule sees absolute steps, and there is no evaluation at the start. The batch source and
   * the optimizer must already be where that step left them (see resume.ts). Default 0.
   */
  startStep?: number;
  /** Evaluate every this many steps (0: only at the start and the end). */
  evalEvery: number;
  /** Learning rate per step; needs an optimizer with `setLearningRate` (e.g. AdamW). */
  schedule?: Schedule;
  /** Clip the global gradient norm to this (nanoGPT: 1.0); off when undefined. */
  clipNorm?: number;
  /** Evaluation losses; called at step 0 too (unless resuming), and after the last step. */
  evaluate?: Evaluate;
  /**
   * Awaited after each completed step (after its evaluation, if any), the stopped one and the
   * last one included, before the next step; its time is not counted in `elapsedMs`. For work
   * that must see the weights between steps, such as taking a resume point.
   */
  between?: (step: number) => void | Promise<void>;
  callbacks?: TrainerCallbacks;
  /**
   * Throw a {@link DivergedError} when the loss diverges (default true). A learning-rate range
   * test turns it off: it drives the loss up on purpose and watches it itself, so every loss,
   * NaN included, reaches `onStep`.
   */
  stopOnDivergence?: boolean;
}

/** How a run ended. */
export interface TrainSummary {
  /** Steps completed, counted from 0 (a resumed run includes its `startStep`). */
  steps: number;
  /** Whether `stop()` ended it early. */
  stopped: boolean;
  /** Whether the stop cut an evaluation short (its losses were dropped and `onEval` not called). */
  evalAbandoned: boolean;
  /** Last batch loss; NaN when the run took no step. */
  lastLoss: number;
  /** Last finished evaluation. */
  lastEval?: Record<string, number>;
  /** Wall time of the run, pauses and `between` excluded. */
  elapsedMs: number;
}

/** Steps before the divergence rule compares the smoothed loss with its lowest (the first losses are noisy). */
const DIVERGENCE_GRACE_STEPS = 20;

/** A step whose batch loss was finite and within the divergence bound, and that loss. */
export interface LossAt {
  step: number;
  loss: number;
}

/**
 * Thrown when a run diverges: the batch loss became NaN or infinite, or its smoothed value
 * (bias-corrected moving average, β 0.9) grew past {@link BLOW_UP_FACTOR} times its lowest after
 * the first {@link DIVERGENCE_GRACE_STEPS} steps.
 */
export class DivergedError extends Error {
  /**
   * @param step the step at which it diverged.
   * @param lastGood the last step before it whose loss was finite and within the bound; undefined when there was none.
   * @param grew true when the loss grew past the bound, false when it stopped being a number.
   */
  constructor(readonly step: number, readonly lastGood: LossAt | undefined, readonly grew = false) {
    super(grew
      ? `the loss grew past ${BLOW_UP_FACTOR} times its lowest at step ${step}: the learning rate is probably too high`
      : `the loss became NaN or infinite at step ${step}: the learning rate is probably too high`);
  }
}

/**
 * One training loop for every model of the course: step, report, evaluate, yield to the event
 * loop so that pause/stop messages arrive, repeat. The same code runs in a page, a worker and Node.
 */
export class Trainer {
  readonly #options: TrainerOptions;
  #paused = false;
  /** True while run() waits, paused, between two steps. */
  #resting = false;
  #stopped = false;
  #resume: (() => void) | undefined;
  /** The error `fail()` was given; run() rejects with it. */
  #error: Error | undefined;
  /** Rejects when `fail()` is called: every await of run() races it. */
  readonly #failure: Promise<never>;
  #reject!: (error: Error) => void;

  constructor(options: TrainerOptions) {
    this.#options = options;
    this.#failure = new Promise<never>((_, reject) => (this.#reject = reject));
    // Marks the rejection as handled: when no await is racing it, fail() must not surface as an
    // unhandled rejection; run() still throws the error at its next check.
    this.#failure.catch(() => {});
  }

  /** Pauses after the current step. */
  pause(): void {
    this.#paused = true;
  }

  /** Resumes a paused run. */
  resume(): void {
    this.#paused = false;
    this.#resume?.();
  }

  /**
   * Ends the run after the current step, without a final evaluation; an evaluation in progress
   * is abandoned at its next batch (see {@link Evaluate}).
   */
  stop(): void {
    this.#stopped = true;
    this.#resume?.();
  }

  /**
   * Makes run() reject with `error` now, even while it awaits a readback or an evaluation that
   * will never settle (a lost WebGL context leaves `data()` pending forever). The tensors of the
   * step in flight are freed; an evaluation in flight sees `stopped()` true and should give up;
   * the work the backend still holds is abandoned, not awaited.
   */
  fail(error: Error): void {
    if (this.#error) return;
    this.#error = error;
    this.#reject(error);
  }

  /** Whether run() sits paused between two steps now (not merely asked to pause after the current one). */
  get resting(): boolean {
    return this.#resting;
  }

  /** Whether the run is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Runs the loop to the end or until stopped.
   * @throws {DivergedError} when the loss diverges (see {@link DivergedError}), unless `stopOnDivergence` is false.
   * @throws the error given to {@link fail}.
   */
  async run(): Promise<TrainSummary> {
    const { batches, steps, evalEvery, evaluate, callbacks, schedule, between, startStep = 0, stopOnDivergence = true } = this.#options;
    if (schedule && !('setLearningRate' in this.#options.optimizer)) throw new Error('a schedule needs an optimizer with setLearningRate, such as AdamW');
    this.#check();
    let lastLoss = NaN;
    let lastEval: Record<string, number> | undefined;
    let evalAbandoned = false;
    let elapsedMs = 0;
    const smoothed = new SmoothedLoss();
    let lastGood: LossAt | undefined;
    const runEval = async (step: number) => {
      if (!evaluate || this.#stopped) return;
      // A failure stops it too: an evaluation left running after run() rejected would go on
      // reading a model that its owner is about to dispose.
      const losses = await this.#guard(evaluate(() => this.#stopped || this.#error !== undefined));
      if (!losses) {
        evalAbandoned = true;
        return;
      }
      lastEval = losses;
      callbacks?.onEval?.(step, losses);
    };
    if (startStep === 0) await runEval(0);
    let step = startStep;
    while (step < steps && !this.#stopped) {
      const started = performance.now();
      const info: StepInfo = {};
      if (schedule) {
        info.learningRate = schedule(step);
        (this.#options.optimizer as ScheduledOptimizer).setLearningRate(info.learningRate);
      }
      const { x, y } = batches.next();
      const [loss, norm] = this.#step(x, y); // scalars
      try {
        lastLoss = (await this.#guard(loss.data()))[0]!;
        if (norm) info.gradNorm = (await this.#guard(norm.data()))[0]!;
      } finally {
        tf.dispose([x, y, loss, norm]);
      }
      step += 1;
      info.ms = performance.now() - started;
      if (stopOnDivergence && !Number.isFinite(lastLoss)) throw new DivergedError(step, lastGood);
      const average = smoothed.add(lastLoss);
      callbacks?.onStep?.(step, lastLoss, info);
      if (stopOnDivergence) {
        if (smoothed.count > DIVERGENCE_GRACE_STEPS && average > BLOW_UP_FACTOR * smoothed.lowest) throw new DivergedError(step, lastGood, true);
        lastGood = { step, loss: lastLoss };
      }
      if ((evalEvery > 0 && step % evalEvery === 0) || step === steps) await runEval(step);
      elapsedMs += performance.now() - started;
      if (between) await this.#guard(Promise.resolve(between(step)));
      await this.#guard(yieldToEventLoop());
      this.#resting = true;
      try {
        while (this.#paused && !this.#stopped) await this.#guard(new Promise<void>((resolve) => (this.#resume = resolve)));
      } finally {
        this.#resting = false;
      }
    }
    return { steps: step, stopped: this.#stopped, evalAbandoned, lastLoss, lastEval, elapsedMs };
  }

  /** Awaits `promise`, or rejects as soon as `fail()` is called, whichever comes first. */
  async #guard<T>(promise: Promise<T>): Promise<T> {
    const value = await Promise.race([promise, this.#failure]);
    this.#check();
    return value;
  }

  /** Throws the error of `fail()`, if any: a failure that came while nothing was awaited. */
  #check(): void {
    if (this.#error) throw this.#error;
  }

  /** One optimizer step; returns the loss and, when clipping, the gradient norm before it. */
  #step(x: tf.Tensor2D, y: tf.Tensor2D): [tf.Scalar, tf.Scalar | undefined] {
    const { model, optimizer, clipNorm } = this.#options;
    const lossOf = () => model.forward(x, y, { training: true }).loss!;
    if (clipNorm === undefined) return [tf.tidy(() => optimizer.minimize(lossOf, true)!), undefined];
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossOf, model.trainableVariables()); // scalar, per-variable grads
      const clipped = clipByGlobalNorm(grads, clipNorm);
      optimizer.applyGradients(clipped.grads);
      return [value, clipped.norm];
    });
  }
}
