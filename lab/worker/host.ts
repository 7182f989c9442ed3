import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../backend/probe';
import { registerBackends } from '../backend/register';
import { contextWindows } from '../data/contexts';
import { type Dataset, type DatasetId, type TextReader, loadDataset } from '../data/datasets';
import { NeuralBigram } from '../models/bigram';
import type { LanguageModel } from '../models/model';
import { NGramModel } from '../models/ngram';
import { sample } from '../sample';
import { windowBatches } from '../train/batches';
import { evaluateLoss } from '../train/evaluate';
import { startTraining } from '../train/run';
import { type TrainerCallbacks, Trainer, type TrainSummary } from '../train/trainer';
import type { LossPoint, NGramJob, NGramResult, PlanJob, TrainJob, WorkerRequest, WorkerResponse } from './protocol';

/** A job's model, kept for `sample` requests, with the data set it was made from. */
interface CurrentModel {
  jobId: number;
  model: LanguageModel;
  dataset: Dataset;
}

/** Most milliseconds between two progress messages while training. */
const PROGRESS_INTERVAL_MS = 100;

/** What a host needs from where it runs (a worker, a page, Node). */
export interface HostEnvironment {
  /** Sends a message to the widget. */
  post(message: WorkerResponse): void;
  /** Makes a reader of data-set files from the site's base URL (or a folder in Node). */
  reader(baseUrl: string): TextReader;
  /** Folder of tfjs's wasm binaries for a base URL; defaults to `${baseUrl}tfjs/`. */
  wasmDirectory?(baseUrl: string): string;
  /** Logical cores of the machine (`navigator.hardwareConcurrency`), to size wasm's threads. */
  cores?: number;
}

/**
 * The lab side of a widget's worker: takes {@link WorkerRequest}s, runs one job at a time and
 * answers with {@link WorkerResponse}s. It touches no DOM, so the same host runs in a Web
 * Worker, on a page's main thread and in Node tests.
 */
export class LabHost {
  readonly #env: HostEnvironment;
  #read: TextReader | undefined;
  readonly #datasets = new Map<DatasetId, Promise<Dataset>>();
  #trainer: Trainer | undefined;
  /** The model of the last job, and the data set it was made from, for `sample` requests. */
  #current: CurrentModel | undefined;

  constructor(env: HostEnvironment) {
    this.#env = env;
  }

  /** Handles one request; never throws: failures are posted as `error` messages. */
  async handle(request: WorkerRequest): Promise<void> {
    const jobId = 'jobId' in request ? request.jobId : undefined;
    try {
      switch (request.type) {
        case 'init':
          return await this.#init(request.baseUrl, request.backend ?? 'auto');
        case 'start':
          this.#trainer?.stop();
          switch (request.job.kind) {
            case 'ngram':
              return await this.#runNGram(request.jobId, request.job);
            case 'train':
              return await this.#runBigram(request.jobId, request.job);
            case 'plan':
              return await this.#runPlan(request.jobId, request.job);
          }
          return;
        case 'pause':
          return this.#trainer?.pause();
        case 'resume':
          return this.#trainer?.resume();
        case 'stop':
          return this.#trainer?.stop();
        case 'sample':
          return this.#sample(request);
        case 'dispose':
          this.#trainer?.stop();
          this.#replaceCurrent(undefined);
          return;
      }
    } catch (err) {
      this.#env.post({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
    }
  }

  async #init(baseUrl: string, backend: Parameters<typeof selectBackend>[0]): Promise<void> {
    this.#read = this.#env.reader(baseUrl);
    registerBackends(this.#env.wasmDirectory?.(baseUrl) ?? `${baseUrl}tfjs/`, { cores: this.#env.cores });
    const choice = await selectBackend(backend);
    const threads = choice.backend === 'wasm' ? getThreadsCount() : undefined;
    this.#env.post({ type: 'ready', backend: choice.backend, probe: choice.probe, ...(threads ? { threads } : {}) });
  }

  #dataset(id: DatasetId): Promise<Dataset> {
    const read = this.#read;
    if (!read) throw new Error('the worker was not initialized');
    let dataset = this.#datasets.get(id);
    if (!dataset) {
      dataset = loadDataset(id, read);
      dataset.catch(() => this.#datasets.delete(id)); // a failed load may succeed on a retry
      this.#datasets.set(id, dataset);
    }
    return dataset;
  }

  /** Makes `next` the model that `sample` requests use, freeing the one before. */
  #replaceCurrent(next: CurrentModel | undefined): void {
    if (this.#current && this.#current.model !== next?.model) this.#current.model.dispose();
    this.#current = next;
  }

