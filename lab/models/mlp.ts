import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { dropout, embed, layerNorm, linear, Params } from './layers';
import { crossEntropy } from './loss';
import { type ForwardOptions, type ForwardResult, type LanguageModel, pick, recorder, tidyResult } from './model';

/** Configuration of an {@link MLP}. */
export interface MlpConfig {
  /** Number of distinct tokens (V). */
  vocabSize: number;
  /** Past tokens the model looks at, its context length (Bengio's n - 1; makemore's lecture: 3). */
  blockSize: number;
  /** Size of each token's embedding vector (C). */
  embedDim: number;
  /** Units of the tanh hidden layer (H). */
  hiddenDim: number;
  /** `layer`: LayerNorm on the hidden layer's pre-activation, before the tanh; `none`: plain Bengio. */
  norm: 'none' | 'layer';
  /** Seed of the initial weights. */
  seed: number;
  /**
   * Multiplies the initial bound of `hidden.w` and `out.w` (1: PyTorch's default). Chapter 2 turns
   * it up to show what a too-large initialization does: pre-activations far beyond ±2 saturate
   * the tanh (its gradient 1 - tanh² vanishes) and the first losses are far above ln V.
   * Absent means 1; checkpoints saved without it load unchanged.
   */
  initScale?: number;
  /**
   * How the weights start (chapter 3; absent: `pytorch`, the bounds above):
   * - `naive`: every weight and bias ~ N(0, 1), makemore's first try: logits in the tens, a
   *   step-0 loss near 27 instead of ln 27 ≈ 3.30 (the hockey stick), and a saturated tanh;
   * - `kaiming`: hidden weights ~ N(0, (5/3)² / fan_in) (Kaiming's gain for tanh), hidden biases 0,
   *   `out.w` ~ N(0, 0.01²) and `out.b` 0: the output starts near uniform, the loss near ln V;
   * - `large`: as `kaiming`, but the hidden weights 5 times larger: the output still starts near
   *   uniform, and the tanh saturates.
   * `initScale` multiplies the weight scales of every mode.
   */
  init?: 'pytorch' | 'naive' | 'kaiming' | 'large';
  /** Hidden tanh layers, each H units (absent: 1); layer i >= 2 has `hidden{i}.w`, `hidden{i}.b` (and `norm{i}.*`). */
  depth?: number;
  /** Dropout rate on every hidden layer's tanh output while training, seeded by `seed` (absent: 0). */
  dropout?: number;
}

/**
 * Defaults besides the vocabulary size: the MLP of makemore's second lecture (3-character
 * context, 10-dimensional embeddings, 200 hidden units: 11,907 parameters on names), for which
 * the lecture reports a dev NLL of about 2.17 (docs/DATA.md).
 */
export const MLP_DEFAULTS: Omit<MlpConfig, 'vocabSize'> = {
  blockSize: 3, // characters of context
  embedDim: 10, // the lecture's embedding size
  hiddenDim: 200, // the lecture's hidden layer
  norm: 'none', // Bengio et al. have no normalization
  seed: 2147483647, // makemore's generator seed
  initScale: 1, // PyTorch's default bounds
};

/** Kaiming's gain for tanh (PyTorch's `calculate_gain('tanh')`). */
const TANH_GAIN = 5 / 3;
/** How much larger than Kaiming's the hidden weights of the `large` init are. */
const LARGE_FACTOR = 5;
/** The std of `out.w` under Kaiming's init: small, so that the first logits are near 0. */
const KAIMING_OUT_STD = 0.01;

/** Names of hidden layer `layer`'s parameters (1-based): `hidden.w` for the first, `hidden2.w` for the second. */
function layerName(base: 'hidden' | 'norm', layer: number): string {
  return layer === 1 ? base : `${base}${layer}`;
}

