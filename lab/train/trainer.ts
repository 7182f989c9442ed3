import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/model';
import type { BatchSource } from './batches';
import { yieldToEventLoop } from './yield';

/** What the trainer reports as it goes; progress leaves the trainer only through these. */
export interface TrainerCallbacks {
  /** After every optimizer step, with that step's batch loss. */
  onStep?(step: number, loss: number): void;
  /** After every evaluation (every `evalEvery` steps, and after the last step). */
  onEval?(step: number, losses: Record<string, number>): void;
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
    const { model, optimizer, batches, steps, evalEvery, evaluate, callbacks } = this.#options;
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
      const { x, y } = batches.next();
      const loss = tf.tidy(() => optimizer.minimize(() => model.forward(x, y, { training: true }).loss!, true)!); // scalar
      lastLoss = (await loss.data())[0]!;
      tf.dispose([x, y, loss]);
      step += 1;
      if (!Number.isFinite(lastLoss)) throw new DivergedError(step);
      callbacks?.onStep?.(step, lastLoss);
      if ((evalEvery > 0 && step % evalEvery === 0) || step === steps) await runEval(step);
      elapsedMs += performance.now() - started;
      await yieldToEventLoop();
      while (this.#paused && !this.#stopped) await new Promise<void>((resolve) => (this.#resume = resolve));
    }
    if (this.#stopped && lastEval && evalEvery > 0 && step % evalEvery !== 0) await runEval(step);
    return { steps: step, stopped: this.#stopped, lastLoss, lastEval, elapsedMs };
  }
}
