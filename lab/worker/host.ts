import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DeviceLostError, loseDevice, watchDeviceLoss } from '../backend/deviceWatch';
import type { BackendName } from '../backend/names';
import { selectBackend } from '../backend/probe';
import { registerBackends } from '../backend/register';
import { contextWindows } from '../data/contexts';
import type { Dataset, TextReader } from '../data/datasets';
import { NeuralBigram } from '../models/bigram';
import type { LanguageModel } from '../models/model';
import { NGramCounts } from '../models/ngramCounts';
import { sample } from '../sample';
import { windowBatches } from '../train/batches';
import { evaluateLoss } from '../train/evaluate';
import { adam } from '../train/optim';
import { captureResumePoint, type ResumePoint, restoreResumePoint } from '../train/resume';
import { startTraining } from '../train/run';
import { DivergedError, type TrainerCallbacks, Trainer, type TrainSummary } from '../train/trainer';
import { SerialHost } from './serialHost';
import type { LossPoint, PlanJob, TrainJob, WorkerRequest, WorkerResponse } from './protocol';

/** A job's model, kept for `sample` requests, with the data set it was made from. */
interface CurrentModel {
  jobId: number;
  model: LanguageModel;
  dataset: Dataset;
}

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
  /** The newest job asked for. */
  #newestJob = 0;
  /** Jobs with ids up to this one are cancelled. */
  #cancelledThrough = 0;

  constructor(env: HostEnvironment) {
    super();
    this.#env = env;
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
      case 'start':
      case 'continue':
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
          this.readDatasetsWith(this.#env.reader(request.baseUrl));
          registerBackends(this.#env.wasmDirectory?.(request.baseUrl) ?? `${request.baseUrl}tfjs/`, { cores: this.#env.cores });
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
        case 'dispose':
          this.#cancel(this.#newestJob);
          this.#replaceCurrent(undefined);
          return;
      }
    } catch (err) {
      this.#env.post({ ...this.failure(request, err), ...(err instanceof DivergedError ? { code: 'diverged' } : {}) });
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

  /** Makes `backend` active (a named one is not probed) and tells the widget. */
  async #useBackend(backend: BackendName | 'auto'): Promise<void> {
    const choice = await selectBackend(backend);
    const threads = choice.backend === 'wasm' ? getThreadsCount() : undefined;
    this.#env.post({ type: 'ready', backend: choice.backend, probe: choice.probe, ...(threads ? { threads } : {}) });
  }

  /** Makes `next` the model that `sample` requests use, freeing the one before. */
  #replaceCurrent(next: CurrentModel | undefined): void {
    const old = this.#current;
    this.#current = next;
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
    const model = new NeuralBigram({ vocabSize: dataset.tokenizer.vocabSize, seed: job.seed });
    this.#replaceCurrent({ jobId, model, dataset });
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
      between: this.#resumePoints(jobId, job, model, optimizer, job.evalEvery),
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
    const progress = this.#progressCallbacks(jobId);
    let capture: ((step: number) => Promise<void>) | undefined;
    const run = startTraining(dataset, job.plan, progress, { resume, between: (step) => capture?.(step) });
    capture = this.#resumePoints(jobId, job, run.model, run.optimizer, job.plan.evalEvery);
    this.#replaceCurrent({ jobId, model: run.model, dataset });
    await this.#drive(jobId, run.trainer, run.done, progress);
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
  async #drive(jobId: number, trainer: Trainer, done: Promise<TrainSummary>, progress: { flush(): void }): Promise<void> {
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
