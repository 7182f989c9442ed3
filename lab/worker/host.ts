import * as tf from '@tensorflow/tfjs';
import { DeviceLostError, loseDevice, watchDeviceLoss } from '../backend/deviceWatch';
import type { BackendName } from '../backend/names';
import { selectBackend } from '../backend/probe';
import { activeWasmThreads, registerBackends } from '../backend/register';
import { poolSettingsFor } from '../backend/threads';
import { contextWindows } from '../data/contexts';
import { type Dataset, type DatasetId, DATASETS, isDatasetId, type TextReader } from '../data/datasets';
import { NeuralBigram } from '../models/bigram';
import { type LanguageModel, numParams } from '../models/model';
import type { ModelSpec } from '../models/registry';
import { NGramCounts } from '../models/ngramCounts';
import { sampleTraced } from '../sample';
import { CharTokenizer } from '../tokenizers/char';
import { windowBatches } from '../train/batches';
import { captureCheckpoint, encodeCheckpoint } from '../train/checkpoint';
import { evaluateLoss } from '../train/evaluate';
import { adam } from '../train/optim';
import { captureResumePoint, type ResumePoint, restoreResumePoint } from '../train/resume';
import { startPlanRangeTest } from '../train/lrRange';
import { startTraining, type TrainingPlan } from '../train/run';
import { DivergedError, type TrainerCallbacks, Trainer, type TrainSummary } from '../train/trainer';
import { inputBatch, type InspectedModel, snapshot, updateParameters } from './inspect';
import { freshModel, modelFromCheckpoint } from './loadModel';
import { SerialHost } from './serialHost';
import { ThreadKeeper, type ThreadKeeperEnvironment } from './threadKeeper';
import type { LossPoint, LrRangeJob, ModelInfo, ModelSource, PlanJob, RangePoint, TrainJob, WorkerRequest, WorkerResponse } from './protocol';

/**
 * The model a job holds (trained or loaded), for `sample`, `inspect` and `save` requests, with
 * what is known of how it was made.
 */
interface CurrentModel extends InspectedModel {
  jobId: number;
  /** The data set's id, when known: it names saved files and is saved with the weights. */
  datasetId?: DatasetId;
  /** Optimizer steps the weights have had; a training job updates it between steps. */
  step: number;
  metrics?: Record<string, number>;
  /** Where it came from (ModelInfo's `origin`). */
  origin: string;
}

/** A `watch` request, kept until its job trains. */
type Watch = Extract<WorkerRequest, { type: 'watch' }>;

/** An `inspect` or `save` request for the job being trained, which waits for the weights between two steps. */
type BetweenStepsRequest = Extract<WorkerRequest, { type: 'inspect' | 'save' }>;

/** A run on a GPU backend, as of its last good step: what `continue` needs to go on elsewhere. */
interface Resumable {
  jobId: number;
  job: TrainJob | PlanJob;
  point: ResumePoint;
}

/** The job being trained, to pause, stop or fail it. */
interface RunningJob {
  jobId: number;
  trainer: Trainer;
}

/** Reads a binary file by its path under the site's base URL. */
export type BytesReader = (path: string) => Promise<Uint8Array>;

