import * as tf from '@tensorflow/tfjs';
import { drawSequences, type SampleOptions } from './draw';
import type { LanguageModel } from './models/model';

export { type SampleOptions, samplingDistribution } from './draw';

/**
 * Draws sequences from any model of the course (see {@link drawSequences}): each step runs the
 * unfinished sequences' contexts through `forward` as one batch and keeps the last position's logits.
 * @returns the drawn ids of each sequence, without the prompt and without the final boundary.
 */
export function sample(model: LanguageModel, options: SampleOptions): number[][] {
  return drawSequences(
    (contexts) => {
      const width = contexts[0]!.length;
      const last = tf.tidy(() => {
        const idx = tf.tensor2d(contexts, [contexts.length, width], 'int32'); // (B, T)
        const { logits } = model.forward(idx); // (B, T, V)
        return logits.slice([0, width - 1, 0], [-1, 1, -1]).reshape([contexts.length, model.vocabSize]); // (B, V)
      });
      const rows = last.arraySync() as number[][];
      last.dispose(); // the rows are copied out: the tensor is done with
      return rows;
    },
    model.blockSize,
    options,
  );
}
