import * as tf from '@tensorflow/tfjs';
import { patternName, patternScores } from '../analysis/attentionPatterns';
import { histogram } from '../analysis/histogram';
import { nearestRows } from '../analysis/neighbours';
import { rowNorms } from '../analysis/norm';
import { pca2 } from '../analysis/pca';
import { saturation } from '../analysis/saturation';
import { scaleOf } from '../analysis/scale';
import { softmaxRows } from '../analysis/softmax';
import type { Dataset, DatasetKind } from '../data/datasets';
import { runningWindows } from '../data/running';
import { needsTargets, validateKeys } from '../models/keys';
import type { LanguageModel } from '../models/model';
import type { ModelSpec } from '../models/registry';
import { type Batch, sequencePass } from '../train/batches';
import { sequenceLength, type TrainingPlan } from '../train/run';
import type { AttentionPattern, InspectInput, Probe, ReadText, ShapedArray } from './protocol';
import { readText } from './readText';

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
  /** How a typed text was read (the input's `text`), for the `snapshot` message. */
  text?: ReadText;
}

/** What a model reads for an input: the (B, T) batch, and for a typed text how it was read. */
export interface InputBatch extends Batch {
  /** For a `{ text }` input: its characters, the token at each position, and those skipped. */
  text?: ReadText;
}

/**
 * The (B, T) token ids an input stands for, and their next tokens as targets (-1 where there is none):
 * - `{ text }`: the text's ids in one row, after the boundary token for a model of line examples
 *   (which always reads a name after it), cut to nothing; each position's target is the next
 *   character, none after the last; `text` says how it was read (readText.ts), unknown
 *   characters left out with `unknown: 'skip'`;
 * - `{ split, count }`: the first `count` examples (or windows of running text) of a split, padded
 *   as training batches are (batches.ts), with their training targets;
 * - `{ split, count, length }`: `count` consecutive windows of `length` tokens of the split's
 *   running text (data/running.ts), a target at every position.
 * @throws naming the characters the model does not know (unless skipped), for a text longer than
 *   a GPT's block, and for a split of a model whose data set is unknown.
 */
export function inputBatch(target: InspectedModel, input: InspectInput): InputBatch {
  if ('text' in input) {
    const { ids, read } = readText(input.text, target.vocab, target.datasetKind !== 'stream', input.unknown);
    if (ids.length === 0) throw new Error('there is no text to read');
    fitsBlock(target, ids.length, 'the text is');
    return {
      x: tf.tensor2d(ids, [1, ids.length], 'int32'), // (1, T)
      y: tf.tensor2d([...ids.slice(1), -1], [1, ids.length], 'int32'), // (1, T)
      text: read,
    };
  }
  const { dataset } = target;
  if (!dataset) throw new Error(`the model's data set is unknown, so it cannot read the ${input.split} split: give it a text`);
  if (input.length !== undefined) {
    fitsBlock(target, input.length, 'a window is');
    const { x, y } = runningWindows(dataset.splits[input.split], input.count, input.length);
    return {
      x: tf.tensor2d(x, [input.count, input.length], 'int32'), // (B, T)
      y: tf.tensor2d(y, [input.count, input.length], 'int32'), // (B, T)
    };
  }
  if (!Number.isInteger(input.count) || input.count < 1) throw new Error(`count must be a whole number >= 1, not ${input.count}`);
  const length = target.plan.sequenceLength ?? sequenceLength(dataset, target.spec);
  const pass = sequencePass(dataset.splits[input.split], length, input.count);
  if (pass.batches === 0) throw new Error(`the ${input.split} split is empty`);
  return pass.source.next(); // (B, T) each
}

/** @throws when a GPT would read more than its block of `tokens` tokens (`what`: "the text is"). */
function fitsBlock(target: InspectedModel, tokens: number, what: string): void {
  if (target.spec.kind === 'gpt' && tokens > target.model.blockSize) throw new Error(`${what} ${tokens} tokens long; this model reads at most ${target.model.blockSize} at once`);
}

/** Which family a parameter key belongs to, and the parameter it names. */
export interface ParameterKey {
  /** `weight`: the parameter; `grad`: the loss's gradient with respect to it; `update`: the last step's change. */
  family: 'weight' | 'grad' | 'update';
  /** A name of the model's `namedVariables()`, e.g. `hidden.w`. */
  parameter: string;
}

/** The parameter a `weight.`, `grad.` or `update.` key names; undefined for a key of the catalogue. */
export function parameterKey(key: string): ParameterKey | undefined {
  const match = /^(weight|grad|update)\.(.+)$/.exec(key);
  return match ? { family: match[1] as ParameterKey['family'], parameter: match[2]! } : undefined;
}

/** Every key some probe reads: its own, and the one a `scale` is relative to. */
function probeKeys(probes: Record<string, Probe>): string[] {
  return [...new Set(Object.values(probes).flatMap((p) => (p.as === 'scale' && p.relativeTo ? [p.key, p.relativeTo] : [p.key])))];
}

