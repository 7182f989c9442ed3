import type { RunRecord } from './record';

/**
 * The reader's runs, kept in the browser's IndexedDB (database {@link DATABASE}, object store
 * {@link STORE}, one record per run keyed by its id), so they survive reloads. Every change is
 * announced on the BroadcastChannel {@link CHANNEL}, so that runs panels on this page and in
 * other tabs redraw ({@link watchRuns}).
 *
 * Failures reject with a {@link RunStoreError}: `unavailable` where the browser gives the page
 * no IndexedDB (some private modes), `quota` when the disk allowance is used up, else `failed`.
 * A trainer shows the message and goes on training; the panel shows it in place of the runs.
 */

export const DATABASE = 'lm-course';
export const STORE = 'runs';
export const CHANNEL = 'lm-runs';
const DATABASE_VERSION = 1;

/** Why the store could not do what it was asked. */
export type RunStoreProblem = 'unavailable' | 'quota' | 'failed';

export class RunStoreError extends Error {
  constructor(
    readonly problem: RunStoreProblem,
    message: string,
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

/** What the store does; the trainers and the panel only need this much. */
export interface RunStore {
  /** Every run, newest first. */
  list(): Promise<RunRecord[]>;
  get(id: string): Promise<RunRecord | undefined>;
  /** Adds or replaces runs (by id). */
  put(...runs: RunRecord[]): Promise<void>;
  delete(...ids: string[]): Promise<void>;
  clear(): Promise<void>;
}

/** The page's one connection, opened on first use. */
let opening: Promise<IDBDatabase> | undefined;
/** The channel this page announces changes on (subscribers listen on channels of their own: a channel does not hear itself). */
let announcer: BroadcastChannel | undefined;

/** The reader's runs in this browser. */
export const runStore: RunStore = {
  async list() {
    const runs = await request<RunRecord[]>('readonly', (store) => store.getAll());
    return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  },
  get: (id) => request<RunRecord | undefined>('readonly', (store) => store.get(id)),
  put: (...runs) => change((store) => runs.forEach((run) => store.put(run))),
  delete: (...ids) => change((store) => ids.forEach((id) => store.delete(id))),
  clear: () => change((store) => store.clear()),
};

/** Calls `onChange` whenever runs change, in this page or another tab; returns what stops it. */
export function watchRuns(onChange: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.addEventListener('message', () => onChange());
  return () => channel.close();
}

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new RunStoreError('unavailable', 'this browser gives the page no IndexedDB'));
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(DATABASE, DATABASE_VERSION);
    } catch (err) {
      return reject(new RunStoreError('unavailable', errorText(err)));
    }
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgrading the database asks this one to let go; the next call opens it again.
      db.onversionchange = () => {
        db.close();
        opening = undefined;
      };
      resolve(db);
    };
    req.onerror = () => reject(new RunStoreError('unavailable', errorText(req.error)));
    req.onblocked = () => reject(new RunStoreError('failed', 'another tab holds an older version of the runs database open'));
  });
  // A failed open may succeed later (a blocked upgrade); do not keep the rejection.
  opening.catch(() => (opening = undefined));
  return opening;
}

/** Runs one request in a transaction and resolves with its result once the transaction completes. */
async function request<T>(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = make(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = tx.onabort = () => reject(storeError(tx.error ?? req.error));
  });
}

/** Writes in one transaction, then tells every panel. */
async function change(write: (store: IDBObjectStore) => void): Promise<void> {
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(STORE, 'readwrite');
      write(tx.objectStore(STORE));
    } catch (err) {
      return reject(storeError(err));
    }
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(storeError(tx.error));
  });
  if (typeof BroadcastChannel === 'undefined') return;
  announcer ??= new BroadcastChannel(CHANNEL);
  announcer.postMessage({ type: 'changed' });
}

function storeError(err: unknown): RunStoreError {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  return new RunStoreError(name === 'QuotaExceededError' ? 'quota' : 'failed', errorText(err));
}

function errorText(err: unknown): string {
  return err instanceof Error || err instanceof DOMException ? err.message || err.name : String(err);
}
