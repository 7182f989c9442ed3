import type { BackendName, ProbeResult } from '../backend/names';
import type { ThreadChoice, ThreadSetting } from '../backend/threads';
import type { DatasetId, SplitName } from '../data/datasets';
import type { NGramEstimator } from '../models/ngramCounts';
import type { ModelSpec } from '../models/registry';
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

/**
 * A learning-rate range test (Smith 2015; fastai's lr_find): the plan's model is built fresh and
 * trained for `steps` steps with AdamW (the plan's batch, betas, weight decay and seed; its own
 * rate and schedule ignored) at a rate that grows geometrically from `minLearningRate` to
 * `maxLearningRate`, recording each step's batch loss before its update. It stops early once the
 * smoothed loss passes 4 times its minimum (the rate is far too high). Answers `range` messages,
 * the last one with the suggestion; nothing is evaluated and no model is kept.
 */
export interface LrRangeJob {
  kind: 'lr-range';
  dataset: DatasetId;
  plan: TrainingPlan;
  minLearningRate: number;
  maxLearningRate: number;
  /** Steps of the sweep, >= 2: rate i is min · (max / min)^(i / (steps − 1)). */
  steps: number;
}

/** What a worker can be asked to run. */
export type Job = NGramJob | TrainJob | PlanJob | LrRangeJob;

/**
 * Where a model to hold comes from: a checkpoint the site ships (`public/checkpoints/<name>.ckpt`),
 * or the bytes of one the reader saved (a `saved` answer's, read back from a file).
 */
export type ModelSource =
  | { checkpoint: string }
  | { bytes: Uint8Array }
  /**
   * A freshly initialised model of `spec` with the data set's tokenizer, never trained (step 0):
   * chapter 4's RNN at its initial weights, its recurrent weights scaled (`recurrentScale`) to
   * show gradients vanishing or exploding.
   */
  | { fresh: { dataset: DatasetId; spec: ModelSpec } };

/**
 * What a model reads when it is inspected:
 * - `{ text }`: a text the reader typed. Characters the model does not know are an error, unless
 *   `unknown: 'skip'`: then they are left out of what the model reads and listed in the snapshot's
 *   `text` (a view marks them; they are never dropped silently).
 * - `{ split, count }`: the first `count` examples of a split, as training batches cut them.
 * - `{ split, count, length }`: `count` windows of `length` consecutive tokens of the split's
 *   running text (a line data set's lines joined by their boundary token, as the model reads
 *   them one after another), the first at the split's start, each after the previous; each
 *   position's target is the next token, so the last position has one too. Windows may be longer
 *   than the model's training sequences (a recurrent cell runs on; a GPT refuses more than its
 *   block).
 */
export type InspectInput = { text: string; unknown?: 'error' | 'skip' } | { split: SplitName; count: number; length?: number };

/**
 * How a typed text was read, position by position of the T axis: `tokens[t]` the character read
 * at position t (the boundary token a line model starts from shows as `boundary`), `at[t]` its
 * index in `chars` (-1 for that boundary token); `chars` the text's characters (code points) and
 * `skipped` the indices of those the model does not know, left out.
 */
export interface ReadText {
  chars: string[];
  tokens: string[];
  at: number[];
  skipped: number[];
  /** How the boundary token shows in `tokens` (its character in the vocabulary). */
  boundary: string;
}

/**
 * What to compute from one recorded intermediate (a key of the catalogue, `lab/models/keys.ts`)
 * before it crosses to the page, so that only what a view draws is sent (2 x V numbers for a
 * projection, not V x D):
 * - `raw`: the tensor itself, optionally only `index` along its leading axes (e.g. `[0, 2]`: example 0, head 2);
 * - `projection`: the rows of a matrix (an embedding table) in 2-D: the raw coordinates when it
 *   has two columns, else its first two principal components, oriented like the previous
 *   snapshot of the same probe so points do not flip from one snapshot to the next; `rows`
 *   limits it to those rows;
 * - `neighbours`: for each row in `of`, the `k` nearest other rows in the full space (cosine),
 *   searched among the rows `among` (by default every row; a view passes the tokens it draws);
 * - `histogram`: counts of the values in `bins` equal bins over `range` (values outside go to the end bins);
 *   `index`, as for `raw`, limits `histogram`, `saturation` and `scale` to a slice (`mlp.hiddens` at `[2]`: layer 2);
 * - `saturation`: 1 where |value| >= `threshold`, else 0, for the first `rows` rows of the last axis' matrix;
 * - `scale`: one number, the standard deviation of the tensor, or with `relativeTo` (another key)
 *   the ratio of the two standard deviations: `update.hidden.w` relative to `weight.hidden.w` is
 *   the update-to-weight ratio of that layer (makemore's lecture 3), `grad.hidden.w` relative to
 *   `weight.hidden.w` its gradient-to-weight ratio. Data `[value]`; info `std`, `mean`, `rms`,
 *   `absMax` of the tensor (and `relativeStd` of the other one).
 * - `softmax`: of a tensor of logits (`logits`, optionally only `index`), the probabilities along
 *   its last axis (each row sums to 1), at `temperature` (default 1); with `top`, only the `top`
 *   most likely per row, descending, shape (…, top), and their token ids under `${name}.ids`.
 * - `norm`: the L2 norm along the last axis (optionally only `index`): shape without the last
 *   axis; with `average`, the mean of those norms over the first remaining axis (examples), so
 *   `rnn.state_grad` (B, T, N) gives (T): ‖∂ℓ/∂h_t‖ per position, averaged over the windows.
 *
 * Besides the forward intermediates of the catalogue, three families of keys name a model
 * parameter (a name of ModelInfo's `parameters`, e.g. `hidden.w`):
 * - `weight.<param>`: the parameter itself;
 * - `grad.<param>`: the gradient of the mean loss on the input (its next tokens as targets, in
 *   evaluation mode) with respect to it, the weights untouched;
 * - `update.<param>`: w_t − w_{t−1}, what the last optimizer step changed; only while a `watch`
 *   follows a training job (the host keeps a copy of the parameter one step before each
 *   snapshot that asks for it), an error for `inspect`.
 */