/**
 * Bengio et al. (2003)'s neural language model, as makemore's MLP: for every position t it
 * concatenates the embeddings of tokens t - blockSize + 1 .. t (oldest first), passes them through
 * `depth` tanh hidden layers and an output layer, and so predicts token t + 1 at every position.
 * Positions before the start of `idx` read a special blank token, id `vocabSize`, which has its
 * own learned row in the embedding table (V + 1 rows). Any T works: a sequence longer than
 * blockSize (a whole name, as makemore feeds it) slides the window along.
 *
 * Parameters, in this order (K = blockSize * C, the first layer's fan-in; H for the others):
 * `embedding` (V + 1, C) ~ N(0, 1); `hidden.w` (K, H) and `hidden.b` (H); with LayerNorm
 * `norm.gain` (H) = 1 and `norm.bias` (H) = 0; for each layer i = 2 .. depth `hidden{i}.w` (H, H),
 * `hidden{i}.b` (H) (and `norm{i}.gain`, `norm{i}.bias`); `out.w` (H, V) and `out.b` (V).
 * The weights and biases are drawn as `init` says (see {@link MlpConfig.init}); with `pytorch`,
 * PyTorch's default: every weight and bias of a layer ~ U(±1/√fan_in), `initScale` multiplying
 * the weights' bounds.
 *
 * Dropout (`dropout` > 0, training only) zeroes units of each hidden layer's tanh output, with
 * masks drawn from the model's own generator (seeded by `seed`): a seeded run is reproducible.
 *
 * Intermediates (keys.ts), with `record`:
 * - `embedding` (V + 1, C): the embedding table, blank row last.
 * - `embedded` (B, T, C): each input token's row.
 * - `mlp.context` (B, T, blockSize * C): the concatenated context embeddings, oldest token first.
 * - `mlp.preact` (B, T, H): what enters the first tanh (after the LayerNorm when `norm` is `layer`).
 * - `mlp.hidden` (B, T, H): the first layer's tanh activations.
 * - `mlp.preacts`, `mlp.hiddens` (L, B, T, H): the same for every hidden layer, layer first (before dropout).
 * - `logits` (B, T, V).
 */
export class MLP implements LanguageModel {
  readonly name = 'mlp';
  readonly vocabSize: number;
  readonly blockSize: number;
  /** The full configuration, defaults filled in. */
  readonly config: MlpConfig;
  /** The weights, under the names listed above. */
  readonly params: Params;
  /** Hidden tanh layers. */
  readonly depth: number;
  /** Seeds of the dropout masks, one per layer and step, so that a seeded run is reproducible with dropout on. */
  readonly #dropoutRng: Rng;

