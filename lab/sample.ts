import * as tf from '@tensorflow/tfjs';
import { type Drawn, drawTraced, type NextLogits, type SampleOptions } from './draw';
import type { LanguageModel } from './models/model';

export { type Drawn, type DrawnToken, type SampleOptions, samplingDistribution } from './draw';

/**
 * Draws sequences from any model of the course (see `drawSequences` in draw.ts): each step runs
 * the unfinished sequences' contexts through `forward` as one batch and keeps the last
 * position's logits.
 * @returns the drawn ids of each sequence, without the prompt and without the final boundary.
 */
export function sample(model: LanguageModel, options: SampleOptions): number[][] {
  return drawTraced(lastLogits(model), model.blockSize, options, 0).ids;
}

/**
 * {@link sample}, and with `distributions` n > 0, for each drawn token, the n most likely
 * tokens of the distribution it was drawn from (after temperature, top-k and top-p) and the
 * mass of the others: what the sampler shows at each generated character.
 */
export function sampleTraced(model: LanguageModel, options: SampleOptions, distributions: number): Drawn {
  return drawTraced(lastLogits(model), model.blockSize, options, distributions);
}

/** The model's next-token logits for a batch of contexts of one length: its last position's. */
function lastLogits(model: LanguageModel): NextLogits {
  return (contexts) => {
    const width = contexts[0]!.length;
    const last = tf.tidy(() => {
      const idx = tf.tensor2d(contexts, [contexts.length, width], 'int32'); // (B, T)
      const { logits } = model.forward(idx); // (B, T, V)
      return logits.slice([0, width - 1, 0], [-1, 1, -1]).reshape([contexts.length, model.vocabSize]); // (B, V)
    });
    const rows = last.arraySync() as number[][];
    last.dispose(); // the rows are copied out: the tensor is done with
    return rows;
  };
}
