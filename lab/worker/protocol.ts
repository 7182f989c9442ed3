import type { BackendName, ProbeResult } from '../backend/names';
import type { DatasetId, SplitName } from '../data/datasets';
import type { NGramEstimator } from '../models/ngramCounts';
import type { TrainingPlan } from '../train/run';

/**
 * The typed messages between a widget and its lab worker: one file, both directions.
 * A widget owns one worker; the worker runs one job at a time.
 */

/** Count an n-gram model and evaluate it. */
export interface NGramJob {
  kind: 'ngram';
  dataset: DatasetId;
  /** 1 to 5. */
  order: number;
  /** Add-k smoothing, k >= 0 (of the unigram only, for `witten-bell`). */
  smoothing: number;
  /** How counts become probabilities; `add-k` when absent. */
  estimator?: NGramEstimator;
  /** Also return the bigram count matrix restricted to the `heatmapSize` most frequent tokens. */
  heatmapSize?: number;
}

/** Train a neural model by gradient descent, reporting the loss as it goes. */
export interface TrainJob {
  kind: 'train';
  dataset: DatasetId;
  /** The model of the ladder; chapter 1 has the neural bigram. */
  model: 'bigram';
  /** Seed of the initial weights and of the batches. */
  seed: number;
  /** Optimizer steps to run. */
  steps: number;
  /** Adam (default) or plain stochastic gradient descent, as in makemore's lecture. */
  optimizer?: 'adam' | 'sgd';
  /** Learning rate of the optimizer. */
  learningRate: number;
  /** Examples per step; 0 means the whole training split (full-batch gradient descent). */
  batchSize: number;
  /** Evaluate on train and dev every this many steps. */
  evalEvery: number;
  /** The n-gram to draw as the reference line (the count bigram, smoothing 1 by default). */
  reference?: { order: number; smoothing: number };
}

/** Train any model of the ladder (MLP, RNN, LSTM, GRU, GPT) with a full training plan. */
export interface PlanJob {
  kind: 'plan';
  dataset: DatasetId;
  plan: TrainingPlan;
}

/** What a worker can be asked to run. */
export type Job = NGramJob | TrainJob | PlanJob;

/** A fault a test can cause in a worker, through the same path a real one takes. */
export type SimulatedFault = 'context-lost';

/** Messages a widget sends to its worker. */
export type WorkerRequest =
  | { type: 'init'; backend?: BackendName | 'auto'; baseUrl: string }
  /** Starts a job; a job still running, or queued and not begun, is stopped first. */
  | { type: 'start'; jobId: number; job: Job }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Stops job `jobId` and any earlier one, even one queued and not begun; without an id, the running job. */
  | { type: 'stop'; jobId?: number }
  /** Continues job `fromJob`, which failed on a lost GPU, on `backend` from its last good step, as job `jobId`. */
  | { type: 'continue'; jobId: number; fromJob: number; backend: BackendName }
  /** Test hook: causes `fault` as a real one would happen (the WebGL context lost, the GPU device gone). */
  | { type: 'simulate'; fault: SimulatedFault }
  | { type: 'sample'; jobId: number; count: number; temperature: number; seed: number; maxLength: number; prompt?: string }
  | { type: 'dispose' };

/** One point of a loss curve. */
export interface LossPoint {
  step: number;
  /** Which loss: the minibatch loss of a step, or a full evaluation of a split. */
  series: 'batch' | SplitName;
  loss: number;
}

/** A summary of a fitted count model. */
export interface NGramResult {
  order: number;
  smoothing: number;
  vocab: string[];
  nll: Record<'train' | 'dev', number>;
  contexts: number;
  /** Bigram counts among the most frequent tokens, when the job asked for them. */
  heatmap?: { tokens: string[]; tokenIds: number[]; counts: number[][]; rowTotals: number[] };
}

/** Why a job failed, when a widget can do something particular about it. */
export type FailureCode =
  /** The GPU context or device was lost: the run can continue on another backend from `resumeStep`. */
  | 'device-lost'
  /** The loss became NaN or infinite. */
  | 'diverged';

/** States a job goes through in the worker. */
export type JobState = 'loading' | 'running' | 'paused' | 'stopped' | 'done';

/** Messages a worker sends back. */
export type WorkerResponse =
  /** Sent by the worker's script as it starts, then every few seconds while it can answer: it lives. */
  | { type: 'alive' }
  | { type: 'ready'; backend: BackendName; probe: ProbeResult[]; /** Threads of the wasm backend, when it is the one chosen. */ threads?: number }
  /** `evalAbandoned`: a stop cut an evaluation short, so the curve's last evaluation is older than the last step. */
  | { type: 'state'; jobId: number; state: JobState; evalAbandoned?: boolean }
  | { type: 'ngram'; jobId: number; result: NGramResult }
  | { type: 'reference'; jobId: number; nll: Record<'train' | 'dev', number>; label: string }
  /** Only the points recorded since the last progress message. */
  | { type: 'progress'; jobId: number; step: number; points: LossPoint[]; elapsedMs: number }
  | { type: 'sample'; jobId: number; texts: string[] }
  | { type: 'error'; jobId?: number; message: string; code?: FailureCode; /** The last good step, from which `continue` can go on. */ resumeStep?: number };