export type Probe =
  | { key: string; as: 'raw'; index?: number[] }
  | { key: string; as: 'projection'; rows?: number[] }
  | { key: string; as: 'neighbours'; of: number[]; k: number; among?: number[] }
  | { key: string; as: 'histogram'; bins: number; range: [number, number]; index?: number[] }
  | { key: string; as: 'saturation'; threshold: number; rows?: number; index?: number[] }
  | { key: string; as: 'scale'; relativeTo?: string; index?: number[] }
  | { key: string; as: 'softmax'; index?: number[]; top?: number; temperature?: number }
  | { key: string; as: 'norm'; index?: number[]; average?: boolean }
  | { key: string; as: 'patterns'; patterns: AttentionPattern[]; index?: number[] };

/**
 * A pattern of attention a head may learn, scored by `patterns` probes (`analysis/attentionPatterns.ts`),
 * each a mean over query rows t of the weight the row puts where the pattern looks:
 * - `{ back: k }`: on position t − k (rows t ≥ max(k, 1)); `previous` is `{ back: 1 }`, `self` `{ back: 0 }`;
 * - `start`: on position 0 (rows t ≥ 1);
 * - `induction`: on every position j + 1 < t right after an earlier occurrence j of the token at t
 *   (rows that have one).
 */
export type AttentionPattern = 'previous' | 'self' | 'start' | 'induction' | { back: number };

/** A typed array with its shape, as a snapshot carries it (transferred, not copied). */
export interface ShapedArray {
  shape: number[];
  data: Float32Array | Int32Array;
  /** What a view may need besides the numbers: for a projection `method` (`raw` or `pca`) and `explained` (variance share of the two axes). */
  info?: Record<string, number | string>;
}

/** What a worker holds as a model, so a view can label what it draws. */
export interface ModelInfo {
  /** The model's kind, e.g. `mlp`, and its config. */
  kind: string;
  config: unknown;
  /** The tokenizer's characters, id order. */
  vocab: string[];
  /** How often each token occurs in the training split, id order, when the data set is known. */
  counts?: number[];
  params: number;
  /** Optimizer steps the weights have had. */
  step: number;
  /** Losses stored with a checkpoint, e.g. `{ dev: 2.17 }`. */
  metrics?: Record<string, number>;
  /** Where it came from: the checkpoint's name, `file`, or `training`. */
  origin: string;
  /** The model's trainable parameters, in the order of its variables: what `weight.`, `grad.` and `update.` keys name. */
  parameters: { name: string; shape: number[] }[];
}

/** One step of a learning-rate range test. */
export interface RangePoint {
  /** 1-based step of the sweep. */
  step: number;
  learningRate: number;
  /** The batch loss at this step, before its update. */
  loss: number;
  /** Exponential moving average of the losses (β = 0.9, bias-corrected), what the suggestion reads. */
  smoothed: number;
}

/** A range test's suggested rate, and why. */
export interface RangeSuggestion {
  learningRate: number;
  /** `steepest`: where the smoothed loss falls fastest against log(rate); `minimum`: a tenth of the rate at its minimum. */
  rule: 'steepest' | 'minimum';
  /** The rate at the smoothed loss's minimum, and that loss. */
  minimum: { learningRate: number; smoothed: number };
}

/** A fault a test can cause in a worker, through the same path a real one takes. */
export type SimulatedFault = 'context-lost';

