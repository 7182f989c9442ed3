import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/model';
import type { BatchSource } from './batches';
import { clipByGlobalNorm, type Schedule, type ScheduledOptimizer } from './optim';
import { yieldToEventLoop } from './yield';

/** What the trainer reports as it goes; progress leaves the trainer only through these. */
export interface TrainerCallbacks {
  /** After every optimizer step, with that step's batch loss. */
  onStep?(step: number, loss: number, info: StepInfo): void;
  /** After every evaluation (every `evalEvery` steps, and after the last step). */
  onEval?(step: number, losses: Record<string, number>): void;
}

/** What else a step reports besides its loss. */
export interface StepInfo {
  /** Learning rate of the step. */
  learningRate?: number;
  /** Global gradient norm before clipping, when clipping is on. */
  gradNorm?: number;
}

/** Options of a {@link Trainer}. */
export interface TrainerOptions {
  model: LanguageModel;
  optimizer: tf.Optimizer;
  batches: BatchSource;
  /** Optimizer steps to run. */
  steps: number;
  /** Evaluate every this many steps (0: only at the start and the end). */
  evalEvery: number;
  /** Learning rate per step; needs an optimizer with `setLearningRate` (e.g. AdamW). */
  schedule?: Schedule;
  /** Clip the global gradient norm to this (nanoGPT: 1.0); off when undefined. */
  clipNorm?: number;
  /** Computes evaluation losses, e.g. `{ train, dev }`; called at step 0 too. */
  evaluate?: () => Promise<Record<string, number>>;
  callbacks?: TrainerCallbacks;
}

/** How a run ended. */
export interface TrainSummary {
  /** Steps completed. */
  steps: number;
  /** Whether `stop()` ended it early. */
  stopped: boolean;
  /** Last batch loss. */
  lastLoss: number;
  /** Last evaluation. */
  lastEval?: Record<string, number>;
  /** Wall time of the run, pauses excluded. */
  elapsedMs: number;
}

/** Thrown when the loss stops being a finite number. */
export class DivergedError extends Error {
  constructor(readonly step: number) {
    super(`the loss became NaN or infinite at step ${step}: the learning rate is probably too high`);
  }
}

/**
 * One training loop for every model of the course: step, report, evaluate, yield to the event
 * loop so that pause/stop messages arrive, repeat. The same code runs in a page, a worker and Node.
 */
export class Trainer {
  readonly #options: TrainerOptions;
  #paused = false;
  #stopped = false;
  #resume: (() => void) | undefined;

  constructor(options: TrainerOptions) {
    this.#options = options;
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

  /** Ends the run after the current step. */
  stop(): void {
    this.#stopped = true;
    this.#resume?.();
  }

  /** Whether the run is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Runs the loop to the end or until stopped.
   * @throws {DivergedError} when the loss becomes NaN or infinite.
   */
  async run(): Promise<TrainSummary> {
    const { batches, steps, evalEvery, evaluate, callbacks, schedule } = this.#options;
    if (schedule && !('setLearningRate' in this.#options.optimizer)) throw new Error('a schedule needs an optimizer with setLearningRate, such as AdamW');
    let lastLoss = NaN;
    let lastEval: Record<string, number> | undefined;
    let elapsedMs = 0;
    const runEval = async (step: number) => {
      if (!evaluate) return;
      lastEval = await evaluate();
      callbacks?.onEval?.(step, lastEval);
    };
    await runEval(0);
    let step = 0;
    while (step < steps && !this.#stopped) {
      const started = performance.now();
      const info: StepInfo = {};
      if (schedule) {
        info.learningRate = schedule(step);
        (this.#options.optimizer as ScheduledOptimizer).setLearningRate(info.learningRate);
      }
      const { x, y } = batches.next();
      const [loss, norm] = this.#step(x, y); // scalars
      lastLoss = (await loss.data())[0]!;
      if (norm) info.gradNorm = (await norm.data())[0]!;
      tf.dispose([x, y, loss, norm]);
      step += 1;
      if (!Number.isFinite(lastLoss)) throw new DivergedError(step);
      callbacks?.onStep?.(step, lastLoss, info);
      if ((evalEvery > 0 && step % evalEvery === 0) || step === steps) await runEval(step);
      elapsedMs += performance.now() - started;
      await yieldToEventLoop();
      while (this.#paused && !this.#stopped) await new Promise<void>((resolve) => (this.#resume = resolve));
    }
    if (this.#stopped && lastEval && evalEvery > 0 && step % evalEvery !== 0) await runEval(step);
    return { steps: step, stopped: this.#stopped, lastLoss, lastEval, elapsedMs };
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
