import * as tf from '@tensorflow/tfjs';
import type { ContextWindows } from '../data/contexts';
import { Rng } from '../rng';

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
    dispose: () => {},
  };
}
