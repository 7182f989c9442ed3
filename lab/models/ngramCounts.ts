import { forEachContext } from '../data/contexts';
import type { Split } from '../data/datasets';
import { CharTokenizer } from '../tokenizers/char';

/**
 * How an n-gram turns counts into probabilities.
 * - `add-k`: every count of the context gets k pseudo-counts (Laplace for k = 1; 0 is maximum
 *   likelihood); an unseen context predicts the uniform distribution.
 * - `witten-bell`: interpolated Witten–Bell (Chen & Goodman 1998, section 2.5): each order mixes
 *   its maximum-likelihood estimate with the next lower order, giving the lower order the weight
 *   T(h) / (C(h) + T(h)), T(h) being the number of distinct tokens seen after the context h; the
 *   chain ends at the add-k unigram. It needs no tuning and stays sharp on a large vocabulary,
 *   where add-k spreads most of a rare context's mass over thousands of unseen tokens.
 */
export type NGramEstimator = 'add-k' | 'witten-bell';

/** Configuration of an {@link NGramCounts} model. */
export interface NGramConfig {
  /** Tokens per n-gram: 1 (unigram) to 5; the model looks at `order - 1` past tokens. */
  order: number;
  /** Add-k smoothing: k pseudo-counts per token, of every context (`add-k`) or of the unigram (`witten-bell`). */
  smoothing: number;
  /** How counts become probabilities; `add-k` when absent. */
  estimator?: NGramEstimator;
}

/** Defaults: the bigram with add-one smoothing of makemore's first lecture. */
export const NGRAM_DEFAULTS: NGramConfig = { order: 2, smoothing: 1 };

/** Smallest and largest order the course offers. */
export const NGRAM_ORDER_RANGE = { min: 1, max: 5 } as const;

/** What follows one context: how many tokens were counted after it, and how many of each. */
interface ContextRow {
  total: number;
  /** Sparse: a Chinese vocabulary has thousands of tokens and most never follow a given context. */
  next: Map<number, number>;
}

/** The counts of one context length, per context key (see {@link NGramCounts.contextKey}). */
type CountTable = Map<number, ContextRow>;

/**
 * A count-based n-gram language model in plain JavaScript (no tfjs, so that counting widgets
 * and their worker stay light). With `add-k`:
 * P(next | context) = (C(context, next) + k) / (C(context) + kV).
 * With `witten-bell`: P(w | h) = (C(h, w) + T(h) P(w | h')) / (C(h) + T(h)), h' being h without
 * its oldest token, down to the add-k unigram; an unseen context (C(h) = 0) is its h'.
 */
export class NGramCounts {
  readonly vocabSize: number;
  readonly order: number;
  readonly smoothing: number;
  readonly estimator: NGramEstimator;
  /** Count tables by context length: only `order - 1` for add-k, every length 0 to `order - 1` for Witten–Bell. */
  readonly #tables: (CountTable | undefined)[] = [];
  /** The context lengths counted (the indices of `#tables` that hold a table). */
  readonly #lengths: number[];
  /** The add-k unigram over the vocabulary, the start of every Witten–Bell distribution; cleared by `fit`. */
  #unigrams: Float64Array | undefined;

