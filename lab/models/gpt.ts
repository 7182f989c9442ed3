import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { attentionFromQkv, type AttentionResult, causalSelfAttention } from './attention';
import { hasQkvKernels } from './kernels/qkvHeads';
import { dropout, embed, gelu, type GeluKind, layerNorm, linear, matMul, Params } from './layers';
import { crossEntropy } from './loss';
import { type ForwardOptions, type ForwardResult, type LanguageModel, recorder, tidyResult } from './model';

/** Configuration of a {@link GPT}; the names are nanoGPT's (`GPTConfig`). */
export interface GptConfig {
  /** Number of distinct tokens. */
  vocabSize: number;
  /** Longest context the model reads (the number of position embeddings). */
  blockSize: number;
  /** Number of Transformer blocks. */
  nLayer: number;
  /** Attention heads per block; must divide `nEmbd`. */
  nHead: number;
  /** Width of the residual stream (C); each head gets `nEmbd / nHead` channels. */
  nEmbd: number;
  /** Dropout rate on the embeddings, the attention weights and every residual branch while training. */
  dropout: number;
  /** Biases in the linear layers and LayerNorms, as GPT-2 has; false is a little better and faster. */
  bias: boolean;
  /** Share the token embedding with the lm head (weight tying, as GPT-2 does). */
  tieWeights: boolean;
  /** Seed of the initial weights and of the dropout masks. */
  seed: number;
  /**
   * How the weights start: `gpt2` is nanoGPT's (N(0, 0.02), residual projections scaled down);
   * `pytorch` is PyTorch's module defaults, which makemore keeps (nn.Linear weights and biases
   * uniform in ±1/sqrt(inputs), nn.Embedding N(0, 1)). Absent means `gpt2`.
   */
  init?: GptInit;
  /** The MLP's activation: `exact` GELU (nanoGPT's nn.GELU) or its `tanh` approximation (GPT-2's, makemore's). Absent means `tanh`. */
  gelu?: GeluKind;
  /**
   * Whether the model has position embeddings (`wpe`). Absent means true; false builds a model
   * that sees its context as a bag of tokens, up to what the causal mask tells it (chapter 6).
   */
  positions?: boolean;
}

/** The initializations a {@link GPT} knows; see {@link GptConfig.init}. */
export type GptInit = 'gpt2' | 'pytorch';

/** Defaults besides the vocabulary size: nanoGPT's CPU-sized character model. */
export const GPT_DEFAULTS: Omit<GptConfig, 'vocabSize'> = {
  blockSize: 64,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  dropout: 0,
  bias: false,
  tieWeights: true,
  seed: 1337,
  init: 'gpt2',
  gelu: 'tanh',
};

/**
 * nanoGPT's "on a MacBook" Shakespeare-char config (config/train_shakespeare_char.py with the
 * README's CPU overrides: `--block_size=64 --n_layer=4 --n_head=4 --n_embd=128 --dropout=0.0`);
 * nanoGPT's vocabulary there is Shakespeare's 65 characters.
 */
export const nanoGptShakespeareCpu: Omit<GptConfig, 'vocabSize'> = { ...GPT_DEFAULTS };

/**
 * makemore's Transformer for names (`--type transformer`: 4 layers, 4 heads, 64 channels, block
 * size 16, no dropout), built as makemore builds it: biases, an lm head of its own, PyTorch's
 * default init. On names that init reaches a dev loss 0.05 lower than nanoGPT's N(0, 0.02).
 */
export const gptNames: Omit<GptConfig, 'vocabSize'> = { ...GPT_DEFAULTS, blockSize: 16, nEmbd: 64, bias: true, tieWeights: false, init: 'pytorch' };

/** Standard deviation of nanoGPT's initial weights. */
const INIT_STD = 0.02;