/** Reads binary files under `baseUrl` with `fetch` (a page, a worker, Node 20). */
export function fetchBytes(baseUrl: string): BytesReader {
  return async (path) => {
    const base = new URL(baseUrl, globalThis.location?.href);
    const response = await fetch(new URL(path, base));
    if (!response.ok) throw new Error(`could not load ${path} (HTTP ${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

/** Most milliseconds between two progress messages while training. */
const PROGRESS_INTERVAL_MS = 100;

/** What a host needs from where it runs (a worker, a page, Node). */
export interface HostEnvironment {
  /** Sends a message to the widget, moving the `transfer` buffers (a snapshot's arrays) instead of copying them. */
  post(message: WorkerResponse, transfer?: ArrayBuffer[]): void;
  /** Makes a reader of data-set files from the site's base URL (or a folder in Node). */
  reader(baseUrl: string): TextReader;
  /**
   * Makes a reader of binary files (checkpoints, `checkpoints/<name>.ckpt`) from the site's base
   * URL; by default {@link fetchBytes}.
   */
  bytes?(baseUrl: string): BytesReader;
  /** Folder of tfjs's wasm binaries for a base URL; defaults to `${baseUrl}tfjs/`. */
  wasmDirectory?(baseUrl: string): string;
  /** Logical cores of the machine (`navigator.hardwareConcurrency`), to size wasm's threads. */
  cores?: number;
  /** How wasm's thread count is measured and switched (tests); the real one by default. */
  threads?: ThreadKeeperEnvironment;
}

/**
 * The lab side of a widget's worker: takes {@link WorkerRequest}s, runs one job at a time and
 * answers with {@link WorkerResponse}s. It touches no DOM, so the same host runs in a Web
 * Worker, on a page's main thread and in Node tests.
 *
 * Jobs queue behind one another, but a job is never run for nothing: a `stop`, or a newer
 * `start`, cancels a job that is running *or* still waiting in the queue. On a GPU backend a
 * lost device ends the run with the last good step, from which `continue` goes on elsewhere.
 */
export class LabHost extends SerialHost {
  readonly #env: HostEnvironment;
  #running: RunningJob | undefined;
  /** The model of the last job, and the data set it was made from, for `sample` requests. */
  #current: CurrentModel | undefined;
  /** The last good step of the latest run on a GPU backend. */
  #resumable: Resumable | undefined;
  /** `watch` requests by job, kept from their arrival (before or after the job starts) until the job ends. */
  readonly #watches = new Map<number, Watch[]>();
  /** Each job's projection bases by probe name, so that projections keep their orientation. */
  readonly #bases = new Map<number, Map<string, Float64Array>>();
  /**
   * Per training job, the parameters that a watch's `update.` keys will need at its next
   * snapshot, as they were after `step` (the step before it), copied between two steps.
   */
  readonly #previous = new Map<number, { step: number; tensors: Map<string, tf.Tensor> }>();
  /** `inspect` and `save` requests for the running job, served at its next pause between steps, each with its `receive`'s resolve. */
  #waiting: { request: BetweenStepsRequest; served: () => void }[] = [];
  /** The base URL of the site, from `init`. */
  #baseUrl = '/';
  /** The newest job asked for. */
  #newestJob = 0;
  /** Jobs with ids up to this one are cancelled. */
  #cancelledThrough = 0;
  /** Wasm's thread count: measured at `init`, checked again as runs start and slow down. */
  readonly #threads: ThreadKeeper;

  constructor(env: HostEnvironment) {
    super();
    this.#env = env;
    this.#threads = new ThreadKeeper((choice) => this.#env.post({ type: 'threads', threads: choice.threads, choice }), env.threads);
  }

  /**
   * Takes a request as it arrives: pause, resume, stop and faults act at once on the running
   * job; a start or continue cancels what runs or waits, then queues; the rest queue.
   * Resolves when the request has been handled.
   */
  receive(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'pause':
      case 'resume':
      case 'stop':
      case 'simulate':
        return this.handle(request);
      case 'watch':
        return this.handle(request);
      case 'inspect':
      case 'save':
        if (this.#running?.jobId !== request.jobId) break;
        // The job trains (and holds the queue): paused between two steps its weights are whole
        // now; otherwise the request waits for the next pause between steps.
        if (this.#running.trainer.resting) return this.handle(request);
        return new Promise((served) => this.#waiting.push({ request, served }));
      case 'start':
      case 'continue':
      case 'load':
        this.#newestJob = Math.max(this.#newestJob, request.jobId);
        this.#cancel(request.jobId - 1);
    }
    return this.enqueue(request);
  }

  /** Handles one request now; never throws: failures are posted as `error` messages. */
  async handle(request: WorkerRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'init':
          this.#baseUrl = request.baseUrl;
          this.readDatasetsWith(this.#env.reader(request.baseUrl));
          await this.#registerBackends(request);
          return await this.#useBackend(request.backend ?? 'auto');
        case 'start':
          if (this.#skipCancelled(request.jobId)) return;
          switch (request.job.kind) {
            case 'ngram':
              throw new Error('n-gram jobs run in the counting worker (CountHost), which needs no tfjs');
            case 'train':
              return await this.#runBigram(request.jobId, request.job);
            case 'plan':
              return await this.#runPlan(request.jobId, request.job);
            case 'lr-range':
              return await this.#runRange(request.jobId, request.job);
          }
          return;
        case 'continue':
          if (this.#skipCancelled(request.jobId)) return;
          return await this.#continue(request);
        case 'pause':
          return this.#running?.trainer.pause();
        case 'resume':
          return this.#running?.trainer.resume();
        case 'stop':
          return this.#cancel(request.jobId ?? this.#newestJob);
        case 'simulate':
          return loseDevice();
        case 'sample':
          return this.#sample(request);
        case 'load':
          if (this.#skipCancelled(request.jobId)) return;
          return await this.#load(request.jobId, request.source);
        case 'watch':
          return this.#watch(request);
        case 'inspect':
          return await this.#inspect(request);
        case 'save':
          return await this.#save(request);
        case 'dispose':
          this.#cancel(this.#newestJob);
          this.#replaceCurrent(undefined);
          return;
      }
    } catch (err) {
      const diverged = err instanceof DivergedError ? { code: 'diverged' as const, ...(err.lastGood ? { lastGood: err.lastGood } : {}) } : {};
      this.#env.post({ ...this.failure(request, err), ...diverged });
    }
  }

  /** Cancels every job up to `jobId`: the running one stops after its step, queued ones never start. */
  #cancel(jobId: number): void {
    this.#cancelledThrough = Math.max(this.#cancelledThrough, jobId);
    if (this.#running && this.#running.jobId <= jobId) this.#running.trainer.stop();
  }

  /** Whether a job was cancelled before it could start; if so says it stopped. */
  #skipCancelled(jobId: number): boolean {
    if (jobId > this.#cancelledThrough) return false;
    this.#env.post({ type: 'state', jobId, state: 'stopped' });
    return true;
  }

  /**
   * Registers tfjs's backends, wasm with the thread count that a measurement of the free cores
   * chose (or `init`'s `threads` forced); its pthread pool gets workers for the policy's count,
   * so that a later check can go back up to it.
   */
  async #registerBackends(request: Extract<WorkerRequest, { type: 'init' }>): Promise<void> {
    const cores = this.#env.cores;
    const choice = cores ? await this.#threads.start(cores, request.threads ?? 'auto') : undefined;
    registerBackends(this.#env.wasmDirectory?.(request.baseUrl) ?? `${request.baseUrl}tfjs/`, { cores, ...(choice ? poolSettingsFor(choice) : {}) });
  }

  /** Makes `backend` active (a named one is not probed) and tells the widget. */
  async #useBackend(backend: BackendName | 'auto'): Promise<void> {
    const choice = await selectBackend(backend);
    const threads = choice.backend === 'wasm' ? activeWasmThreads() : undefined;
    const threadChoice = threads && this.#threads.choice ? { threadChoice: { ...this.#threads.choice, threads } } : {};
    this.#env.post({ type: 'ready', backend: choice.backend, probe: choice.probe, ...(threads ? { threads } : {}), ...threadChoice });
  }

  /**
   * Makes `next` the model that `sample`, `inspect` and `save` requests use, freeing the one
   * before, and tells the widget which model it is.
   */
  #replaceCurrent(next: CurrentModel | undefined): void {
    const old = this.#current;
    this.#current = next;
    if (next) this.#env.post({ type: 'model', jobId: next.jobId, info: modelInfo(next) });
    if (!old || old.model === next?.model) return;
    try {
      old.model.dispose();
    } catch {
      // Its tensors lived on a GPU that is gone; there is nothing left to free.
    }
  }

  /**
   * The neural bigram of chapter 1: Adam (the course's own, the same update as `tf.train.adam`,
   * so that its state can be kept and restored) or plain SGD, over bigram windows.
   * With `resume`, goes on from that point instead of from the first step.
   */
  async #runBigram(jobId: number, job: TrainJob, resume?: ResumePoint): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.dataset(job.dataset);
    if (this.#skipCancelled(jobId)) return;
    const reference = job.reference ?? { order: 2, smoothing: 1 };
    const counts = new NGramCounts(dataset.tokenizer.vocabSize, reference).fit(dataset.splits.train);
    this.#env.post({
      type: 'reference',
      jobId,
      label: `${reference.order}-gram k=${reference.smoothing}`,
      nll: { train: counts.nll(dataset.splits.train), dev: counts.nll(dataset.splits.dev) },
    });
    const spec: ModelSpec = { kind: 'bigram', config: { seed: job.seed, initScale: 1 } };
    await this.#threads.beforeRun();
    const model = new NeuralBigram({ vocabSize: dataset.tokenizer.vocabSize, ...spec.config });
    const plan: TrainingPlan = { model: spec, steps: job.steps, batchSize: job.batchSize, learningRate: job.learningRate, weightDecay: 0, beta2: 0.999, evalEvery: job.evalEvery, seed: job.seed };
    this.#replaceCurrent({ ...this.#trained(jobId, job.dataset, dataset, spec, plan, model), step: resume?.step ?? 0 });
    const trainWindows = contextWindows(dataset.splits.train, model.blockSize);
    const sources = {
      batches: windowBatches(trainWindows, job.batchSize, job.seed),
      train: windowBatches(trainWindows, 0, 0),
      dev: windowBatches(contextWindows(dataset.splits.dev, model.blockSize), 0, 0),
    };
    const optimizer = job.optimizer === 'sgd' ? tf.train.sgd(job.learningRate) : adam(job.learningRate);
    if (resume) {
      restoreResumePoint(model, optimizer, resume);
      sources.batches.skip(resume.step);
    }
    if (!resume) this.#keepPrevious(jobId, 0, model);
    const progress = this.#progressCallbacks(jobId);
    const trainer = new Trainer({
      model,
      optimizer,
      batches: sources.batches,
      steps: job.steps,
      startStep: resume?.step,
      evalEvery: job.evalEvery,
      evaluate: async (stopped) => {
        const train = await evaluateLoss(model, sources.train, 1, stopped);
        const dev = await evaluateLoss(model, sources.dev, 1, stopped);
        return stopped() ? undefined : { train, dev };
      },
      between: this.#betweenSteps(jobId, this.#resumePoints(jobId, job, model, optimizer, job.evalEvery)),
      callbacks: progress,
    });
    try {
      await this.#drive(jobId, trainer, trainer.run(), progress);
    } finally {
      optimizer.dispose();
      Object.values(sources).forEach((s) => s.dispose());
    }
  }

  async #runPlan(jobId: number, job: PlanJob, resume?: ResumePoint): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.dataset(job.dataset);
    if (this.#skipCancelled(jobId)) return;
    await this.#threads.beforeRun();
    const progress = this.#progressCallbacks(jobId);
    let capture: ((step: number) => Promise<void>) | undefined;
    const run = startTraining(dataset, job.plan, progress, { resume, between: this.#betweenSteps(jobId, (step) => capture?.(step)) });
    capture = this.#resumePoints(jobId, job, run.model, run.optimizer, job.plan.evalEvery);
    // Before the first step: the trainer's run() awaits its first evaluation before stepping. A
    // resumed run has already taken its first step, so its first update snapshot is skipped.
    if (!resume) this.#keepPrevious(jobId, 0, run.model);
    this.#replaceCurrent({ ...this.#trained(jobId, job.dataset, dataset, job.plan.model, job.plan, run.model), step: resume?.step ?? 0 });
    await this.#drive(jobId, run.trainer, run.done, progress);
  }

  /**
   * A learning-rate range test of a plan's model (built fresh, not kept): `range` messages with
   * the points since the last one, at most every {@link PROGRESS_INTERVAL_MS}, then a last one,
   * `done`, with the suggestion; `stop` ends it like a training run.
   */
  async #runRange(jobId: number, job: LrRangeJob): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.dataset(job.dataset);
    if (this.#skipCancelled(jobId)) return;
    const points = throttled<RangePoint>((batch) => this.#env.post({ type: 'range', jobId, points: batch, done: false }));
    const sweep = { minLearningRate: job.minLearningRate, maxLearningRate: job.maxLearningRate, steps: job.steps };
    const run = startPlanRangeTest(dataset, job.plan, sweep, { onPoint: (point) => points.push(point) });
    const finished = run.done.then((result) => {
      this.#env.post({ type: 'range', jobId, points: points.take(), done: true, ...(result.suggestion ? { suggestion: result.suggestion } : {}), ...(result.stoppedEarly ? { stoppedEarly: true } : {}) });
      return { stopped: result.stopped, evalAbandoned: false };
    });
    await this.#drive(jobId, run.trainer, finished, points);
  }

  /**
   * Continues a run whose GPU was lost, on another backend, from its last good step: the same
   * job, restored from the point kept in this worker's memory.
   */
  async #continue(request: Extract<WorkerRequest, { type: 'continue' }>): Promise<void> {
    const saved = this.#resumable;
    if (!saved || saved.jobId !== request.fromJob) throw new Error('there is no run to continue: start a new one');
    this.#env.post({ type: 'state', jobId: request.jobId, state: 'loading' });
    this.#replaceCurrent(undefined); // its tensors were on the lost device
    await this.#useBackend(request.backend);
    if (saved.job.kind === 'train') await this.#runBigram(request.jobId, saved.job, saved.point);
    else await this.#runPlan(request.jobId, saved.job, saved.point);
  }

  /**
   * A between-steps hook that keeps the run's last good step in this worker's memory every
   * `every` steps (as often as it evaluates), on GPU backends only (whose device can be lost; wasm and cpu cannot lose
   * theirs). The copy is taken between steps, so it never mixes two steps' weights.
   */
  #resumePoints(jobId: number, job: TrainJob | PlanJob, model: LanguageModel, optimizer: tf.Optimizer, every: number): (step: number) => Promise<void> {
    const onGpu = tf.getBackend() === 'webgl' || tf.getBackend() === 'webgpu';
    return async (step) => {
      if (!onGpu || step % Math.max(1, every) !== 0) return;
      this.#resumable = { jobId, job, point: await captureResumePoint(model, optimizer, step) };
    };
  }

  /**
   * Runs a job's training to its end and posts its states. A lost GPU fails the run at once
   * (its readbacks would never settle) and is reported with the last good step, if one was kept.
   */
  async #drive(jobId: number, trainer: Trainer, done: Promise<Pick<TrainSummary, 'stopped' | 'evalAbandoned'>>, progress: { flush(): void }): Promise<void> {
    this.#running = { jobId, trainer };
    const unwatch = watchDeviceLoss((reason) => trainer.fail(new DeviceLostError(reason)));
    try {
      this.#env.post({ type: 'state', jobId, state: 'running' });
      const summary = await done;
      progress.flush();
      this.#env.post({ type: 'state', jobId, state: summary.stopped ? 'stopped' : 'done', ...(summary.evalAbandoned ? { evalAbandoned: true } : {}) });
    } catch (err) {
      progress.flush();
      if (!(err instanceof DeviceLostError)) throw err;
      const resumeStep = this.#resumable?.jobId === jobId ? this.#resumable.point.step : undefined;
      this.#env.post({ type: 'error', jobId, code: 'device-lost', message: err.message, ...(resumeStep !== undefined ? { resumeStep } : {}) });
    } finally {
      unwatch();
      if (this.#running?.trainer === trainer) this.#running = undefined;
      this.#watches.delete(jobId);
      this.#dropPrevious(jobId);
      await this.#serveWaiting();
    }
  }

  /** The current model of a training job. */
  #trained(jobId: number, datasetId: DatasetId, dataset: Dataset, spec: ModelSpec, plan: TrainingPlan, model: LanguageModel): Omit<CurrentModel, 'step'> {
    return { jobId, model, spec, plan, vocab: dataset.tokenizer.chars, datasetKind: dataset.info.kind, dataset, datasetId, origin: 'training' };
  }

  /**
   * The trainer's between-steps hook of job `jobId`: `first` (resume points), then the new step
   * count, the snapshots of the job's watches that are due, and the requests waiting for the weights.
   */
  #betweenSteps(jobId: number, first: (step: number) => void | Promise<void>): (step: number) => Promise<void> {
    return async (step) => {
      await this.#threads.betweenSteps();
      await first(step);
      const current = this.#current;
      if (current?.jobId !== jobId) return;
      current.step = step;
      const kept = this.#previous.get(jobId);
      const previous = kept?.step === step - 1 ? kept.tensors : new Map<string, tf.Tensor>();
      const parameters = new Set(current.model.namedVariables().map(([name]) => name));
      for (const watch of this.#watches.get(jobId) ?? []) {
        if (step % watch.every !== 0) continue;
        // A parameter not copied the step before (the watch came in between, a resumed run's
        // first step) waits for the next snapshot; an unknown one fails it, listing the valid ones.
        if (updateParameters(watch.probes).some((name) => parameters.has(name) && !previous.has(name))) continue;
        try {
          await this.#postSnapshot(current, watch, previous);
        } catch (err) {
          // A watch that cannot be taken (an unknown key, a bad probe) is dropped; training goes on.
          this.#watches.set(jobId, (this.#watches.get(jobId) ?? []).filter((w) => w !== watch));
          this.#env.post(this.failure(watch, err));
        }
      }
      this.#keepPrevious(jobId, step, current.model);
      await this.#serveWaiting();
    };
  }

  /**
   * Copies the parameters that the `update.` keys of job `jobId`'s watches due at step `step` + 1
   * read, as they are after step `step`, freeing the copies kept before.
   */
  #keepPrevious(jobId: number, step: number, model: LanguageModel): void {
    this.#dropPrevious(jobId);
    const wanted = new Set((this.#watches.get(jobId) ?? []).filter((w) => (step + 1) % w.every === 0).flatMap((w) => updateParameters(w.probes)));
    if (wanted.size === 0) return;
    // Unknown names are left out: the snapshot then fails with the list of valid ones.
    const tensors = new Map(model.namedVariables().filter(([name]) => wanted.has(name)).map(([name, variable]) => [name, tf.clone(variable)] as const));
    this.#previous.set(jobId, { step, tensors });
  }

  /** Frees the parameter copies kept for job `jobId`. */
  #dropPrevious(jobId: number): void {
    const kept = this.#previous.get(jobId);
    if (kept) tf.dispose([...kept.tensors.values()]);
    this.#previous.delete(jobId);
  }

  /** Serves the `inspect` and `save` requests that waited for the weights between two steps. */
  async #serveWaiting(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { request, served } of waiting) {
      await this.handle(request);
      served();
    }
  }

  /** Keeps a `watch` request for its job, whether the job has started or not. */
  #watch(request: Watch): void {
    if (!Number.isInteger(request.every) || request.every < 1) throw new Error(`a watch needs every >= 1 step, not ${request.every}`);
    if (request.jobId <= this.#cancelledThrough && this.#running?.jobId !== request.jobId) return;
    this.#watches.set(request.jobId, [...(this.#watches.get(request.jobId) ?? []), request]);
  }

  /** Loads a shipped or saved checkpoint, or builds a fresh model, as job `jobId`'s model. */
  async #load(jobId: number, source: ModelSource): Promise<void> {
    if ('fresh' in source) return await this.#loadFresh(jobId, source.fresh);
    let bytes: Uint8Array;
    let label: string;
    let origin: string;
    if ('checkpoint' in source) {
      if (!/^[\w.-]+$/.test(source.checkpoint)) throw new Error(`there is no checkpoint called ${JSON.stringify(source.checkpoint)}`);
      label = `the checkpoint ${source.checkpoint}`;
      origin = source.checkpoint;
      const read = this.#env.bytes?.(this.#baseUrl) ?? fetchBytes(this.#baseUrl);
      bytes = await read(`checkpoints/${source.checkpoint}.ckpt`);
    } else {
      label = 'the file';
      origin = 'file';
      bytes = source.bytes;
    }
    const loaded = modelFromCheckpoint(bytes, label);
    let dataset: Dataset | undefined;
    try {
      dataset = loaded.datasetId ? await this.dataset(loaded.datasetId) : undefined;
    } catch (err) {
      loaded.model.dispose();
      throw err;
    }
    // A data set whose characters differ (another version of the file) cannot feed this model.
    if (dataset && dataset.tokenizer.chars.join('') !== loaded.vocab.join('')) dataset = undefined;
    if (this.#skipCancelled(jobId)) {
      loaded.model.dispose();
      return;
    }
    this.#bases.delete(jobId);
    const { model, spec, plan, datasetId, vocab, step, metrics } = loaded;
    const datasetKind = dataset?.info.kind ?? (datasetId ? DATASETS[datasetId].kind : undefined);
    this.#replaceCurrent({ jobId, model, spec, plan, vocab, dataset, datasetId, datasetKind, step, metrics, origin });
  }

  /** Builds a fresh model of `spec` (step 0, origin `fresh`) with the data set's tokenizer as job `jobId`'s model. */
  async #loadFresh(jobId: number, { dataset: datasetId, spec }: { dataset: DatasetId; spec: ModelSpec }): Promise<void> {
    if (!isDatasetId(datasetId)) throw new Error(`there is no data set called ${JSON.stringify(datasetId)}`);
    const dataset = await this.dataset(datasetId);
    if (this.#skipCancelled(jobId)) return;
    const { model, plan, vocab } = freshModel(spec, datasetId, dataset.tokenizer.chars);
    this.#bases.delete(jobId);
    this.#replaceCurrent({ jobId, model, spec, plan, vocab, dataset, datasetId, datasetKind: dataset.info.kind, step: 0, origin: 'fresh' });
  }

  /** The current model of job `jobId`, or an error that says there is none. */
  #modelOf(jobId: number): CurrentModel {
    const current = this.#current;
    if (!current || current.jobId !== jobId) throw new Error(`job ${jobId} holds no model: load or train one first`);
    return current;
  }

  async #inspect(request: Extract<WorkerRequest, { type: 'inspect' }>): Promise<void> {
    await this.#postSnapshot(this.#modelOf(request.jobId), request);
  }

  /** Takes a snapshot of `request`'s probes on the current model and posts it, its arrays transferred. */
  async #postSnapshot(current: CurrentModel, request: Watch | Extract<WorkerRequest, { type: 'inspect' }>, previous?: ReadonlyMap<string, tf.Tensor>): Promise<void> {
    const batch = inputBatch(current, request.input); // (B, T) each
    let bases = this.#bases.get(request.jobId);
    if (!bases) this.#bases.set(request.jobId, (bases = new Map()));
    try {
      const { arrays, transfer, text } = await snapshot(current, batch, request.probes, bases, previous);
      this.#env.post({ type: 'snapshot', jobId: request.jobId, requestId: request.requestId, step: current.step, arrays, ...(text ? { text } : {}) }, transfer);
    } finally {
      tf.dispose([batch.x, batch.y]); // the snapshot is read back
    }
  }

  /** Posts the current weights as checkpoint bytes that `load` reads back. */
  async #save(request: Extract<WorkerRequest, { type: 'save' }>): Promise<void> {
    const current = this.#modelOf(request.jobId);
    const config = { dataset: current.datasetId, plan: current.plan };
    const checkpoint = await captureCheckpoint(current.model, { config, vocab: [...current.vocab], step: current.step, ...(current.metrics ? { metrics: current.metrics } : {}) });
    const bytes = encodeCheckpoint(checkpoint);
    const fileName = `${current.datasetId ?? 'model'}-${current.spec.kind}-step${current.step}.ckpt`;
    this.#env.post({ type: 'saved', jobId: request.jobId, requestId: request.requestId, bytes, fileName }, [bytes.buffer as ArrayBuffer]);
  }

  /**
   * Trainer callbacks that post progress: the batch loss of every step and each evaluation,
   * batched into one message at most every {@link PROGRESS_INTERVAL_MS}, and only new points.
   */
  #progressCallbacks(jobId: number): TrainerCallbacks & { flush(): void } {
    let lastStep = 0;
    const started = performance.now();
    const points = throttled<LossPoint>((batch) => this.#env.post({ type: 'progress', jobId, step: lastStep, points: batch, elapsedMs: performance.now() - started }));
    return {
      flush: () => points.flush(),
      onStep: (step, loss, info) => {
        if (info.ms !== undefined) this.#threads.stepTook(info.ms);
        lastStep = step;
        points.push({ step, series: 'batch', loss });
      },
      onEval: (step, losses) => {
        for (const [series, loss] of Object.entries(losses)) points.push({ step, series: series as LossPoint['series'], loss });
        points.flush();
      },
    };
  }

  #sample(request: Extract<WorkerRequest, { type: 'sample' }>): void {
    const current = this.#current;
    if (!current || current.jobId !== request.jobId) throw new Error('there is no model to sample from yet');
    const tokenizer = CharTokenizer.fromChars(current.vocab);
    const prompt = request.prompt ? tokenizer.encode(request.prompt) : undefined;
    const drawn = sampleTraced(
      current.model,
      {
        count: request.count,
        maxLength: request.maxLength,
        temperature: request.temperature,
        topK: request.topK,
        topP: request.topP,
        seed: request.seed,
        prompt,
        stopAtBoundary: current.datasetKind !== 'stream',
      },
      request.distributions ?? 0,
    );
    const char = (id: number) => current.vocab[id] ?? '';
    const steps = drawn.steps?.map((row) => row.map((s) => ({ char: char(s.id), p: s.p, top: s.top.map(char), probs: s.probs, rest: s.rest })));
    this.#env.post({ type: 'sample', jobId: request.jobId, texts: drawn.ids.map((s) => tokenizer.decode(s)), ...(steps ? { steps } : {}) });
  }
}

/**
 * Collects items and sends those gathered so far at most every {@link PROGRESS_INTERVAL_MS} (a
 * widget gets only new points, in few messages): `push` sends when the interval has passed,
 * `flush` sends what waits now, `take` hands it over unsent.
 */
function throttled<T>(send: (items: T[]) => void): { push(item: T): void; flush(): void; take(): T[] } {
  let pending: T[] = [];
  let lastSent = 0;
  const take = () => {
    const items = pending;
    pending = [];
    return items;
  };
  const flush = () => {
    if (pending.length === 0) return;
    send(take());
    lastSent = performance.now();
  };
  return {
    push: (item) => {
      pending.push(item);
      if (performance.now() - lastSent > PROGRESS_INTERVAL_MS) flush();
    },
    flush,
    take,
  };
}

/** What a view needs to label a model. */
function modelInfo(current: CurrentModel): ModelInfo {
  return {
    kind: current.spec.kind,
    config: current.spec.config,
    vocab: [...current.vocab],
    ...(current.dataset ? { counts: tokenCounts(current.dataset) } : {}),
    params: numParams(current.model),
    step: current.step,
    ...(current.metrics ? { metrics: current.metrics } : {}),
    origin: current.origin,
    parameters: current.model.namedVariables().map(([name, variable]) => ({ name, shape: variable.shape })),
  };
}

/** How often each token occurs in a data set's training split, the boundary once per line example. */
function tokenCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.tokenizer.vocabSize).fill(0);
  const { sequences, wrapped } = dataset.splits.train;
  for (const sequence of sequences) for (const id of sequence) counts[id]!++;
  if (wrapped) counts[CharTokenizer.BOUNDARY_ID]! += sequences.length;
  return counts;
}