  constructor(vocabSize: number, config: NGramConfig = NGRAM_DEFAULTS) {
    if (!Number.isInteger(config.order) || config.order < NGRAM_ORDER_RANGE.min || config.order > NGRAM_ORDER_RANGE.max) {
      throw new Error(`order must be an integer from ${NGRAM_ORDER_RANGE.min} to ${NGRAM_ORDER_RANGE.max}`);
    }
    if (!(config.smoothing >= 0)) throw new Error('smoothing must be a number >= 0');
    this.vocabSize = vocabSize;
    this.order = config.order;
    this.smoothing = config.smoothing;
    this.estimator = config.estimator ?? 'add-k';
    this.#lengths = this.estimator === 'witten-bell' ? Array.from({ length: this.order }, (_, l) => l) : [this.order - 1];
    for (const length of this.#lengths) this.#tables[length] = new Map();
  }

  /** Past tokens the model looks at: order - 1 (at least 1, so a unigram still takes input). */
  get blockSize(): number {
    return Math.max(1, this.order - 1);
  }

  /** Number of distinct contexts of `order - 1` tokens seen while counting. */
  get contextCount(): number {
    return this.#table(this.order - 1).size;
  }

  /** Counts every n-gram of a split (and, for Witten–Bell, every shorter one); call once per split to add it. */
  fit(split: Split): this {
    this.#unigrams = undefined;
    forEachContext(split, this.order - 1, (context, target) => {
      for (const length of this.#lengths) {
        const table = this.#tables[length]!;
        const key = this.contextKey(context, length);
        let row = table.get(key);
        if (!row) table.set(key, (row = { total: 0, next: new Map() }));
        row.total += 1;
        row.next.set(target, (row.next.get(target) ?? 0) + 1);
      }
    });
    return this;
  }

  /**
   * A number that identifies the last `length` tokens of `context` (base-V digits), the
   * boundary standing in for tokens before the start. 3,622^4 < 2^53, so order 5 stays exact.
   */
  contextKey(context: ArrayLike<number>, length = this.order - 1): number {
    let key = 0;
    for (let i = context.length - length; i < context.length; i++) {
      key = key * this.vocabSize + (i >= 0 ? context[i]! : CharTokenizer.BOUNDARY_ID);
    }
    return key;
  }

  /** Raw counts of each next token after the last `order - 1` tokens of `context` (zeros for an unseen context). */
  counts(context: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.vocabSize);
    for (const [target, count] of this.#table(this.order - 1).get(this.contextKey(context))?.next ?? []) out[target] = count;
    return out;
  }

  /** Tokens counted after the last `order - 1` tokens of `context` (0 for an unseen context). */
  total(context: ArrayLike<number>): number {
    return this.#table(this.order - 1).get(this.contextKey(context))?.total ?? 0;
  }

  /** P(target | context). */
  probability(context: ArrayLike<number>, target: number): number {
    if (this.estimator === 'add-k') return this.#addK(this.order - 1, this.contextKey(context), target);
    let p = this.#unigram(target);
    for (let length = 1; length < this.order; length++) {
      const row = this.#table(length).get(this.contextKey(context, length));
      if (!row) continue; // unseen context: its lower order stands in
      p = ((row.next.get(target) ?? 0) + row.next.size * p) / (row.total + row.next.size);
    }
    return p;
  }

  /** P(next | context) for every next token; sums to 1. */
  probabilities(context: ArrayLike<number>): Float64Array {
    if (this.estimator === 'witten-bell') return this.#wittenBell(context);
    const row = this.#table(this.order - 1).get(this.contextKey(context));
    const out = new Float64Array(this.vocabSize);
    const denominator = (row?.total ?? 0) + this.smoothing * this.vocabSize;
    if (denominator === 0) return out.fill(1 / this.vocabSize);
    out.fill(this.smoothing / denominator);
    for (const [target, count] of row?.next ?? []) out[target] = (count + this.smoothing) / denominator;
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
      sum -= Math.log(this.probability(context, target));
      n += 1;
    });
    return n === 0 ? NaN : sum / n;
  }

  #table(length: number): CountTable {
    const table = this.#tables[length];
    if (!table) throw new Error(`no counts of ${length}-token contexts`);
    return table;
  }

  /** (C(context, target) + k) / (C(context) + kV), for the context `key` of `length` tokens. */
  #addK(length: number, key: number, target: number): number {
    const row = this.#table(length).get(key);
    const denominator = (row?.total ?? 0) + this.smoothing * this.vocabSize;
    if (denominator === 0) return 1 / this.vocabSize;
    return ((row?.next.get(target) ?? 0) + this.smoothing) / denominator;
  }

  /** The add-k unigram at the bottom of the Witten–Bell chain. */
  #unigram(target: number): number {
    return this.#addK(0, 0, target);
  }

  #wittenBell(context: ArrayLike<number>): Float64Array {
    this.#unigrams ??= Float64Array.from({ length: this.vocabSize }, (_, v) => this.#unigram(v));
    const out = Float64Array.from(this.#unigrams);
    for (let length = 1; length < this.order; length++) {
      const row = this.#table(length).get(this.contextKey(context, length));
      if (!row) continue; // unseen context: its lower order stands in
      const denominator = row.total + row.next.size;
      const lower = row.next.size / denominator;
      for (let v = 0; v < this.vocabSize; v++) out[v]! *= lower;
      for (const [target, count] of row.next) out[target]! += count / denominator;
    }
    return out;
  }
}

/** Perplexity from a mean NLL in nats: exp(nll), the "number of equally likely choices". */
export function perplexity(nll: number): number {
  return Math.exp(nll);
}