/**
 * The GPT of nanoGPT's `model.py`, written from tfjs ops: token and position embeddings, `nLayer`
 * pre-LayerNorm blocks (x = x + attn(ln1(x)); x = x + mlp(ln2(x))), a final LayerNorm and a
 * linear head to next-token logits.
 *
 * Parameters (see {@link GPT.params}), in creation order: `wte` (V, C) token embedding, `wpe`
 * (blockSize, C) position embedding; per block i: `block{i}.ln1.gain` (C), `block{i}.attn.qkv.w`
 * (C, 3C), `block{i}.attn.proj.w` (C, C), `block{i}.ln2.gain` (C), `block{i}.mlp.fc.w` (C, 4C),
 * `block{i}.mlp.proj.w` (4C, C); then `lnf.gain` (C) and, without weight tying, `lm_head` (C, V).
 * With `positions: false` there is no `wpe`, and no `gpt.position` to record.
 * With `bias`, each `.w` has a `.b` beside it and each `.gain` a `.bias`.
 *
 * Intermediates (keys.ts) with `record` (B batch, T time, C channels, H heads, hs = C / H):
 * - `embedding` (V, C): the token table `wte`; `embedded` (B, T, C): each input token's row.
 * - `gpt.position` (T, C): position embeddings.
 * - `gpt.resid` (B, T, C) and `gpt.resid_norm` (B, T): the residual stream entering block 0, and its L2 norm.
 * - `block{i}.attn.q`, `.k`, `.v` (B, H, T, hs): queries, keys and values, per head.
 * - `block{i}.attn.scores` (B, H, T, T): q·k / sqrt(hs), every head at once.
 * - `block{i}.attn.masked` (B, H, T, T): the scores with the future (key after query) set to -Infinity.
 * - `block{i}.attn.weights` (B, H, T, T): softmax of the masked scores; each row sums to 1.
 * - `block{i}.attn.out` (B, H, T, hs): each head's weighted sum of the values, before the heads are
 *   joined and projected (the attention's output read per head, so it costs no slow path).
 * - `block{i}.resid` (B, T, C) and `block{i}.resid_norm` (B, T): the residual stream leaving block i, and its L2 norm.
 * - `logits` (B, T, V).
 * Only a block whose scores, masked scores or weights are recorded leaves the fast wasm attention
 * (attentionFromQkv), which computes none of them.
 */
export class GPT implements LanguageModel {
  /** @inheritDoc */
  readonly name = 'gpt';
  /** The configuration, defaults filled in. */
  readonly config: GptConfig;
  /** Every weight, under the names listed in the class comment. */
  readonly params: Params;
  /** Seeds of the dropout masks, so that a seeded run is reproducible with dropout on. */
  readonly #dropoutRng: Rng;
  /** (T, T) additive causal masks (0 on and below the diagonal, -Infinity above), one per T. */
  readonly #masks = new Map<number, tf.Tensor2D>();

  constructor(config: Pick<GptConfig, 'vocabSize'> & Partial<GptConfig>) {
    this.config = { ...GPT_DEFAULTS, ...config };
    const { vocabSize, blockSize, nLayer, nHead, nEmbd, bias, tieWeights, seed } = this.config;
    if (nEmbd % nHead !== 0) throw new Error(`nEmbd (${nEmbd}) must be a multiple of nHead (${nHead})`);
    this.#dropoutRng = new Rng(seed ^ 0x5bd1e995);
    const p = (this.params = new Params(seed));
    const torchInit = this.config.init === 'pytorch';
    // nanoGPT's init: N(0, 0.02) everywhere, biases 0, LayerNorm gains 1, and the projections
    // that write into the residual stream scaled by 1/sqrt(2 * nLayer) (GPT-2 paper, section 2.3).
    // PyTorch's defaults: nn.Linear's weight and bias uniform in ±1/sqrt(inputs), nn.Embedding N(0, 1).
    const residStd = INIT_STD / Math.sqrt(2 * nLayer);
    const weight = (name: string, shape: [number, number], std: number) =>
      torchInit ? p.uniform(name, shape, 1 / Math.sqrt(shape[0])) : p.normal(name, shape, std);
    const linearParams = (name: string, inputs: number, outputs: number, std: number) => {
      weight(`${name}.w`, [inputs, outputs], std);
      if (bias && torchInit) p.uniform(`${name}.b`, [outputs], 1 / Math.sqrt(inputs));
      else if (bias) p.fill(`${name}.b`, [outputs], 0);
    };
    const norm = (name: string) => {
      p.fill(`${name}.gain`, [nEmbd], 1);
      if (bias) p.fill(`${name}.bias`, [nEmbd], 0);
    };
    const embeddingStd = torchInit ? 1 : INIT_STD;
    p.normal('wte', [vocabSize, nEmbd], embeddingStd);
    if (this.config.positions !== false) p.normal('wpe', [blockSize, nEmbd], embeddingStd);
    for (let i = 0; i < nLayer; i++) {
      norm(`block${i}.ln1`);
      linearParams(`block${i}.attn.qkv`, nEmbd, 3 * nEmbd, INIT_STD);
      linearParams(`block${i}.attn.proj`, nEmbd, nEmbd, residStd);
      norm(`block${i}.ln2`);
      linearParams(`block${i}.mlp.fc`, nEmbd, 4 * nEmbd, INIT_STD);
      linearParams(`block${i}.mlp.proj`, 4 * nEmbd, nEmbd, residStd);
    }
    norm('lnf');
    // makemore's lm_head is an nn.Linear without bias; with tied weights it is the embedding itself.
    if (!tieWeights) weight('lm_head', [nEmbd, vocabSize], INIT_STD);
  }

