import * as tf from '@tensorflow/tfjs';
import type { ContextWindows } from '../data/contexts';
import type { Split } from '../data/datasets';
import { Rng } from '../rng';
import { CharTokenizer } from '../tokenizers/char';

/** One batch of a {@link BatchSource}; the caller owns (and disposes) its tensors. */
export interface Batch {
  /** (B, T) int32 token ids. */
  x: tf.Tensor2D;
  /** (B, T) int32 next-token ids, -1 where there is none. */
  y: tf.Tensor2D;
}

/** Where a trainer gets its batches from. */
export interface BatchSource {
  /** The next batch; the caller disposes it. */
  next(): Batch;
  /**
   * Moves on by `batches` batches without building them: afterwards `next()` returns what it
   * would after `batches` calls. A resumed run skips the batches its first steps used.
   */
  skip(batches: number): void;
  /** Frees tensors the source keeps between batches. */
  dispose(): void;
}

/**
 * Batches of fixed-length contexts predicting one next token each (bigram, Bengio's MLP):
 * x is (B, length) and y is (B, length) with the target at the last position and -1 elsewhere.
 * @param batchSize examples per batch; 0 or >= the number of windows gives full-batch descent.
 */
export function windowBatches(windows: ContextWindows, batchSize: number, seed: number): BatchSource {
  const length = windows.x.length / Math.max(1, windows.count);
  const targets = (ys: Int32Array): Int32Array => {
    const out = new Int32Array(ys.length * length).fill(-1);
    ys.forEach((y, i) => (out[(i + 1) * length - 1] = y));
    return out;
  };
  if (batchSize <= 0 || batchSize >= windows.count) {
    const x = tf.tensor2d(windows.x, [windows.count, length], 'int32'); // (N, T)
    const y = tf.tensor2d(targets(windows.y), [windows.count, length], 'int32'); // (N, T)
    return {
      next: () => ({ x: x.clone(), y: y.clone() }), // clones share x's data: no copy per step
      skip: () => {}, // every batch is the same
      dispose: () => tf.dispose([x, y]),
    };
  }
  const rng = new Rng(seed);
  return {
    next: () => {
      const xs = new Int32Array(batchSize * length);
      const ys = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const i = rng.int(windows.count);
        xs.set(windows.x.subarray(i * length, (i + 1) * length), b * length);
        ys[b] = windows.y[i]!;
      }
      return {
        x: tf.tensor2d(xs, [batchSize, length], 'int32'), // (B, T)
        y: tf.tensor2d(targets(ys), [batchSize, length], 'int32'), // (B, T)
      };
    },
    skip: (batches) => drawSkip(rng, windows.count, batches * batchSize),
    dispose: () => {},
  };
}

/** Draws `draws` random indices below `count` and drops them: what skipping random batches costs. */
function drawSkip(rng: Rng, count: number, draws: number): void {
  for (let i = 0; i < draws; i++) rng.int(count);
}

/** The (x, y) rows a sequence model learns from, before batching. */
interface Rows {
  /** Number of rows. */
  count: number;
  /** Fills row `i` of x and y (each `blockSize` long) at `offset`. */
  fill(i: number, x: Int32Array, y: Int32Array, offset: number): void;
}

/**
 * Rows of a split for a model of block size T.
 * - Wrapped examples (makemore): x = [⏎, w1..wn, pad], y = [w1..wn, ⏎, -1...], cropped to T.
 * - Running text (nanoGPT): every window of T + 1 tokens starting at a multiple of `stride`.
 */
function sequenceRows(split: Split, blockSize: number, stride: number): Rows {
  if (split.wrapped) {
    const examples = split.sequences;
    return {
      count: examples.length,
      fill: (i, x, y, offset) => {
        const word = examples[i]!;
        for (let t = 0; t < blockSize; t++) {
          x[offset + t] = t === 0 ? CharTokenizer.BOUNDARY_ID : t - 1 < word.length ? word[t - 1]! : CharTokenizer.BOUNDARY_ID;
          y[offset + t] = t < word.length ? word[t]! : t === word.length ? CharTokenizer.BOUNDARY_ID : -1;
        }
      },
    };
  }
  const text = split.sequences[0] ?? new Int32Array(0);
  const windows = Math.max(0, Math.floor((text.length - blockSize - 1) / stride) + 1);
  return {
    count: windows,
    fill: (i, x, y, offset) => {
      const start = i * stride;
      x.set(text.subarray(start, start + blockSize), offset);
      y.set(text.subarray(start + 1, start + blockSize + 1), offset);
    },
  };
}

function batchOf(rows: Rows, picks: number[], blockSize: number): Batch {
  const x = new Int32Array(picks.length * blockSize);
  const y = new Int32Array(picks.length * blockSize);
  picks.forEach((row, b) => rows.fill(row, x, y, b * blockSize));
  return {
    x: tf.tensor2d(x, [picks.length, blockSize], 'int32'), // (B, T)
    y: tf.tensor2d(y, [picks.length, blockSize], 'int32'), // (B, T)
  };
}

/**
 * Random training batches for a sequence model (MLP, RNN, LSTM, GRU, GPT): random examples of
 * a line data set, or random windows anywhere in running text, as makemore and nanoGPT draw them.
 */
export function sequenceBatches(split: Split, blockSize: number, batchSize: number, seed: number): BatchSource {
  const rows = sequenceRows(split, blockSize, 1);
  if (rows.count === 0) throw new Error(`the split is shorter than one block of ${blockSize + 1} tokens`);
  const rng = new Rng(seed);
  return {
    next: () => batchOf(rows, Array.from({ length: batchSize }, () => rng.int(rows.count)), blockSize),
    skip: (batches) => drawSkip(rng, rows.count, batches * batchSize),
    dispose: () => {},
  };
}

/**
 * Batches that cover a split once, in order, for evaluation: every example of a line data set,
 * or non-overlapping windows of running text. Cycles back to the start after the last batch.
 * @returns the source and how many batches make one pass.
 */
export function sequencePass(split: Split, blockSize: number, batchSize: number): { source: BatchSource; batches: number } {
  const rows = sequenceRows(split, blockSize, split.wrapped ? 1 : blockSize);
  const batches = Math.ceil(rows.count / batchSize);
  /** Batches before the pass starts over (one, empty, for an empty split). */
  const cycle = Math.max(1, batches);
  /** Index of the next batch within the pass. */
  let position = 0;
  return {
    batches,
    source: {
      next: () => {
        const start = position * batchSize;
        const picks = Array.from({ length: Math.min(batchSize, rows.count - start) }, (_, i) => start + i);
        position = (position + 1) % cycle;
        return batchOf(rows, picks, blockSize);
      },
      skip: (skipped) => (position = (position + skipped) % cycle),
      dispose: () => {},
    },
  };
}