  constructor(config: Pick<MlpConfig, 'vocabSize'> & Partial<MlpConfig>) {
    this.config = { ...MLP_DEFAULTS, ...config };
    const { vocabSize, blockSize, embedDim, hiddenDim, norm, seed } = this.config;
    const depth = this.config.depth ?? 1;
    const rate = this.config.dropout ?? 0;
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error('blockSize must be an integer >= 1');
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth must be an integer >= 1, not ${depth}`);
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout must be in [0, 1), not ${rate}`);
    this.vocabSize = vocabSize;
    this.blockSize = blockSize;
    this.depth = depth;
    this.params = new Params(seed);
    this.#dropoutRng = new Rng(seed ^ 0x5bd1e995);
    this.params.normal('embedding', [vocabSize + 1, embedDim], 1);
    for (let layer = 1; layer <= depth; layer++) {
      const hidden = layerName('hidden', layer);
      this.#initLayer(`${hidden}.w`, `${hidden}.b`, [layer === 1 ? blockSize * embedDim : hiddenDim, hiddenDim], 'hidden');
      if (norm === 'layer') {
        this.params.fill(`${layerName('norm', layer)}.gain`, [hiddenDim], 1);
        this.params.fill(`${layerName('norm', layer)}.bias`, [hiddenDim], 0);
      }
    }
    this.#initLayer('out.w', 'out.b', [hiddenDim, vocabSize], 'out');
  }

  /** Draws a layer's weight (fan_in, fan_out) and bias (fan_out) as the config's `init` says, weight first. */
  #initLayer(weight: string, bias: string, [fanIn, fanOut]: [number, number], role: 'hidden' | 'out'): void {
    const scale = this.config.initScale ?? 1;
    switch (this.config.init ?? 'pytorch') {
      case 'pytorch':
        this.params.uniform(weight, [fanIn, fanOut], scale / Math.sqrt(fanIn));
        this.params.uniform(bias, [fanOut], 1 / Math.sqrt(fanIn));
        return;
      case 'naive':
        this.params.normal(weight, [fanIn, fanOut], scale);
        this.params.normal(bias, [fanOut], 1);
        return;
      case 'kaiming':
      case 'large': {
        const factor = this.config.init === 'large' && role === 'hidden' ? LARGE_FACTOR : 1;
        const std = role === 'out' ? KAIMING_OUT_STD : (factor * TANH_GAIN) / Math.sqrt(fanIn);
        this.params.normal(weight, [fanIn, fanOut], scale * std);
        this.params.fill(bias, [fanOut], 0);
      }
    }
  }

  /** @inheritDoc */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    return tidyResult(() => {
      const p = (name: string) => this.params.get(name);
      const [batch, time] = idx.shape;
      const table = p('embedding') as tf.Tensor2D; // (V + 1, C)
      const embedDim = table.shape[1];
      // Prepend blockSize - 1 blanks, embed once, then the k-th slice of width T holds, at
      // every position t, the token k - blockSize + 1 steps back (k = blockSize - 1: token t itself).
      const padded = tf.pad(idx, [[0, 0], [this.blockSize - 1, 0]], this.vocabSize); // (B, blockSize - 1 + T)
      const emb = embed(table, padded); // (B, blockSize - 1 + T, C)
      const shifted = Array.from({ length: this.blockSize }, (_, k) => emb.slice([0, k, 0], [batch, time, embedDim])); // blockSize x (B, T, C)
      const context = tf.concat(shifted, 2) as tf.Tensor3D; // (B, T, blockSize * C)
      const preacts: tf.Tensor3D[] = [];
      const hiddens: tf.Tensor3D[] = [];
      let x = context; // (B, T, K), then (B, T, H)
      for (let layer = 1; layer <= this.depth; layer++) {
        const hidden = layerName('hidden', layer);
        const norm = layerName('norm', layer);
        const linearOut = linear(x, p(`${hidden}.w`) as tf.Tensor2D, p(`${hidden}.b`) as tf.Tensor1D); // (B, T, H)
        const preact = this.config.norm === 'layer'
          ? layerNorm(linearOut, p(`${norm}.gain`) as tf.Tensor1D, p(`${norm}.bias`) as tf.Tensor1D) // (B, T, H)
          : linearOut; // (B, T, H)
        const activation = preact.tanh(); // (B, T, H)
        preacts.push(preact);
        hiddens.push(activation);
        x = this.#dropout(activation, options.training ?? false); // (B, T, H)
      }
      const logits = linear(x, p('out.w') as tf.Tensor2D, p('out.b') as tf.Tensor1D); // (B, T, V)
      const result: ForwardResult = { logits };
      if (targets) result.loss = crossEntropy(logits, targets);
      const wants = recorder(options);
      if (wants) {
        const all: Record<string, () => tf.Tensor> = {
          embedding: () => table.clone(), // a clone: tidy must not return the variable itself
          embedded: () => shifted[this.blockSize - 1]!, // (B, T, C)
          'mlp.context': () => context,
          'mlp.preact': () => preacts[0]!, // (B, T, H)
          'mlp.hidden': () => hiddens[0]!, // (B, T, H)
          'mlp.preacts': () => tf.stack(preacts), // (L, B, T, H)
          'mlp.hiddens': () => tf.stack(hiddens), // (L, B, T, H)
          logits: () => logits.clone(),
        };
        result.intermediates = pick(all, wants);
      }
      return result;
    });
  }

  /** Inverted dropout on a hidden layer's output while training, with a fresh seed from the model's generator. */
  #dropout(x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    const rate = this.config.dropout ?? 0;
    return training && rate > 0 ? dropout(x, rate, true, this.#dropoutRng.fork()) : x;
  }

  /** @inheritDoc */
  trainableVariables(): tf.Variable[] {
    return this.params.list();
  }

  /** @inheritDoc */
  namedVariables(): [string, tf.Variable][] {
    return this.params.entries();
  }

  /** @inheritDoc */
  dispose(): void {
    this.params.dispose();
  }
}
