/// <reference lib="webworker" />
// Placeholder: the counting worker still runs the full lab host until its tfjs-free host lands.
import { LabHost } from '../../lab/worker/host';
import type { WorkerRequest } from '../../lab/worker/protocol';

const host = new LabHost({
  post: (message) => self.postMessage(message),
  cores: navigator.hardwareConcurrency,
  reader: (baseUrl) => async (file) => {
    const response = await fetch(new URL(`data/${file}`, baseUrl));
    if (!response.ok) throw new Error(`could not load ${file} (HTTP ${response.status})`);
    return response.text();
  },
});

// Requests are handled one after another, so a `start` never races the `init` before it.
let queue = Promise.resolve();
self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  // pause/resume/stop must reach a running job at once, not wait behind it in the queue.
  if (request.type === 'pause' || request.type === 'resume' || request.type === 'stop') {
    void host.handle(request);
    return;
  }
  queue = queue.then(() => host.handle(request));
  if (request.type === 'dispose') void queue.then(() => self.close());
});
