import type { Dataset } from '../data/datasets';
import { drawSequences } from '../draw';
import { NGramCounts } from '../models/ngramCounts';
import type { HostEnvironment } from './host';
import type { NGramJob, NGramResult, WorkerRequest } from './protocol';
import { SerialHost } from './serialHost';

/** What a counting host needs from where it runs: no backend, no wasm, no cores. */
export type CountHostEnvironment = Pick<HostEnvironment, 'post' | 'reader'>;

/** The counted model of the last job, kept for `sample` requests, with its data set. */
interface CurrentCounts {
  jobId: number;
  model: NGramCounts;
  dataset: Dataset;
}

/**
 * The counting side of a widget's worker: the same protocol as the lab host for the requests
 * a counting widget sends (`init`, `start` with an n-gram job, `sample`, `stop`, `dispose`), in
 * plain JavaScript, so that its worker loads no tfjs. It touches no DOM either, so it runs in a
 * Web Worker and in Node tests alike.
 */
export class CountHost extends SerialHost {
  readonly #env: CountHostEnvironment;
  #current: CurrentCounts | undefined;
  /** Jobs up to this id are stopped: a newer start or a stop came while they waited in the queue. */
  #stoppedThrough = 0;

  constructor(env: CountHostEnvironment) {
    super();
    this.#env = env;
  }

  /**
   * Takes a request as it arrives. A count runs to its end within one request, so `stop` and a
   * newer `start` can only cancel jobs still waiting in the queue (a slider dragged across
   * orders sends several); everything else queues.
   */
  receive(request: WorkerRequest): Promise<void> {
    if (request.type === 'start') this.#stoppedThrough = Math.max(this.#stoppedThrough, request.jobId - 1);
    if (request.type === 'stop' && request.jobId !== undefined) this.#stoppedThrough = Math.max(this.#stoppedThrough, request.jobId);
    return this.enqueue(request);
  }

  /** Handles one request; never throws: failures are posted as `error` messages. */
  async handle(request: WorkerRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'init':
          this.readDatasetsWith(this.#env.reader(request.baseUrl));
          // Counting is plain JavaScript on the CPU: there is no backend to probe.
          return this.#env.post({ type: 'ready', backend: 'cpu', probe: [] });
        case 'start':
          if (request.job.kind !== 'ngram') throw new Error(`a counting worker runs n-gram jobs, not '${request.job.kind}' jobs`);
          if (request.jobId <= this.#stoppedThrough) return this.#env.post({ type: 'state', jobId: request.jobId, state: 'stopped' });
          return await this.#count(request.jobId, request.job);
        case 'sample':
          return this.#sample(request);
        case 'dispose':
          this.#current = undefined;
          return;
        case 'continue':
          throw new Error('a counting worker has no run to continue');
        case 'pause':
        case 'resume':
        case 'stop':
        case 'simulate':
          return; // no run in progress between requests, no GPU: nothing to pause, stop or fault
      }
    } catch (err) {
      this.#env.post(this.failure(request, err));
    }
  }

  async #count(jobId: number, job: NGramJob): Promise<void> {
    this.#env.post({ type: 'state', jobId, state: 'loading' });
    const dataset = await this.dataset(job.dataset);
    const { model, result } = countNGram(dataset, job);
    this.#current = { jobId, model, dataset };
    this.#env.post({ type: 'ngram', jobId, result });
    this.#env.post({ type: 'state', jobId, state: 'done' });
  }

  #sample(request: Extract<WorkerRequest, { type: 'sample' }>): void {
    const current = this.#current;
    if (!current || current.jobId !== request.jobId) throw new Error('there is no model to sample from yet');
    const { tokenizer, info } = current.dataset;
    const ids = drawSequences((contexts) => contexts.map((context) => current.model.probabilities(context).map(Math.log)), current.model.blockSize, {
      count: request.count,
      maxLength: request.maxLength,
      temperature: request.temperature,
      seed: request.seed,
      prompt: request.prompt ? tokenizer.encode(request.prompt) : undefined,
      stopAtBoundary: info.kind === 'lines',
    });
    this.#env.post({ type: 'sample', jobId: request.jobId, texts: ids.map((s) => tokenizer.decode(s)) });
  }
}

/**
 * Counts the n-gram of a job on a data set's training split and sums it up: NLL on train and
 * dev, contexts seen, and the bigram heatmap when the job asks for one.
 */
export function countNGram(dataset: Dataset, job: NGramJob): { model: NGramCounts; result: NGramResult } {
  const { train, dev } = dataset.splits;
  const model = new NGramCounts(dataset.tokenizer.vocabSize, { order: job.order, smoothing: job.smoothing, estimator: job.estimator }).fit(train);
  const result: NGramResult = {
    order: job.order,
    smoothing: job.smoothing,
    vocab: [...dataset.tokenizer.chars],
    nll: { train: model.nll(train), dev: model.nll(dev) },
    contexts: model.contextCount,
  };
  if (job.heatmapSize) result.heatmap = bigramHeatmap(dataset, job.heatmapSize);
  return { model, result };
}

/** The bigram counts among the `size` most frequent tokens of the training split. */
export function bigramHeatmap(dataset: Dataset, size: number): NonNullable<NGramResult['heatmap']> {
  // Row by row, never the whole V × V matrix: the Tang poems' would take 100 MB.
  const bigram = new NGramCounts(dataset.tokenizer.vocabSize, { order: 2, smoothing: 0 }).fit(dataset.splits.train);
  const totals = dataset.tokenizer.chars.map((_, id) => bigram.total([id]));
  const frequent = totals
    .map((total, id) => ({ id, total }))
    .sort((a, b) => b.total - a.total || a.id - b.id)
    .slice(0, size)
    .map((t) => t.id)
    .sort((a, b) => a - b);
  return {
    tokens: frequent.map((id) => dataset.tokenizer.chars[id]!),
    tokenIds: frequent,
    counts: frequent.map((r) => {
      const row = bigram.counts([r]);
      return frequent.map((c) => row[c]!);
    }),
    rowTotals: frequent.map((r) => totals[r]!),
  };
}
