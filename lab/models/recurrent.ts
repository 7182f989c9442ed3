import * as tf from '@tensorflow/tfjs';
import { embed, linear, matMul, Params } from './layers';
import { crossEntropy } from './loss';
import { type ForwardOptions, type ForwardResult, type LanguageModel, pick, recorder, tidyResult } from './model';

/** The recurrent cells of the course: Elman's vanilla RNN, the LSTM and the GRU. */
export type CellKind = 'rnn' | 'lstm' | 'gru';

/** Configuration of a {@link RecurrentLM}. */
export interface RecurrentConfig {
  /** Which cell is unrolled over time. */
  cell: CellKind;
  /** Number of distinct tokens (V). */
  vocabSize: number;
  /** Longest sequence the model is trained on; the cell itself could run on for ever. */
  blockSize: number;
  /** Size of each token's embedding vector (C; makemore's `n_embd`). */
  embedDim: number;
  /** Size of the hidden state (H; makemore's `n_embd2`). */
  hiddenDim: number;
  /** Seed of the initial weights. */
  seed: number;
  /**
   * Multiplies the recurrent weights' initial bound (U(±scale/√H) for `cell.wh`); 1 when absent.
   * Chapter 4 raises it to make gradients explode, and lowers it to make them vanish faster.
   */
  recurrentScale?: number;
}

/** Defaults besides the vocabulary size: makemore's RNN and GRU on names. */
export const RECURRENT_DEFAULTS: Omit<RecurrentConfig, 'vocabSize'> = {
  cell: 'rnn',
  blockSize: 16, // the longest name (15 letters) plus its closing boundary
  embedDim: 64, // makemore's n_embd
  hiddenDim: 64, // makemore's n_embd2
  seed: 2147483647, // makemore's generator seed
};

/** How many blocks of H columns the cell's weights hold: one per gate or candidate. */
const BLOCKS: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };

/** What a cell carries from one step to the next: the hidden state, and the LSTM's cell state. */
interface State {
  /** (B, H) the hidden state h_{t-1}. */
  h: tf.Tensor2D;
  /** (B, H) the LSTM's cell state c_{t-1}. */
  c?: tf.Tensor2D;
}

/** One step of a cell: the new state, and the (B, H) values it shows under intermediate keys. */
interface Step {
  state: State;
  record: Record<string, tf.Tensor>;
}

type Three = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
type Four = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];

/**
 * A recurrent language model, as makemore's RNN: embed each token, unroll a cell over time from
 * a learned start state, and read the next-token logits off every hidden state with a linear head.
 *
 * The cells (σ the logistic sigmoid, ⊙ the elementwise product, x_t the embedding at step t):
 * - `rnn`: h_t = tanh(x_t W_x + h_{t-1} W_h + b), makemore's RNNCell.
 * - `lstm` (Hochreiter & Schmidhuber 1997, with a forget gate as in PyTorch's LSTM):
 *   i, f, o = σ(x_t W_x + h_{t-1} W_h + b) per gate, g = tanh(same), c_t = f ⊙ c_{t-1} + i ⊙ g,
 *   h_t = o ⊙ tanh(c_t).
 * - `gru` (Cho et al. 2014, as PyTorch's GRU, not makemore's GRUCell: the reset gate multiplies
 *   h W_hn after the product, so all three recurrent products are one matmul per step):
 *   r, z = σ(x_t W_x + h_{t-1} W_h + b) per gate, n = tanh(x_t W_xn + b_n + r ⊙ (h_{t-1} W_hn + b_hn)),
 *   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}: the update gate z is the share of the old state kept.
 *
 * Parameters: `embedding` (V, C) ~ N(0, 1); `start.h` (H) = 0, and `start.c` (H) = 0 for the LSTM;
 * `cell.wx` (C, G * H), `cell.wh` (H, G * H) and `cell.b` (G * H) ~ U(±1/√H) as in PyTorch, their G
 * column blocks in PyTorch's gate order (LSTM: i, f, g, o; GRU: r, z, n), with the LSTM's forget
 * bias set to 1; the GRU's `cell.bhn` (H) ~ U(±1/√H); `head.w` (H, V) and `head.b` (V) ~ U(±1/√H).
 * The input's share x W_x + b is computed for all T steps with one matmul; only the recurrent
 * part loops over time.
 *
 * Intermediates (keys.ts), with `record` (every gate and state is (B, T, H), at step t after reading token t):
 * - `embedding` (V, C): the embedding table; `embedded` (B, T, C): each input token's row.
 * - `rnn.state` (B, T, H): the hidden states h_t, for every cell.
 * - LSTM: `lstm.gate.input`, `lstm.gate.forget`, `lstm.gate.output` (in [0, 1]), `lstm.candidate` g
 *   (in [-1, 1]), `lstm.cell` c_t.
 * - GRU: `gru.gate.update` z, `gru.gate.reset` r (in [0, 1]), `gru.candidate` n (in [-1, 1]).
 * - `logits` (B, T, V).
 */
