import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/model';
import type { BatchSource } from './batches';
import { yieldToEventLoop } from './yield';

/**
 * Mean loss of a model over every batch of a source that covers a split once (e.g. a
 * full-batch {@link windowBatches}), without gradients.
 * @param batches how many batches make up the split.
 * @param stopped asked before each batch; once it returns true the evaluation gives up, so that
 *   a stop need not wait for a whole split (the source is then left mid-pass).
 * @returns the mean loss, or NaN when `stopped` cut it short (or the split has no targets).
 */
export async function evaluateLoss(model: LanguageModel, source: BatchSource, batches = 1, stopped?: () => boolean): Promise<number> {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < batches; i++) {
    // Why yield: on wasm and cpu a readback settles as a microtask, so without it a stop message
    // could not reach a worker until the whole split was evaluated (many seconds for a GPT).
    if (stopped && i > 0) await yieldToEventLoop();
    if (stopped?.()) return NaN;
    const { x, y } = source.next();
    const [loss, count] = tf.tidy(() => [model.forward(x, y).loss!, y.greaterEqual(0).sum()]); // scalars
    const [l, c] = [(await loss.data())[0]!, (await count.data())[0]!];
    tf.dispose([x, y, loss, count]);
    sum += l * c;
    weight += c;
  }
  return weight === 0 ? NaN : sum / weight;
}
