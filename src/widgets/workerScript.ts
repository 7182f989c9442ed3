/// <reference lib="webworker" />
import type { TextReader } from '../../lab/data/datasets';
import type { WorkerRequest, WorkerResponse } from '../../lab/worker/protocol';
import { announceLife } from './workerLife';

/** A host of the lab that a worker script serves: the lab host, or the counting host. */
export interface ServedHost {
  /** Takes a request as it arrives (the host orders and queues them). */
  receive(request: WorkerRequest): Promise<void>;
  /** Resolves once every request received so far has been handled. */
  idle(): Promise<void>;
}

/**
 * Sends a message from this worker to its widget, handing over `transfer` (the buffers of a
 * snapshot's arrays or of a saved model, which the host made for the page alone) rather than
 * copying them.
 */
export function postToWidget(message: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, transfer);
}

/** Reads data-set files from the site's `data/` folder, by `fetch`. */
export function fetchReader(baseUrl: string): TextReader {
  return async (file) => {
    const response = await fetch(new URL(`data/${file}`, baseUrl));
    if (!response.ok) throw new Error(`could not load ${file} (HTTP ${response.status})`);
    return response.text();
  };
}

/** Hands this worker's requests to `host`, closes the worker after `dispose`, and tells the page it lives. */
export function serveHost(host: ServedHost): void {
  self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
    const request = event.data;
    void host.receive(request);
    if (request.type === 'dispose') void host.idle().then(() => self.close());
  });
  announceLife(postToWidget);
}