/** One character a sampler drew, and the distribution it was drawn from (after temperature, top-k and top-p). */
export interface DrawnStep {
  /** The character drawn (the boundary token shows as the data set's boundary character). */
  char: string;
  /** Its probability in that distribution. */
  p: number;
  /** The most likely characters of the distribution, descending, and their probabilities. */
  top: string[];
  probs: number[];
  /** The probability of every other character: `probs` and `rest` sum to 1. */
  rest: number;
}

/** Messages a widget sends to its worker. */
export type WorkerRequest =
  /** `threads`: wasm's thread count, forced (tests, benchmarks); `auto` (the default) measures the free cores. */
  | { type: 'init'; backend?: BackendName | 'auto'; baseUrl: string; threads?: ThreadSetting }
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
  /**
   * Draws `count` texts. `topK` (0 or absent: all) and `topP` (1 or absent: all) cut the
   * distribution after the temperature; with `distributions` n > 0 the answer carries, for every
   * character drawn, the n most likely characters of the distribution it was drawn from.
   */
  | { type: 'sample'; jobId: number; count: number; temperature: number; seed: number; maxLength: number; prompt?: string; topK?: number; topP?: number; distributions?: number }
  /** Holds the model of `source` as job `jobId`'s (the one `inspect`, `sample` and `save` then use); answers `model`. */
  | { type: 'load'; jobId: number; source: ModelSource }
  /** Runs job `jobId`'s model on `input`, recording what `probes` need; answers one `snapshot`. */
  | { type: 'inspect'; jobId: number; requestId: number; input: InspectInput; probes: Record<string, Probe> }
  /** While job `jobId` trains, a `snapshot` of `probes` on `input` every `every` steps, taken between steps. */
  | { type: 'watch'; jobId: number; requestId: number; every: number; input: InspectInput; probes: Record<string, Probe> }
  /** Job `jobId`'s current weights as checkpoint bytes; answers `saved`. */
  | { type: 'save'; jobId: number; requestId: number }
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
  /**
   * The loss became NaN or infinite, or its moving average grew past 4 times its lowest (after
   * the first 20 steps): the run stopped itself. The error carries `lastGood`.
   */
  | 'diverged';

/** States a job goes through in the worker. */
export type JobState = 'loading' | 'running' | 'paused' | 'stopped' | 'done';

/** Messages a worker sends back. */
export type WorkerResponse =
  /** Sent by the worker's script as it starts, then every few seconds while it can answer: it lives. */
  | { type: 'alive' }
  | {
      type: 'ready';
      backend: BackendName;
      probe: ProbeResult[];
      /** Threads of the wasm backend, when it is the one chosen. */
      threads?: number;
      /** How that count was chosen (measured free cores, the policy, a setting), with wasm. */
      threadChoice?: ThreadChoice;
    }
  /** Wasm's thread count changed (other processes took or left cores): from the next step on, `threads`. */
  | { type: 'threads'; threads: number; choice: ThreadChoice }
  /** `evalAbandoned`: a stop cut an evaluation short, so the curve's last evaluation is older than the last step. */
  | { type: 'state'; jobId: number; state: JobState; evalAbandoned?: boolean }
  | { type: 'ngram'; jobId: number; result: NGramResult }
  | { type: 'reference'; jobId: number; nll: Record<'train' | 'dev', number>; label: string }
  /** Only the points recorded since the last progress message. */
  | { type: 'progress'; jobId: number; step: number; points: LossPoint[]; elapsedMs: number }
  /** `steps[i][j]`: how the j-th character of `texts[i]` was drawn, when the request asked for `distributions`. */
  | { type: 'sample'; jobId: number; texts: string[]; steps?: DrawnStep[][] }
  /** The model job `jobId` holds: after a `load`, and when a training job has built its model. */
  | { type: 'model'; jobId: number; info: ModelInfo }
  /** What `probes` of request `requestId` computed, on the weights of step `step`; arrays transferred. */
  | { type: 'snapshot'; jobId: number; requestId: number; step: number; arrays: Record<string, ShapedArray>; /** For a `{ text }` input: how it was read. */ text?: ReadText }
  /** A checkpoint of job `jobId`'s model (`encodeCheckpoint`'s bytes, transferred), to download and load again. */
  | { type: 'saved'; jobId: number; requestId: number; bytes: Uint8Array; fileName: string }
  /** Points of a range test since the last `range` message; the last message (`done`) carries the suggestion, when the curve has one. */
  | { type: 'range'; jobId: number; points: RangePoint[]; done: boolean; suggestion?: RangeSuggestion; /** Whether it stopped before its last step because the loss blew up. */ stoppedEarly?: boolean }
  | {
      type: 'error';
      jobId?: number;
      message: string;
      code?: FailureCode;
      /** The last good step, from which `continue` can go on. */
      resumeStep?: number;
      /** With `diverged`: the last step whose batch loss was finite and under the bound, and that loss. */
      lastGood?: { step: number; loss: number };
    };
