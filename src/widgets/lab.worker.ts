/// <reference lib="webworker" />
import { LabHost } from '../../lab/worker/host';
import type { WorkerRequest } from '../../lab/worker/protocol';
import { announceLife } from './workerLife';

const host = new LabHost({
  post: (message, transfer) => self.postMessage(message, transfer ?? []),
  cores: navigator.hardwareConcurrency,
  reader: (baseUrl) => async (file) => {
    const response = await fetch(new URL(`data/${file}`, baseUrl));
    if (!response.ok) throw new Error(`could not load ${file} (HTTP ${response.status})`);
    return response.text();
  },
});

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  void host.receive(request);
  if (request.type === 'dispose') void host.idle().then(() => self.close());
});
announceLife((message) => self.postMessage(message));
