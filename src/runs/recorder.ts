import { applyRunEvent, newRun, type RunRecord, type RunRecordEvent, type RunStart } from './record';
import { RunStoreError, type RunStore } from './store';

/** Fewest milliseconds between two writes of a running run's evaluations: a write per evaluation of a fast run would cost more than it tells. */
export const SAVE_INTERVAL_MS = 2000;

export interface RecorderOptions {
  store: RunStore;
  /** The store failed (no IndexedDB, full quota): called once per run, which goes on unrecorded. */
  onProblem(error: RunStoreError): void;
  /** Milliseconds on a monotonic clock; `performance.now` by default. */
  now?: () => number;
}

/**
 * Keeps one run's record up to date and in the store: written when the run starts, when the
 * worker names its backend, at evaluations (at most every {@link SAVE_INTERVAL_MS}), and when
 * it ends. Writes never overlap: one asked for while another is under way waits, and only the
 * latest record is written then.
 */
export class RunRecorder {
  #run: RunRecord;
  readonly #opts: RecorderOptions;
  #lastSave = -Infinity;
  #writing: Promise<void> | undefined;
  #again = false;
  #reported = false;

  constructor(start: RunStart, opts: RecorderOptions) {
    this.#opts = opts;
    this.#run = newRun(start);
    this.save();
  }

  /** The record as it stands. */
  get run(): RunRecord {
    return this.#run;
  }

  /** Applies an event of the run, and writes the record if the event warrants it. */
  apply(event: RunRecordEvent): void {
    const before = this.#run;
    this.#run = applyRunEvent(before, event);
    const ended = before.status === 'running' && this.#run.status !== 'running';
    const evaluated = event.type === 'progress' && this.#run.curve.dev.length + this.#run.curve.train.length > before.curve.dev.length + before.curve.train.length;
    if (ended || event.type === 'ready' || event.type === 'diverged' || (evaluated && this.#now() - this.#lastSave >= SAVE_INTERVAL_MS)) this.save();
  }

  /** Writes the record now (after a write under way); resolves once nothing is left to write. */
  save(): Promise<void> {
    this.#lastSave = this.#now();
    if (this.#writing) {
      this.#again = true;
      return this.#writing;
    }
    this.#writing = this.#write().finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  async #write(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#opts.store.put(this.#run);
      } catch (err) {
        if (!this.#reported) this.#opts.onProblem(err instanceof RunStoreError ? err : new RunStoreError('failed', String(err)));
        this.#reported = true;
      }
    } while (this.#again);
  }

  #now(): number {
    return (this.#opts.now ?? (() => performance.now()))();
  }
}
