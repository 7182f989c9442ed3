import * as tf from '@tensorflow/tfjs';
import { histogram } from '../analysis/histogram';
import { nearestRows } from '../analysis/neighbours';
import { pca2 } from '../analysis/pca';
import { saturation } from '../analysis/saturation';
import type { Dataset, DatasetKind } from '../data/datasets';
import { validateKeys } from '../models/keys';
import type { LanguageModel } from '../models/model';
import type { ModelSpec } from '../models/registry';
import { CharTokenizer } from '../tokenizers/char';
import { sequencePass } from '../train/batches';
import { sequenceLength, type TrainingPlan } from '../train/run';
import type { InspectInput, Probe, ShapedArray } from './protocol';

/** What a snapshot is taken of: a model, and what is known of how it was trained. */
export interface InspectedModel {
  model: LanguageModel;
  spec: ModelSpec;
  /** The plan it was trained with, for its sequence length. */
  plan: TrainingPlan;
  /** The tokenizer's characters, id order. */
  vocab: readonly string[];
  /** How the training text was cut (line examples start with the boundary token), when known. */
  datasetKind?: DatasetKind;
  /** The data set, for `{ split, count }` inputs. */
  dataset?: Dataset;
}

/** A snapshot's arrays and the buffers to transfer with them. */
export interface Snapshot {
  arrays: Record<string, ShapedArray>;
  transfer: ArrayBuffer[];
}

/**
 * The (B, T) token ids an input stands for:
 * - `{ text }`: the text's ids in one row, after the boundary token for a model of line examples
 *   (which always reads a name after it), cut to nothing;
 * - `{ split, count }`: the first `count` examples (or windows of running text) of a split, padded
 *   as training batches are (batches.ts).
 * @throws naming the characters the model does not know, for a text longer than a GPT's block,
 *   and for a split of a model whose data set is unknown.
 */
export function inputIds(target: InspectedModel, input: InspectInput): tf.Tensor2D {
  if ('text' in input) {
    const tokenizer = CharTokenizer.fromChars(target.vocab);
    const unknown = [...new Set(Array.from(input.text).filter((c) => !tokenizer.covers(c)))];
    if (unknown.length > 0) throw new Error(`the model does not know the character${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c)).join(', ')}`);
    const ids = [...(target.datasetKind === 'stream' ? [] : [CharTokenizer.BOUNDARY_ID]), ...tokenizer.encode(input.text)];
    if (ids.length === 0) throw new Error('there is no text to read');
    if (target.spec.kind === 'gpt' && ids.length > target.model.blockSize) throw new Error(`the text is ${ids.length} tokens long; this model reads at most ${target.model.blockSize} at once`);
    return tf.tensor2d(ids, [1, ids.length], 'int32'); // (1, T)
  }
  const { dataset } = target;
  if (!dataset) throw new Error(`the model's data set is unknown, so it cannot read the ${input.split} split: give it a text`);
  if (!Number.isInteger(input.count) || input.count < 1) throw new Error(`count must be a whole number >= 1, not ${input.count}`);
  const length = target.plan.sequenceLength ?? sequenceLength(dataset, target.spec);
  const pass = sequencePass(dataset.splits[input.split], length, input.count);
  if (pass.batches === 0) throw new Error(`the ${input.split} split is empty`);
  const { x, y } = pass.source.next();
  y.dispose(); // only the inputs are read
  return x; // (B, T)
}

/**
 * Runs the model on `idx` in evaluation mode (no dropout, no random numbers drawn, so a run being
 * watched trains as it would unwatched), recording only the keys the probes read, and computes
 * the probes. Every tensor is freed before it resolves.
 * @param bases the previous projection basis per probe name, read and updated, so that a
 *   projection keeps its orientation from one snapshot to the next.
 * @throws for a key the model does not record (listing the valid ones) or a probe that does not fit its tensor.
 */
