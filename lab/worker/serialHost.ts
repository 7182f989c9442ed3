import { DatasetCache } from '../data/datasetCache';
import type { Dataset, DatasetId, TextReader } from '../data/datasets';
import type { WorkerRequest, WorkerResponse } from './protocol';

/**
 * What the lab's worker hosts share: requests handled one after another (so that a `start`
 * never races the `init` before it), the data sets loaded once each, and failures posted as
 * `error` messages rather than thrown.
 */
export abstract class SerialHost {
  #queue: Promise<void> = Promise.resolve();
  #datasets: DatasetCache | undefined;

  /** Takes a request as it arrives; resolves when it has been handled. */
  abstract receive(request: WorkerRequest): Promise<void>;

  /** Handles one request now; never throws. */
  abstract handle(request: WorkerRequest): Promise<void>;

  /** Resolves once every request received so far has been handled. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** Handles `request` after every request queued before it. */
  protected enqueue(request: WorkerRequest): Promise<void> {
    this.#queue = this.#queue.then(() => this.handle(request));
    return this.#queue;
  }

  /** Reads data sets with `read` from now on (the `init` request says from where). */
  protected readDatasetsWith(read: TextReader): void {
    this.#datasets = new DatasetCache(read);
  }

  /** The data set `id`, loaded once however many jobs ask for it. */
  protected dataset(id: DatasetId): Promise<Dataset> {
    if (!this.#datasets) throw new Error('the worker was not initialized');
    return this.#datasets.get(id);
  }

  /** The `error` message for a failure of `request`. */
  protected failure(request: WorkerRequest, err: unknown): Extract<WorkerResponse, { type: 'error' }> {
    return { type: 'error', jobId: 'jobId' in request ? request.jobId : undefined, message: err instanceof Error ? err.message : String(err) };
  }
}
