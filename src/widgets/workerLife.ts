/// <reference lib="webworker" />
import type { WorkerResponse } from '../../lab/worker/protocol';

/** Milliseconds between two heartbeats of a worker whose event loop turns. */
const HEARTBEAT_MS = 3000;

/**
 * Tells the page, from inside a worker, that the worker lives: it holds a Web Lock named after
 * itself for as long as it exists, so the page, asking for the same lock, learns the moment it
 * ends (closed, terminated, crashed: no `error` event comes then); and it says `alive` every
 * few seconds, so the page notices a worker that hangs. The first `alive` is sent once the lock
 * is held. Without Web Locks only the heartbeat is there.
 */
export function announceLife(post: (message: WorkerResponse) => void): void {
  const alive = () => post({ type: 'alive' });
  if (self.name && navigator.locks) {
    void navigator.locks.request(self.name, () => {
      alive();
      return new Promise<never>(() => {}); // held until the worker ends
    });
  } else {
    alive();
  }
  setInterval(alive, HEARTBEAT_MS);
}