/**
 * The parameters whose `update.` keys some probe reads: those the host must copy one step before
 * a snapshot of these probes.
 */
export function updateParameters(probes: Record<string, Probe>): string[] {
  return probeKeys(probes).flatMap((key) => {
    const parsed = parameterKey(key);
    return parsed?.family === 'update' ? [parsed.parameter] : [];
  });
}

/**
 * Runs the model on `input` in evaluation mode (no dropout, no random numbers drawn, so a run being
 * watched trains as it would unwatched), recording only the keys the probes read, and computes
 * the probes. Parameter keys read the model's variables: `weight.` as they are, `grad.` as the
 * gradient of the mean loss on `input` (evaluation mode, the weights untouched), `update.` as the
 * difference from `previous`. Every tensor made is freed before it resolves. A typed text's
 * reading (`input.text`) comes back with the arrays.
 * @param bases the previous projection basis per probe name, read and updated, so that a
 *   projection keeps its orientation from one snapshot to the next.
 * @param previous each parameter as it was one optimizer step ago, for `update.` keys.
 * @throws for a key the model does not record or a parameter it does not have (listing the valid
 *   ones), an `update.` key without its previous weights, or a probe that does not fit its tensor.
 */
export async function snapshot(target: InspectedModel, input: InputBatch, probes: Record<string, Probe>, bases: Map<string, Float64Array>, previous?: ReadonlyMap<string, tf.Tensor>): Promise<Snapshot> {
  const keys = probeKeys(probes);
  const forwardKeys = keys.filter((key) => !parameterKey(key));
  validateKeys(target.spec, forwardKeys);
  const variables = new Map(target.model.namedVariables());
  const parameters = keys.flatMap((key) => {
    const parsed = parameterKey(key);
    if (!parsed) return [];
    const variable = variables.get(parsed.parameter);
    if (!variable) throw new Error(`the ${target.spec.kind} model has no parameter '${parsed.parameter}' (in '${key}'); valid parameters: ${[...variables.keys()].join(', ')}`);
    const before = previous?.get(parsed.parameter);
    if (parsed.family === 'update' && !before) throw new Error(`'${key}' is what the last optimizer step changed: only a watch on a training job can ask for it, not an inspect`);
    return [{ key, ...parsed, variable, before }];
  });
  /** Tensors made here, freed once read; the variables themselves are read, never freed. */
  const made: tf.Tensor[] = [];
  const tensors: Record<string, tf.Tensor> = {};
  const read: Record<string, Read> = {};
  try {
    if (forwardKeys.length > 0) {
      const targets = needsTargets(forwardKeys) ? input.y : undefined;
      const { logits, loss, intermediates = {} } = target.model.forward(input.x, targets, { record: forwardKeys });
      made.push(logits, ...(loss ? [loss] : []), ...Object.values(intermediates));
      Object.assign(tensors, intermediates);
    }
    const graded = parameters.filter((p) => p.family === 'grad');
    if (graded.length > 0) {
      const { value, grads } = tf.variableGrads(() => target.model.forward(input.x, input.y).loss!, graded.map((p) => p.variable)); // scalar, per-variable grads
      made.push(value, ...Object.values(grads));
      for (const p of graded) tensors[p.key] = grads[p.variable.name]!;
    }
    for (const p of parameters) {
      if (p.family === 'weight') tensors[p.key] = p.variable;
      if (p.family === 'update') made.push((tensors[p.key] = tf.sub(p.variable, p.before!))); // same shape as the parameter
    }
    for (const key of keys) read[key] = { shape: tensors[key]!.shape, data: (await tensors[key]!.data()) as Float32Array };
  } finally {
    tf.dispose(made); // everything is read back (or failed)
  }
  // The token ids the model read, for patterns that depend on them (induction).
  const tokens = Object.values(probes).some((p) => p.as === 'patterns') ? { shape: input.x.shape, data: await input.x.data() } : undefined;
  const arrays: Record<string, ShapedArray> = {};
  for (const [name, probe] of Object.entries(probes)) Object.assign(arrays, computeProbe(name, probe, read, bases, tokens));
  const transfer = [...new Set(Object.values(arrays).map((a) => a.data.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  return { arrays, transfer, ...(input.text ? { text: input.text } : {}) };
}

/** A tensor read back: its shape and values. */
interface Read {
  shape: number[];
  data: Float32Array;
}

/** The (B, T) token ids a model read, as the probes that need them see them. */
interface Tokens {
  shape: number[];
  data: tf.TypedArray;
}

/** The arrays one probe gives: its own under `name`, and for neighbours `${name}.similarity` too. */
function computeProbe(name: string, probe: Probe, reads: Record<string, Read>, bases: Map<string, Float64Array>, tokens?: Tokens): Record<string, ShapedArray> {
  const tensor = reads[probe.key]!;
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
      const h = histogram(sliceOf(probe.key, tensor, probe.index ?? []).data, probe.bins, probe.range);
      return { [name]: { shape: [probe.bins], data: h.counts, info: { lo: probe.range[0], hi: probe.range[1], below: h.below, above: h.above, total: h.total } } };
    }
    case 'saturation': {
      const slice = sliceOf(probe.key, tensor, probe.index ?? []);
      const cols = slice.shape.at(-1) ?? 1;
      const s = saturation(slice.data, cols, probe.threshold, probe.rows);
      return { [name]: { shape: [s.rows, cols], data: s.mask, info: { fraction: s.fraction, threshold: probe.threshold } } };
    }
    case 'scale': {
      const index = probe.index ?? [];
      const scale = scaleOf(sliceOf(probe.key, tensor, index).data);
      if (!probe.relativeTo) return { [name]: { shape: [1], data: Float32Array.of(scale.std), info: { ...scale } } };
      const relativeStd = scaleOf(sliceOf(probe.relativeTo, reads[probe.relativeTo]!, index).data).std;
      return { [name]: { shape: [1], data: Float32Array.of(scale.std / relativeStd), info: { ...scale, relativeStd } } };
    }
    case 'softmax': {
      const slice = sliceOf(probe.key, tensor, probe.index ?? []);
      if (slice.shape.length === 0) throw new Error(`'${probe.key}' at [${probe.index ?? []}] is one number; a softmax needs a last axis of logits`);
      const temperature = probe.temperature ?? 1;
      const s = softmaxRows(slice.data, slice.shape.at(-1)!, temperature, probe.top);
      const shape = [...slice.shape.slice(0, -1), s.k];
      return { [name]: { shape, data: s.probs, info: { temperature } }, ...(s.ids ? { [`${name}.ids`]: { shape, data: s.ids } } : {}) };
    }
    case 'norm': {
      const slice = sliceOf(probe.key, tensor, probe.index ?? []);
      const rest = slice.shape.slice(0, -1);
      if (slice.shape.length === 0 || (probe.average && rest.length === 0)) throw new Error(`'${probe.key}' at [${probe.index ?? []}] has ${slice.shape.length} axes; a norm${probe.average ? ' averaged over examples' : ''} needs ${probe.average ? 'two' : 'one'} at least`);
      const norms = rowNorms(slice.data, slice.shape.at(-1)!, probe.average ? rest[0] : undefined);
      const shape = probe.average ? rest.slice(1) : rest;
      return { [name]: { shape: shape.length > 0 ? shape : [1], data: norms } };
    }
    case 'patterns':
      return { [name]: patternProbe(probe.key, tensor, tokens!, probe.patterns, probe.index ?? []) };
  }
}

/**
 * A `patterns` probe: each head's score of each pattern (analysis/attentionPatterns.ts) on the
 * tokens its example read: (B, H, P) for the whole (B, H, T, T) tensor of weights, (H, P) at
 * `index` [b], (P) at [b, h].
 * @throws for a key that is not attention weights, or an index outside them.
 */
function patternProbe(key: string, weights: Read, tokens: Tokens, patterns: readonly AttentionPattern[], index: readonly number[]): ShapedArray {
  if (!/^block\d+\.attn\.weights$/.test(key)) throw new Error(`a patterns probe scores attention weights (block{i}.attn.weights), not '${key}'`);
  if (index.length > 2) throw new Error(`a patterns probe's index picks an example and a head at most, not [${index}]`);
  const [batch, , time] = weights.shape as [number, number, number, number];
  const examples = index.length > 0 ? [index[0]!] : Array.from({ length: batch }, (_, b) => b);
  const parts = examples.map((b) => {
    const slice = sliceOf(key, weights, index.length > 0 ? index : [b]); // (H, T, T) or (T, T)
    return patternScores(slice.data, time, tokens.data.subarray(b * time, (b + 1) * time), patterns); // (H, P) or (P)
  });
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (data.set(part, at), at + part.length), 0);
  const heads = weights.shape.slice(index.length, 2); // [B, H], [H] or []
  return { shape: [...heads, patterns.length], data, info: { patterns: patterns.map(patternName).join(' ') } };
}

/**
 * The part of a tensor at `index` along its leading axes, as a view of its values.
 * @throws for an index with more axes than the tensor, or outside an axis.
 */
function sliceOf(key: string, { shape, data }: Read, index: readonly number[]): Read {
  if (index.length > shape.length) throw new Error(`'${key}' has ${shape.length} axes; the index [${index}] has ${index.length}`);
  let offset = 0;
  index.forEach((i, axis) => {
    if (!Number.isInteger(i) || i < 0 || i >= shape[axis]!) throw new Error(`index ${i} is outside axis ${axis} of '${key}' (size ${shape[axis]})`);
    offset = offset * shape[axis]! + i;
  });
  const rest = shape.slice(index.length);
  const size = rest.reduce((a, b) => a * b, 1);
  return { shape: rest, data: data.subarray(offset * size, (offset + 1) * size) };
}

/** The part of a tensor at `index` along its leading axes, as a copy that owns its buffer (to transfer). */
function rawSlice(key: string, tensor: Read, index: readonly number[]): ShapedArray {
  const { shape, data } = sliceOf(key, tensor, index);
  return { shape, data: data.slice() };
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
