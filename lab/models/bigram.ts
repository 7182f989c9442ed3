import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from './loss';
import { type ForwardOptions, type ForwardResult, type LanguageModel, pick, recorder, tidyResult } from './model';

/** Configuration of a {@link NeuralBigram}. */
export interface NeuralBigramConfig {
  /** Number of distinct tokens. */
  vocabSize: number;
  /** Seed of the initial weights. */
  seed: number;
  /** Standard deviation of the initial weights; makemore draws them from N(0, 1). */
  initScale: number;
}

/** Defaults besides the vocabulary size. */
export const NEURAL_BIGRAM_DEFAULTS = { seed: 2147483647, initScale: 1 } as const;

/**
 * The neural bigram of makemore's first lecture: a single weight matrix W (V, V) whose row
 * W[x] holds the logits of the token after x. Trained by gradient descent on the
 * negative log-likelihood it converges to the count bigram's probabilities.
 *
 * Intermediates (keys.ts): `embedding` (V, V), the matrix W itself; `logits` (B, T, V).
 */
export class NeuralBigram implements LanguageModel {
  readonly name = 'bigram';
  readonly vocabSize: number;
  readonly blockSize = 1;
  /** (V, V) logits of the next token, one row per previous token. */
  readonly weights: tf.Variable<tf.Rank.R2>;

  constructor(config: Pick<NeuralBigramConfig, 'vocabSize'> & Partial<NeuralBigramConfig>) {
    const { vocabSize, seed, initScale } = { ...NEURAL_BIGRAM_DEFAULTS, ...config };
    this.vocabSize = vocabSize;
    // tidy frees the initializer tensor; the variable, which tidy never disposes, keeps its data.
    this.weights = tf.tidy(() => tf.variable(tf.randomNormal([vocabSize, vocabSize], 0, initScale, 'float32', seed))); // (V, V)
  }

  /** @inheritDoc */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    return tidyResult(() => {
      const [batch, time] = idx.shape;
      // one-hot(x) @ W is the row lookup W[x], written as the lesson writes it; it also avoids
      // tf.gather, whose gradient kernel (UnsortedSegmentSum) the wasm backend lacks.
      const oneHot = tf.oneHot(idx.reshape([-1]), this.vocabSize); // (B*T, V)
      const logits = oneHot.matMul(this.weights).reshape([batch, time, this.vocabSize]) as tf.Tensor3D; // (B, T, V)
      const result: ForwardResult = { logits };
      if (targets) result.loss = crossEntropy(logits, targets);
      const wants = recorder(options);
      if (wants) {
        const all: Record<string, () => tf.Tensor> = {
          embedding: () => this.weights.clone(), // a clone: tidy must not return the variable itself
          logits: () => logits.clone(),
        };
        result.intermediates = pick(all, wants);
      }
      return result;
    });
  }

  /** @inheritDoc */
  trainableVariables(): tf.Variable[] {
    return [this.weights];
  }

  /** @inheritDoc */
  namedVariables(): [string, tf.Variable][] {
    return [['weights', this.weights]];
  }

  /** @inheritDoc */
  dispose(): void {
    this.weights.dispose();
  }
}
