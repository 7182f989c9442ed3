import type { BackendName } from '../../lab/backend/names';
import { parseThreadSetting } from '../../lab/backend/threads';
import type { WorkerRequest, WorkerResponse } from '../../lab/worker/protocol';
import { type BackendChoice, pageBackend } from './pageBackend';

/**
 * Which worker script a widget runs: `lab` trains models on tfjs; `count` counts n-grams in
 * plain JavaScript and loads no tfjs, so that counting widgets stay light.
 */
export type WorkerKind = 'lab' | 'count';

/**
 * How a worker was lost: `error`, it threw or failed to load; `exited`, it ended without a word
 * (closed, killed, out of memory); `silent`, it stopped answering while it had a job.
 */
export type CrashKind = 'error' | 'exited' | 'silent';

/** What a widget hears from its worker. */
export interface LabClientHandlers {
  message(message: WorkerResponse): void;
  /** The worker is gone; the next request starts a new one. `detail`: the error's own words, if any. */
  crash(kind: CrashKind, detail?: string): void;
}

/**
 * Longest a worker with a job may stay silent before it counts as lost. Its heartbeat comes
 * every few seconds whenever its event loop turns; the longest legitimate silence is one
 * step or one evaluation batch of a large model on the slowest backend (cpu), some seconds.
 */
export const SILENT_WORKER_MS = 90_000;

/**
 * A widget's one worker: starts it on demand (initialized on the page's shared backend choice),
 * sends typed requests, notices when it dies (a Web Lock the worker holds while it lives is
 * released the moment it ends) or falls silent with a job (a heartbeat), reports it, and
 * starts a fresh one on the next request. Ends the worker when the widget goes away.
 */
export class LabClient {
  readonly #handlers: LabClientHandlers;
  readonly #kind: WorkerKind;
  readonly #choice: BackendChoice;
  #backend: BackendName | 'auto';
  #worker: Worker | undefined;
  /** Requests sent before the worker's `init` could be posted (it waits for the page's backend choice). */
  #queued: WorkerRequest[] | undefined;
  /** This worker is the page's prober: its `ready` settles the page's choice. */
  #probes = false;
  /** The latest job sent, and whether it may still be running. */
  #job = { id: 0, busy: false };
  #lastHeard = 0;
  /** The worker whose life lock is already asked for. */
  #watched: Worker | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /**
   * @param backend `auto` uses the page's choice (probing once per page); counting widgets pass
   *   `cpu`, which needs no probe since their work is plain JavaScript.
   * @param kind the worker script to run.
   */
  constructor(handlers: LabClientHandlers, backend: BackendName | 'auto', kind: WorkerKind = 'lab', choice: BackendChoice = pageBackend) {
    this.#handlers = handlers;
    this.#backend = backend;
    this.#kind = kind;
    this.#choice = choice;
  }

  /** Sends a request, starting (and initializing) the worker first if needed. */
  send(request: WorkerRequest): void {
    const worker = this.#ensureWorker();
    if (request.type === 'start' || request.type === 'continue') this.#job = { id: request.jobId, busy: true };
    if (this.#queued) this.#queued.push(request);
    else worker.postMessage(request);
  }

  /**
   * Starts the worker now, without a request, so that its start-up (loading tfjs, choosing a
   * backend) is done before the reader's first click rather than after it.
   */
  warm(): void {
    this.#ensureWorker();
  }

  /** The worker moved itself to `backend` (a run continued there): a replacement starts on it too. */
  adoptBackend(backend: BackendName): void {
    this.#backend = backend;
  }

  /** Ends the worker; a later `send` starts a fresh one. */
  dispose(): void {
    this.#worker?.postMessage({ type: 'dispose' } satisfies WorkerRequest);
    this.#end();
  }

  /** Ends the worker; the next request starts a new one on `backend`. */
  restart(backend: BackendName | 'auto'): void {
    this.dispose();
    this.#backend = backend;
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const name = `lm-lab-${typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Math.random().toString(36).slice(2)}`;
    // Each URL is written out in full so that the bundler finds and builds both workers.
    const worker =
      this.#kind === 'count'
        ? new Worker(new URL('./count.worker.ts', import.meta.url), { type: 'module', name })
        : new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name });
    worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => this.#heard(worker, name, event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#lost(worker, 'error', event.message || undefined);
    });
    worker.addEventListener('messageerror', () => this.#lost(worker, 'error', 'a message could not be read'));
    this.#worker = worker;
    this.#queued = [];
    this.#lastHeard = performance.now();
    this.#watchdog = setInterval(() => {
      if (this.#job.busy && performance.now() - this.#lastHeard > SILENT_WORKER_MS) this.#lost(worker, 'silent');
    }, SILENT_WORKER_MS / 10);
    void this.#initialize(worker);
    return worker;
  }

  /** Posts `init` on the page's backend choice, then whatever was sent meanwhile. */
  async #initialize(worker: Worker): Promise<void> {
    const { backend, probes } = await this.#choice.forNewWorker(this.#backend);
    if (worker !== this.#worker) {
      if (probes) this.#choice.abandon();
      return;
    }
    this.#probes = probes;
    const baseUrl = new URL(import.meta.env.BASE_URL, location.href).href;
    // `?threads=1` (or 2, ...) forces wasm's thread count, for tests and benchmarks; by default the worker measures.
    const threads = parseThreadSetting(new URLSearchParams(location.search).get('threads'));
    worker.postMessage({ type: 'init', backend, baseUrl, ...(threads === 'auto' ? {} : { threads }) } satisfies WorkerRequest);
    for (const request of this.#queued ?? []) worker.postMessage(request);
    this.#queued = undefined;
  }

  #heard(worker: Worker, name: string, message: WorkerResponse): void {
    if (worker !== this.#worker) return; // a worker already replaced
    this.#lastHeard = performance.now();
    switch (message.type) {
      case 'alive':
        this.#watchLife(worker, name);
        return;
      case 'ready':
        if (this.#probes) this.#choice.settle(message.backend);
        this.#probes = false;
        break;
      case 'state':
        if (message.jobId === this.#job.id && (message.state === 'stopped' || message.state === 'done')) this.#job.busy = false;
        break;
      case 'error':
        if (message.jobId === undefined || message.jobId === this.#job.id) this.#job.busy = false;
        break;
    }
    this.#handlers.message(message);
  }

  /**
   * Asks for the lock the worker holds while it lives (its first `alive` says it holds it):
   * the lock is granted the moment the worker ends, however it ends.
   */
  #watchLife(worker: Worker, name: string): void {
    if (this.#watched === worker) return; // later `alive`s are heartbeats
    this.#watched = worker;
    void navigator.locks?.request(name, () => this.#lost(worker, 'exited'));
  }

  #lost(worker: Worker, kind: CrashKind, detail?: string): void {
    if (worker !== this.#worker) return; // ended on purpose, or already reported
    this.#end();
    this.#handlers.crash(kind, detail);
  }

  #end(): void {
    if (this.#probes) this.#choice.abandon();
    this.#probes = false;
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#queued = undefined;
    this.#job = { id: this.#job.id, busy: false };
  }
}
