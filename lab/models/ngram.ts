import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from './loss';
import { type ForwardResult, type LanguageModel, tidyResult } from './model';
import { NGramCounts } from './ngramCounts';

export { NGRAM_DEFAULTS, NGRAM_ORDER_RANGE, type NGramConfig, perplexity } from './ngramCounts';

/**
 * The count-based n-gram of {@link NGramCounts} under the course's {@link LanguageModel}
 * contract: `forward` wraps the counted probabilities as logits, so that the one trainer,
 * evaluator and sampler of the ladder also serve the count model. Counting itself needs no
 * tfjs; only this wrapper does.
 */
export class NGramModel extends NGramCounts implements LanguageModel {
  readonly name = 'ngram';

  /** @inheritDoc */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D): ForwardResult {
    const [batch, time] = idx.shape;
    const ids = idx.arraySync(); // (B, T) on the CPU: counting is not a tensor computation
    const logits = new Float32Array(batch * time * this.vocabSize);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        const context = ids[b]!.slice(0, t + 1);
        const p = this.probabilities(context);
        const offset = (b * time + t) * this.vocabSize;
        for (let v = 0; v < this.vocabSize; v++) logits[offset + v] = Math.log(p[v]!);
      }
    }
    return tidyResult(() => {
      const out = tf.tensor3d(logits, [batch, time, this.vocabSize]); // (B, T, V)
      return targets ? { logits: out, loss: crossEntropy(out, targets) } : { logits: out };
    });
  }

  /** A count model has nothing to train by gradient descent. */
  trainableVariables(): tf.Variable[] {
    return [];
  }

  /** @inheritDoc */
  namedVariables(): [string, tf.Variable][] {
    return [];
  }

  /** Nothing to free: counts live in JS memory. */
  dispose(): void {}
}
