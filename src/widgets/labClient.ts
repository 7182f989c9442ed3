import type { BackendName } from '../../lab/backend/names';
import type { WorkerRequest, WorkerResponse } from '../../lab/worker/protocol';

/**
 * Which worker script a widget runs: `lab` trains models on tfjs; `count` counts n-grams in
 * plain JavaScript and loads no tfjs, so that counting widgets stay light.
 */
export type WorkerKind = 'lab' | 'count';

/** What a widget hears from its worker. */
export interface LabClientHandlers {
  message(message: WorkerResponse): void;
  /** The worker itself failed (a crash, a script that did not load); it will be restarted. */
  crash(reason: string): void;
}

/**
 * A widget's one worker: starts it on demand, sends typed requests, restarts it after a
 * crash (the next request re-initializes it), and ends it when the widget goes away.
 */
export class LabClient {
  readonly #handlers: LabClientHandlers;
  #backend: BackendName | 'auto';
  readonly #kind: WorkerKind;
  #worker: Worker | undefined;

  /**
   * @param backend `auto` probes and picks the fastest; counting widgets pass `cpu`, which
   *   needs no probe since their work is plain JavaScript.
   * @param kind the worker script to run.
   */
  constructor(handlers: LabClientHandlers, backend: BackendName | 'auto', kind: WorkerKind = 'lab') {
    this.#handlers = handlers;
    this.#backend = backend;
    this.#kind = kind;
  }

  /** Sends a request, starting (and initializing) the worker first if needed. */
  send(request: WorkerRequest): void {
    this.#ensureWorker().postMessage(request);
  }

  /** Ends the worker; a later `send` starts a fresh one. */
  dispose(): void {
    this.#worker?.postMessage({ type: 'dispose' } satisfies WorkerRequest);
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  /** Ends the worker; the next request starts a new one on `backend`. */
  restart(backend: BackendName | 'auto'): void {
    this.dispose();
    this.#backend = backend;
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    // Each URL is written out in full so that the bundler finds and builds both workers.
    const worker =
      this.#kind === 'count'
        ? new Worker(new URL('./count.worker.ts', import.meta.url), { type: 'module' })
        : new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => this.#handlers.message(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#worker?.terminate();
      this.#worker = undefined;
      this.#handlers.crash(event.message || 'the worker stopped');
    });
    const baseUrl = new URL(import.meta.env.BASE_URL, location.href).href;
    worker.postMessage({ type: 'init', backend: this.#backend, baseUrl } satisfies WorkerRequest);
    this.#worker = worker;
    return worker;
  }
}