export class RecurrentLM implements LanguageModel {
  readonly name: CellKind;
  readonly vocabSize: number;
  readonly blockSize: number;
  /** The full configuration, defaults filled in. */
  readonly config: RecurrentConfig;
  /** The weights, under the names listed above. */
  readonly params: Params;

  constructor(config: Pick<RecurrentConfig, 'vocabSize'> & Partial<RecurrentConfig>) {
    this.config = { ...RECURRENT_DEFAULTS, ...config };
    const { cell, vocabSize, blockSize, embedDim, hiddenDim, seed } = this.config;
    if (!(cell in BLOCKS)) throw new Error(`unknown cell ${cell}`);
    this.name = cell;
    this.vocabSize = vocabSize;
    this.blockSize = blockSize;
    this.params = new Params(seed);
    const bound = 1 / Math.sqrt(hiddenDim);
    const width = BLOCKS[cell] * hiddenDim;
    this.params.normal('embedding', [vocabSize, embedDim], 1);
    this.params.fill('start.h', [hiddenDim], 0);
    if (cell === 'lstm') this.params.fill('start.c', [hiddenDim], 0);
    this.params.uniform('cell.wx', [embedDim, width], bound);
    this.params.uniform('cell.wh', [hiddenDim, width], bound);
    const b = this.params.uniform('cell.b', [width], bound);
    if (cell === 'lstm') {
      // Forget-gate bias 1 (Gers et al. 2000; Jozefowicz et al. 2015): the cell starts out remembering.
      tf.tidy(() => b.assign(tf.concat([b.slice(0, hiddenDim), tf.ones([hiddenDim]), b.slice(2 * hiddenDim)])));
    }
    if (cell === 'gru') this.params.uniform('cell.bhn', [hiddenDim], bound);
    this.params.uniform('head.w', [hiddenDim, vocabSize], bound);
    this.params.uniform('head.b', [vocabSize], bound);
  }