export async function snapshot(target: InspectedModel, idx: tf.Tensor2D, probes: Record<string, Probe>, bases: Map<string, Float64Array>): Promise<Snapshot> {
  const keys = [...new Set(Object.values(probes).map((p) => p.key))];
  validateKeys(target.spec, keys);
  const { logits, intermediates = {} } = target.model.forward(idx, undefined, { record: keys });
  const read: Record<string, { shape: number[]; data: Float32Array }> = {};
  try {
    for (const key of keys) read[key] = { shape: intermediates[key]!.shape, data: (await intermediates[key]!.data()) as Float32Array };
  } finally {
    tf.dispose([logits, ...Object.values(intermediates)]); // everything is read back (or failed)
  }
  const arrays: Record<string, ShapedArray> = {};
  for (const [name, probe] of Object.entries(probes)) Object.assign(arrays, computeProbe(name, probe, read[probe.key]!, bases));
  const transfer = [...new Set(Object.values(arrays).map((a) => a.data.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  return { arrays, transfer };
}

/** A tensor read back: its shape and values. */
interface Read {
  shape: number[];
  data: Float32Array;
}

/** The arrays one probe gives: its own under `name`, and for neighbours `${name}.similarity` too. */
function computeProbe(name: string, probe: Probe, tensor: Read, bases: Map<string, Float64Array>): Record<string, ShapedArray> {
  switch (probe.as) {
    case 'raw':
      return { [name]: rawSlice(probe.key, tensor, probe.index ?? []) };
    case 'projection': {
      const m = matrixOf(probe.key, tensor, probe.rows);
      if (m.cols === 2) return { [name]: { shape: [m.rows, 2], data: Float32Array.from(m.data), info: { method: 'raw' } } };
      const { coords, basis, explained } = pca2(m, bases.get(name));
      bases.set(name, basis);
      return { [name]: { shape: [m.rows, 2], data: coords, info: { method: 'pca', explained: explained[0] + explained[1], explained1: explained[0], explained2: explained[1] } } };
    }
    case 'neighbours': {
      const m = matrixOf(probe.key, tensor);
      const found = nearestRows(m, probe.of, probe.k, probe.among);
      const shape = [probe.of.length, found.k];
      return { [name]: { shape, data: found.indices }, [`${name}.similarity`]: { shape, data: found.similarities } };
    }
    case 'histogram': {
      const h = histogram(tensor.data, probe.bins, probe.range);
      return { [name]: { shape: [probe.bins], data: h.counts, info: { lo: probe.range[0], hi: probe.range[1], below: h.below, above: h.above, total: h.total } } };
    }
    case 'saturation': {
      const cols = tensor.shape.at(-1) ?? 1;
      const s = saturation(tensor.data, cols, probe.threshold, probe.rows);
      return { [name]: { shape: [s.rows, cols], data: s.mask, info: { fraction: s.fraction, threshold: probe.threshold } } };
    }
    case 'scale':
      throw new Error('the scale probe is being built (issue 14)');
  }
}

/** The part of a tensor at `index` along its leading axes, as a copy that owns its buffer. */
function rawSlice(key: string, { shape, data }: Read, index: readonly number[]): ShapedArray {
  if (index.length > shape.length) throw new Error(`'${key}' has ${shape.length} axes; the index [${index}] has ${index.length}`);
  let offset = 0;
  index.forEach((i, axis) => {
    if (!Number.isInteger(i) || i < 0 || i >= shape[axis]!) throw new Error(`index ${i} is outside axis ${axis} of '${key}' (size ${shape[axis]})`);
    offset = offset * shape[axis]! + i;
  });
  const rest = shape.slice(index.length);
  const size = rest.reduce((a, b) => a * b, 1);
  return { shape: rest, data: data.slice(offset * size, (offset + 1) * size) };
}

/** A tensor as a matrix of rows (every leading axis flattened) by its last axis, optionally only `rows`. */
function matrixOf(key: string, { shape, data }: Read, rows?: readonly number[]): { data: Float32Array; rows: number; cols: number } {
  if (shape.length < 2) throw new Error(`'${key}' has ${shape.length} axis; a projection or neighbours need rows of vectors`);
  const cols = shape.at(-1)!;
  const total = data.length / cols;
  if (!rows) return { data, rows: total, cols };
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r >= total) throw new Error(`row ${r} is outside '${key}''s ${total} rows`);
    out.set(data.subarray(r * cols, (r + 1) * cols), i * cols);
  });
  return { data: out, rows: rows.length, cols };
}
