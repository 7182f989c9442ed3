import * as tf from '@tensorflow/tfjs';
import { forEachContext } from '../data/contexts';
import type { Split } from '../data/datasets';
import { CharTokenizer } from '../tokenizers/char';
import { crossEntropy } from './loss';
import { type ForwardResult, type LanguageModel, tidyResult } from './model';

/** Configuration of an {@link NGramModel}. */
export interface NGramConfig {
  /** Tokens per n-gram: 1 (unigram) to 5; the model looks at `order - 1` past tokens. */
  order: number;
  /** Add-k (Laplace for k = 1) smoothing: every count gets k pseudo-counts; 0 is maximum likelihood. */
  smoothing: number;
}

/** Defaults: the bigram with add-one smoothing of makemore's first lecture. */
export const NGRAM_DEFAULTS: NGramConfig = { order: 2, smoothing: 1 };

/** Smallest and largest order the course offers. */
export const NGRAM_ORDER_RANGE = { min: 1, max: 5 } as const;

/**
 * A count-based n-gram language model: P(next | context) = (C(context, next) + k) / (C(context) + kV).
 *
 * An unseen context (C(context) = 0) predicts the uniform distribution, the k -> 0 limit of
 * add-k. Counting runs in plain JS; `forward` wraps the same probabilities as logits so that the
 * count model keeps the course's {@link LanguageModel} contract.
 */
export class NGramModel implements LanguageModel {
  readonly name = 'ngram';
  readonly vocabSize: number;
  readonly order: number;
  readonly smoothing: number;
  /** Sparse counts of next tokens, per context key (see {@link contextKey}): sparse because
   * a Chinese vocabulary has thousands of tokens and most never follow a given context. */
  readonly #counts = new Map<number, Map<number, number>>();
  /** Totals per context key. */
  readonly #totals = new Map<number, number>();

  constructor(vocabSize: number, config: NGramConfig = NGRAM_DEFAULTS) {
    if (!Number.isInteger(config.order) || config.order < NGRAM_ORDER_RANGE.min || config.order > NGRAM_ORDER_RANGE.max) {
      throw new Error(`order must be an integer from ${NGRAM_ORDER_RANGE.min} to ${NGRAM_ORDER_RANGE.max}`);
    }
    if (!(config.smoothing >= 0)) throw new Error('smoothing must be a number >= 0');
    this.vocabSize = vocabSize;
    this.order = config.order;
    this.smoothing = config.smoothing;
  }

  /** Past tokens the model looks at: order - 1 (at least 1, so a unigram still takes input). */
  get blockSize(): number {
    return Math.max(1, this.order - 1);
  }

  /** Number of distinct contexts seen while counting. */
  get contextCount(): number {
    return this.#counts.size;
  }

  /** Counts every n-gram of a split; call once per split to add it. */
  fit(split: Split): this {
    forEachContext(split, this.order - 1, (context, target) => {
      const key = this.contextKey(context);
      let row = this.#counts.get(key);
      if (!row) this.#counts.set(key, (row = new Map()));
      row.set(target, (row.get(target) ?? 0) + 1);
      this.#totals.set(key, (this.#totals.get(key) ?? 0) + 1);
    });
    return this;
  }

  /** A number that identifies the last `order - 1` tokens of `context` (base-V digits). */
  contextKey(context: ArrayLike<number>): number {
    let key = 0;
    for (let i = context.length - (this.order - 1); i < context.length; i++) {
      key = key * this.vocabSize + (i >= 0 ? context[i]! : CharTokenizer.BOUNDARY_ID);
    }
    return key;
  }

  /** Raw counts of each next token after `context` (zeros for an unseen context). */
  counts(context: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.vocabSize);
    for (const [target, count] of this.#counts.get(this.contextKey(context)) ?? []) out[target] = count;
    return out;
  }

  /** P(target | context). */
  probability(context: ArrayLike<number>, target: number): number {
    return this.#probabilityOfKey(this.contextKey(context), target);
  }

  #probabilityOfKey(key: number, target: number): number {
    const total = this.#totals.get(key) ?? 0;
    const denominator = total + this.smoothing * this.vocabSize;
    if (denominator === 0) return 1 / this.vocabSize;
    return ((this.#counts.get(key)?.get(target) ?? 0) + this.smoothing) / denominator;
  }

  /** P(next | context) for every next token; sums to 1. */
  probabilities(context: ArrayLike<number>): Float64Array {
    const key = this.contextKey(context);
    const out = new Float64Array(this.vocabSize);
    const denominator = (this.#totals.get(key) ?? 0) + this.smoothing * this.vocabSize;
    if (denominator === 0) return out.fill(1 / this.vocabSize);
    out.fill(this.smoothing / denominator);
    for (const [target, count] of this.#counts.get(key) ?? []) out[target] = (count + this.smoothing) / denominator;
    return out;
  }

  /**
   * The bigram count matrix, row = previous token, column = next token (order 2 only).
   * @returns V rows of V counts.
   */
  bigramCounts(): Float64Array[] {
    if (this.order !== 2) throw new Error('bigramCounts needs an order-2 model');
    return Array.from({ length: this.vocabSize }, (_, prev) => this.counts([prev]));
  }

  /**
   * Mean negative log-likelihood (nats per token) of a split: -1/N sum log P(target | context).
   * Infinity when an unsmoothed model gives some target probability 0.
   */
  nll(split: Split): number {
    let sum = 0;
    let n = 0;
    forEachContext(split, this.order - 1, (context, target) => {
      sum -= Math.log(this.#probabilityOfKey(this.contextKey(context), target));
      n += 1;
    });
    return n === 0 ? NaN : sum / n;
  }

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

  /** Nothing to free: counts live in JS memory. */
  dispose(): void {}
}

/** Perplexity from a mean NLL in nats: exp(nll), the "number of equally likely choices". */
export function perplexity(nll: number): number {
  return Math.exp(nll);
}
