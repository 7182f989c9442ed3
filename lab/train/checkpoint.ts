import * as tf from '@tensorflow/tfjs';
import type { DatasetId } from '../data/datasets';
import type { LanguageModel } from '../models/model';
import type { TrainingPlan } from './run';

/** Format tag of {@link Checkpoint}; bump when the layout changes. */
export const CHECKPOINT_FORMAT = 'llm-course-checkpoint/1';

/** A model's weights with what is needed to rebuild it: its name, config and vocabulary. */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** The model's `name`, e.g. `gpt`. */
  model: string;
  /** The config the model was built with. */
  config: unknown;
  /** The tokenizer's characters, id order. */
  vocab: string[];
  /** Optimizer steps taken. */
  step: number;
  /** Evaluation results at save time, e.g. `{ dev: 1.93 }`. */
  metrics?: Record<string, number>;
  /** One entry per trainable variable, in `trainableVariables()` order. */
  weights: { shape: number[]; data: Float32Array }[];
}

/**
 * The `config` of the course's checkpoints (the command line's, the worker's `save`): the data set
 * and the whole training plan, whose `model` rebuilds the model.
 */
export interface CheckpointConfig {
  dataset: DatasetId;
  plan: TrainingPlan;
}

/** Copies a model's trainable weights into a checkpoint. */
export async function captureCheckpoint(model: LanguageModel, meta: Omit<Checkpoint, 'format' | 'weights' | 'model'>): Promise<Checkpoint> {
  const variables = model.trainableVariables();
  const weights = await Promise.all(variables.map(async (v) => ({ shape: [...v.shape], data: (await v.data()) as Float32Array })));
  return { format: CHECKPOINT_FORMAT, model: model.name, ...meta, weights };
}

/**
 * Loads a checkpoint's weights into a model built with the same config.
 * @throws when the model or any variable's shape differs.
 */
export function restoreWeights(model: LanguageModel, checkpoint: Checkpoint): void {
  if (checkpoint.format !== CHECKPOINT_FORMAT) throw new Error(`unknown checkpoint format ${String(checkpoint.format)}`);
  if (checkpoint.model !== model.name) throw new Error(`the checkpoint holds a ${checkpoint.model} model, not ${model.name}`);
  const variables = model.trainableVariables();
  if (variables.length !== checkpoint.weights.length) throw new Error(`the checkpoint has ${checkpoint.weights.length} tensors; the model has ${variables.length}`);
  variables.forEach((v, i) => {
    const w = checkpoint.weights[i]!;
    if (w.shape.join() !== v.shape.join()) throw new Error(`tensor ${i}: the checkpoint's shape [${w.shape}] is not the model's [${v.shape}]`);
    tf.tidy(() => v.assign(tf.tensor(w.data, w.shape, 'float32')));
  });
}

/**
 * Serializes a checkpoint to bytes: a 4-byte little-endian header length, a JSON header (all
 * but the weights' data), then every tensor's float32 data in order. Small enough to ship the
 * pages' precomputed models in `public/`.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ ...checkpoint, weights: checkpoint.weights.map((w) => ({ shape: w.shape })) }));
  const floats = checkpoint.weights.reduce((n, w) => n + w.data.length, 0);
  const headerBytes = Math.ceil((4 + header.length) / 4) * 4; // float32 data stays 4-byte aligned
  const bytes = new Uint8Array(headerBytes + floats * 4);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  const data = new Float32Array(bytes.buffer, headerBytes);
  let offset = 0;
  for (const w of checkpoint.weights) {
    data.set(w.data, offset);
    offset += w.data.length;
  }
  return bytes;
}

/** Reads bytes written by {@link encodeCheckpoint}. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Omit<Checkpoint, 'weights'> & { weights: { shape: number[] }[] };
  const headerBytes = Math.ceil((4 + headerLength) / 4) * 4;
  const copy = bytes.slice(headerBytes); // aligned copy of the data
  const data = new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  let offset = 0;
  const weights = header.weights.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const part = data.subarray(offset, offset + size);
    offset += size;
    return { shape, data: part };
  });
  if (offset !== data.length) throw new Error('the checkpoint data does not match its header');
  return { ...header, weights };
}

/** Where checkpoints are kept: IndexedDB in a browser, files in Node. */
export interface CheckpointStore {
  save(key: string, checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint saved under `key`, or undefined. */
  load(key: string): Promise<Checkpoint | undefined>;
}

/** Checkpoints in the browser's IndexedDB; works in a page and in a worker. */
export class IndexedDbStore implements CheckpointStore {
  readonly #dbName: string;

  constructor(dbName = 'llm-course-checkpoints') {
    this.#dbName = dbName;
  }

  async save(key: string, checkpoint: Checkpoint): Promise<void> {
    await this.#request('readwrite', (store) => store.put(encodeCheckpoint(checkpoint), key));
  }

  async load(key: string): Promise<Checkpoint | undefined> {
    const bytes = await this.#request<Uint8Array | undefined>('readonly', (store) => store.get(key));
    return bytes ? decodeCheckpoint(bytes) : undefined;
  }

  #request<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(this.#dbName, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('checkpoints');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const request = run(db.transaction('checkpoints', mode).objectStore('checkpoints'));
        request.onsuccess = () => {
          db.close();
          resolve(request.result as T);
        };
        request.onerror = () => {
          db.close();
          reject(request.error);
        };
      };
    });
  }
}
