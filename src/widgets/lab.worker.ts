/// <reference lib="webworker" />
import { LabHost } from '../../lab/worker/host';
import { fetchReader, postToWidget, serveHost } from './workerScript';

serveHost(
  new LabHost({
    post: postToWidget,
    cores: navigator.hardwareConcurrency,
    reader: fetchReader,
  }),
);
