/// <reference lib="webworker" />
import { LabHost } from '../../lab/worker/host';
import { fetchReader, serveHost } from './workerScript';

serveHost(
  new LabHost({
    post: (message, transfer) => self.postMessage(message, transfer ?? []),
    cores: navigator.hardwareConcurrency,
    reader: fetchReader,
  }),
);