  /** @inheritDoc */
  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** @inheritDoc */
  get blockSize(): number {
    return this.config.blockSize;
  }

  /** @inheritDoc */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    const [batch, time] = idx.shape;
    if (time > this.config.blockSize) throw new Error(`sequence of length ${time} is longer than the block size ${this.config.blockSize}`);
    const mask = this.#causalMask(time); // (T, T)
    return tidyResult(() => {
      const { nLayer, nEmbd, vocabSize } = this.config;
      const training = options.training ?? false;
      const wants = recorder(options);
      const rec: Recording | undefined = wants ? { wants, out: {} } : undefined;
      // The residual stream x is (T*B, C), time-major: row t * B + b is position t of sequence b.
      // Every layer but attention treats rows alike, and attention is fastest this way round.
      const tokEmb = embed(this.#w('wte'), idx.transpose().reshape([-1])); // (T*B, C)
      const posEmb = this.config.positions === false ? undefined : (this.#w('wpe').slice([0, 0], [time, -1]) as tf.Tensor2D); // (T, C)
      const emb = posEmb ? tokEmb.reshape([time, batch, nEmbd]).add(posEmb.reshape([time, 1, nEmbd])) : tokEmb; // (T, B, C) or (T*B, C)
      let x = this.#dropout(emb.reshape([time * batch, nEmbd]), training) as tf.Tensor2D; // (T*B, C)
      if (rec) {
        keep(rec, 'embedding', () => this.#w('wte').clone()); // a clone: tidy must not return the variable itself
        keep(rec, 'embedded', () => batchMajor(tokEmb, time)); // (B, T, C)
        if (posEmb) keep(rec, 'gpt.position', () => posEmb);
        keepResidual(rec, 'gpt.resid', x, time);
      }
      for (let i = 0; i < nLayer; i++) {
        x = x.add(this.#attention(i, this.#norm(`block${i}.ln1`, x), time, mask, training, rec)); // (T*B, C)
        x = x.add(this.#mlp(i, this.#norm(`block${i}.ln2`, x), training)); // (T*B, C)
        if (rec) keepResidual(rec, `block${i}.resid`, x, time);
      }
      x = this.#norm('lnf', x); // (T*B, C)
      const head = this.config.tieWeights ? this.#w('wte').transpose<tf.Tensor2D>() : this.#w('lm_head'); // (C, V)
      const logits = batchMajor(matMul(x, head), time) as tf.Tensor3D; // (B, T, V)
      const result: ForwardResult = { logits };
      if (targets) result.loss = crossEntropy(logits, targets);
      if (rec) keep(rec, 'logits', () => logits.clone());
      if (rec) result.intermediates = rec.out;
      return result;
    });
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
    // The cached causal masks were kept out of every tidy, so only this frees them.
    tf.dispose([...this.#masks.values()]);
    this.#masks.clear();
  }

  /** Multi-head causal self-attention of block i (nanoGPT's `CausalSelfAttention`), on (T*B, C). */
  #attention(i: number, x: tf.Tensor2D, time: number, mask: tf.Tensor2D, training: boolean, rec?: Recording): tf.Tensor2D {
    const { nHead, nEmbd } = this.config;
    const qkv = linear(x, this.#w(`block${i}.attn.qkv.w`), this.#b(`block${i}.attn.qkv.b`)); // (T*B, 3C)
    const dropWeights = training && this.config.dropout > 0 ? (w: tf.Tensor) => this.#dropout(w, training) : undefined;
    const key = (name: string) => `block${i}.attn.${name}`;
    const weightsWanted = rec !== undefined && ['scores', 'masked', 'weights'].some((name) => rec.wants(key(name)));
    // On wasm the attention reads qkv as it is (attentionFromQkv); q, k and v are split only to be recorded.
    const fromQkv = !weightsWanted && tf.getBackend() === 'wasm' && hasQkvKernels();
    const qkvWanted = rec !== undefined && ['q', 'k', 'v'].some((name) => rec.wants(key(name)));
    const [q, k, v] = !fromQkv || qkvWanted ? tf.split(qkv, 3, 1).map((t) => t.reshape([time, -1, nEmbd]) as tf.Tensor3D) : []; // (T, B, C) each
    const attn: AttentionResult = fromQkv
      ? { out: attentionFromQkv(qkv, time, nHead, mask, dropWeights) } // (T, B, C)
      : causalSelfAttention(q!, k!, v!, nHead, mask, { dropWeights, record: weightsWanted }); // (T, B, C)
    if (rec) {
      const perHead = (t: tf.Tensor3D) => t.reshape([time, -1, nHead, nEmbd / nHead]).transpose([1, 2, 0, 3]); // (B, H, T, hs)
      keep(rec, key('q'), () => perHead(q!));
      keep(rec, key('k'), () => perHead(k!));
      keep(rec, key('v'), () => perHead(v!));
      keep(rec, key('scores'), () => attn.scores!);
      keep(rec, key('masked'), () => attn.masked!);
      keep(rec, key('weights'), () => attn.weights!);
      keep(rec, key('out'), () => perHead(attn.out));
    }
    const y = linear(attn.out.reshape([-1, nEmbd]) as tf.Tensor2D, this.#w(`block${i}.attn.proj.w`), this.#b(`block${i}.attn.proj.b`)); // (T*B, C)
    return this.#dropout(y, training);
  }

  /** The feed-forward network of block i (nanoGPT's `MLP`): C -> 4C -> GELU -> C. */
  #mlp(i: number, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const hidden = gelu(linear(x, this.#w(`block${i}.mlp.fc.w`), this.#b(`block${i}.mlp.fc.b`)), this.config.gelu); // (T*B, 4C)
    return this.#dropout(linear(hidden, this.#w(`block${i}.mlp.proj.w`), this.#b(`block${i}.mlp.proj.b`)), training); // (T*B, C)
  }

  /** LayerNorm `name` over the channels. */
  #norm(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return layerNorm(x, this.params.get(`${name}.gain`) as tf.Tensor1D, this.#b(`${name}.bias`)); // (T*B, C)
  }

  /** Dropout at the configured rate while training, with a fresh seed from the model's stream. */
  #dropout<T extends tf.Tensor>(x: T, training: boolean): T {
    const rate = this.config.dropout;
    return training && rate > 0 ? (dropout(x, rate, true, this.#dropoutRng.fork()) as T) : x;
  }

  /** The weight matrix called `name`. */
  #w(name: string): tf.Tensor2D {
    return this.params.get(name) as tf.Tensor2D;
  }

  /** The bias called `name`, or undefined in a model without biases. */
  #b(name: string): tf.Tensor1D | undefined {
    return this.config.bias ? (this.params.get(name) as tf.Tensor1D) : undefined;
  }

  /** The (T, T) additive causal mask, made once per T and kept until {@link GPT.dispose}. */
  #causalMask(time: number): tf.Tensor2D {
    let mask = this.#masks.get(time);
    if (!mask) {
      const values = new Float32Array(time * time);
      for (let q = 0; q < time; q++) for (let k = q + 1; k < time; k++) values[q * time + k] = -Infinity;
      // keep: forward may run inside a caller's tf.tidy, which must not free the cached mask.
      mask = tf.keep(tf.tensor2d(values, [time, time])); // (T, T)
      this.#masks.set(time, mask);
    }
    return mask;
  }
}

/** A time-major (T*B, ...) tensor as (B, T, ...). */
function batchMajor(x: tf.Tensor, time: number): tf.Tensor {
  const [rows, ...rest] = x.shape;
  const perm = [1, 0, ...rest.map((_, i) => i + 2)];
  return x.reshape([time, rows / time, ...rest]).transpose(perm); // (B, T, ...)
}

/** What a forward pass records: which keys, and the tensors kept so far. */
interface Recording {
  wants: (key: string) => boolean;
  out: Record<string, tf.Tensor>;
}

/** Keeps `make()` under `key` when the recording wants it. */
function keep(rec: Recording, key: string, make: () => tf.Tensor): void {
  if (rec.wants(key)) rec.out[key] = make();
}

/** Keeps the time-major residual stream x (T*B, C) as `key` (B, T, C) and its L2 norm as `key_norm` (B, T), as wanted. */
function keepResidual(rec: Recording, key: string, x: tf.Tensor2D, time: number): void {
  keep(rec, key, () => batchMajor(x, time)); // (B, T, C)
  keep(rec, `${key}_norm`, () => batchMajor(x.square().sum(-1).sqrt(), time)); // (B, T)
}