  /** @inheritDoc */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    return tidyResult(() => {
      const p = (name: string) => this.params.get(name);
      const batch = idx.shape[0];
      const table = p('embedding') as tf.Tensor2D; // (V, C)
      const x = embed(table, idx); // (B, T, C)
      const xw = linear(x, p('cell.wx') as tf.Tensor2D, p('cell.b') as tf.Tensor1D); // (B, T, G * H)
      const start = (name: string) => tf.broadcastTo<tf.Rank.R2>(p(name), [batch, this.config.hiddenDim]); // (B, H)
      let state: State = { h: start('start.h'), c: this.name === 'lstm' ? start('start.c') : undefined };
      const trace: Record<string, tf.Tensor[]> = {};
      for (const xt of tf.unstack(xw, 1) as tf.Tensor2D[]) {
        // xt (B, G * H): the input's share of step t; only h W_h is left to add, step by step.
        const step = this.#step(xt, state);
        state = step.state;
        for (const [key, value] of Object.entries(step.record)) (trace[key] ??= []).push(value);
      }
      const hidden = tf.stack(trace['rnn.state']!, 1) as tf.Tensor3D; // (B, T, H)
      const logits = linear(hidden, p('head.w') as tf.Tensor2D, p('head.b') as tf.Tensor1D); // (B, T, V)
      const result: ForwardResult = { logits };
      if (targets) result.loss = crossEntropy(logits, targets);
      const wants = recorder(options);
      if (wants) {
        const all: Record<string, () => tf.Tensor> = {
          embedding: () => table.clone(), // a clone: tidy must not return the variable itself
          embedded: () => x,
          'rnn.state': () => hidden,
        };
        for (const [key, steps] of Object.entries(trace)) all[key] ??= () => tf.stack(steps, 1); // (B, T, H)
        all.logits = () => logits.clone();
        result.intermediates = pick(all, wants);
      }
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
  }

  /** One step of the cell, from the input's share xt (B, G * H) of step t. */
  #step(xt: tf.Tensor2D, state: State): Step {
    if (this.name === 'lstm') return this.#lstm(xt, state.h, state.c!);
    if (this.name === 'gru') return this.#gru(xt, state.h);
    return this.#rnn(xt, state.h);
  }

  /** h_t = tanh(x_t W_x + b + h_{t-1} W_h). */
  #rnn(xt: tf.Tensor2D, h: tf.Tensor2D): Step {
    const next = xt.add<tf.Tensor2D>(matMul(h, this.#wh)).tanh(); // (B, H)
    return { state: { h: next }, record: { 'rnn.state': next } };
  }

  /** c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t); gate blocks in PyTorch's order i, f, g, o. */
  #lstm(xt: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D): Step {
    const [i, f, g, o] = tf.split(xt.add(matMul(h, this.#wh)), 4, 1) as Four; // 4 x (B, H)
    const input = i.sigmoid(); // (B, H) how much of the candidate to write
    const forget = f.sigmoid(); // (B, H) how much of the old cell to keep
    const output = o.sigmoid(); // (B, H) how much of the cell to show
    const candidate = g.tanh(); // (B, H)
    const cell: tf.Tensor2D = forget.mul(c).add(input.mul(candidate)); // (B, H)
    const next: tf.Tensor2D = output.mul(cell.tanh()); // (B, H)
    return {
      state: { h: next, c: cell },
      record: {
        'rnn.state': next,
        'lstm.gate.input': input,
        'lstm.gate.forget': forget,
        'lstm.gate.output': output,
        'lstm.candidate': candidate,
        'lstm.cell': cell,
      },
    };
  }

  /** h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}, PyTorch's GRU; gate blocks in PyTorch's order r, z, n. */
  #gru(xt: tf.Tensor2D, h: tf.Tensor2D): Step {
    const [xr, xz, xn] = tf.split(xt, 3, 1) as Three; // 3 x (B, H)
    const [hr, hz, hn] = tf.split(matMul(h, this.#wh), 3, 1) as Three; // 3 x (B, H)
    const reset = xr.add(hr).sigmoid(); // (B, H) how much of the old state the candidate sees
    const update = xz.add(hz).sigmoid(); // (B, H) how much of the old state to keep
    const candidate = xn.add(reset.mul(hn.add(this.params.get('cell.bhn')))).tanh(); // (B, H)
    const next: tf.Tensor2D = tf.sub(1, update).mul(candidate).add(update.mul(h)); // (B, H)
    return {
      state: { h: next },
      record: { 'rnn.state': next, 'gru.gate.update': update, 'gru.gate.reset': reset, 'gru.candidate': candidate },
    };
  }

  /** (H, G * H) the recurrent weights. */
  get #wh(): tf.Tensor2D {
    return this.params.get('cell.wh') as tf.Tensor2D;
  }
}
