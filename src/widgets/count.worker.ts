/// <reference lib="webworker" />
// The counting widgets' worker: plain JavaScript, no tfjs anywhere in its imports.
import { CountHost } from '../../lab/worker/countHost';
import { fetchReader, postToWidget, serveHost } from './workerScript';

serveHost(new CountHost({ post: postToWidget, reader: fetchReader }));