  async #runNGram(jobId: number, job: NGramJob): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.#dataset(job.dataset);
    const model = new NGramModel(dataset.tokenizer.vocabSize, { order: job.order, smoothing: job.smoothing }).fit(dataset.splits.train);
    const result: NGramResult = {
      order: job.order,
      smoothing: job.smoothing,
      vocab: [...dataset.tokenizer.chars],
      nll: { train: model.nll(dataset.splits.train), dev: model.nll(dataset.splits.dev) },
      contexts: model.contextCount,
    };
    if (job.heatmapSize) result.heatmap = heatmap(dataset, job.heatmapSize);
    this.#replaceCurrent({ jobId, model, dataset });
    this.#env.post({ type: 'ngram', jobId, result });
    this.#env.post({ type: 'state', jobId, state: 'done' });
  }

  async #runBigram(jobId: number, job: TrainJob): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.#dataset(job.dataset);
    const reference = job.reference ?? { order: 2, smoothing: 1 };
    const counts = new NGramModel(dataset.tokenizer.vocabSize, reference).fit(dataset.splits.train);
    this.#env.post({
      type: 'reference',
      jobId,
      label: `${reference.order}-gram k=${reference.smoothing}`,
      nll: { train: counts.nll(dataset.splits.train), dev: counts.nll(dataset.splits.dev) },
    });
    const model = new NeuralBigram({ vocabSize: dataset.tokenizer.vocabSize, seed: job.seed });
    this.#replaceCurrent({ jobId, model, dataset });
    const trainWindows = contextWindows(dataset.splits.train, model.blockSize);
    const sources = {
      batches: windowBatches(trainWindows, job.batchSize, job.seed),
      train: windowBatches(trainWindows, 0, 0),
      dev: windowBatches(contextWindows(dataset.splits.dev, model.blockSize), 0, 0),
    };
    const optimizer = job.optimizer === 'sgd' ? tf.train.sgd(job.learningRate) : tf.train.adam(job.learningRate);
    const progress = this.#progressCallbacks(jobId);
    const trainer = new Trainer({
      model,
      optimizer,
      batches: sources.batches,
      steps: job.steps,
      evalEvery: job.evalEvery,
      evaluate: async () => ({ train: await evaluateLoss(model, sources.train), dev: await evaluateLoss(model, sources.dev) }),
      callbacks: progress,
    });
    try {
      await this.#drive(jobId, trainer, trainer.run(), progress);
    } finally {
      optimizer.dispose();
      Object.values(sources).forEach((s) => s.dispose());
    }
  }

  async #runPlan(jobId: number, job: PlanJob): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.#dataset(job.dataset);
    const progress = this.#progressCallbacks(jobId);
    const run = startTraining(dataset, job.plan, progress);
    this.#replaceCurrent({ jobId, model: run.model, dataset });
    await this.#drive(jobId, run.trainer, run.done, progress);
  }

  /** Posts a run's state while it goes, and its end. */
  async #drive(jobId: number, trainer: Trainer, done: Promise<TrainSummary>, progress: { flush(): void }): Promise<void> {
    this.#trainer = trainer;
    this.#env.post({ type: 'state', jobId, state: 'running' });
    try {
      const summary = await done;
      progress.flush();
      this.#env.post({ type: 'state', jobId, state: summary.stopped ? 'stopped' : 'done' });
    } finally {
      if (this.#trainer === trainer) this.#trainer = undefined;
    }
  }

  /**
   * Trainer callbacks that post progress: the batch loss of every step and each evaluation,
   * batched into one message at most every {@link PROGRESS_INTERVAL_MS}, and only new points.
   */
  #progressCallbacks(jobId: number): TrainerCallbacks & { flush(): void } {
    let pending: LossPoint[] = [];
    let lastPost = 0;
    let lastStep = 0;
    const started = performance.now();
    const flush = () => {
      this.#env.post({ type: 'progress', jobId, step: lastStep, points: pending, elapsedMs: performance.now() - started });
      pending = [];
      lastPost = performance.now();
    };
    return {
      flush: () => pending.length > 0 && flush(),
      onStep: (step, loss) => {
        lastStep = step;
        pending.push({ step, series: 'batch', loss });
        if (performance.now() - lastPost > PROGRESS_INTERVAL_MS) flush();
      },
      onEval: (step, losses) => {
        for (const [series, loss] of Object.entries(losses)) pending.push({ step, series: series as LossPoint['series'], loss });
        flush();
      },
    };
  }

  #sample(request: Extract<WorkerRequest, { type: 'sample' }>): void {
    const current = this.#current;
    if (!current || current.jobId !== request.jobId) throw new Error('there is no model to sample from yet');
    const { tokenizer, info } = current.dataset;
    const prompt = request.prompt ? tokenizer.encode(request.prompt) : undefined;
    const ids = sample(current.model, {
      count: request.count,
      maxLength: request.maxLength,
      temperature: request.temperature,
      seed: request.seed,
      prompt,
      stopAtBoundary: info.kind === 'lines',
    });
    this.#env.post({ type: 'sample', jobId: request.jobId, texts: ids.map((s) => tokenizer.decode(s)) });
  }
}

/** The bigram counts among the `size` most frequent tokens of the training split. */
function heatmap(dataset: Dataset, size: number): NonNullable<NGramResult['heatmap']> {
  const bigram = new NGramModel(dataset.tokenizer.vocabSize, { order: 2, smoothing: 0 }).fit(dataset.splits.train);
  const rows = bigram.bigramCounts(); // V rows of V counts
  const totals = rows.map((row) => row.reduce((s, c) => s + c, 0));
  const frequent = totals
    .map((total, id) => ({ id, total }))
    .sort((a, b) => b.total - a.total || a.id - b.id)
    .slice(0, size)
    .map((t) => t.id)
    .sort((a, b) => a - b);
  return {
    tokens: frequent.map((id) => dataset.tokenizer.chars[id]!),
    tokenIds: frequent,
    counts: frequent.map((r) => frequent.map((c) => rows[r]![c]!)),
    rowTotals: frequent.map((r) => totals[r]!),
  };
}
