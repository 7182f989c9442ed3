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

/** One step of a cell: the new state, and the (B, H) values it shows under intermediate keys besides the state. */
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
 * `cell.wx` (C, G * H), `cell.wh` (H, G * H) and `cell.b` (G * H) ~ U(±1/√H) as in PyTorch (`cell.wh`
 * ~ U(±s/√H) with `recurrentScale` s, drawn from the same random stream), their G
 * column blocks in PyTorch's gate order (LSTM: i, f, g, o; GRU: r, z, n), with the LSTM's forget
 * bias set to 1; the GRU's `cell.bhn` (H) ~ U(±1/√H); `head.w` (H, V) and `head.b` (V) ~ U(±1/√H).
 * The input's share x W_x + b is computed for all T steps with one matmul; only the recurrent
 * part loops over time.
 *
 * Intermediates (keys.ts), with `record` (every gate and state is (B, T, H), at step t after reading token t):
 * - `embedding` (V, C): the embedding table; `embedded` (B, T, C): each input token's row.
 * - `rnn.state` (B, T, H): the hidden states h_t, for every cell.
 * - `rnn.state_grad` (B, T, H): ∂ℓ/∂h_t, ℓ the mean cross-entropy at the last position, through
 *   the unrolled steps (a zero nudge added to every h_t, differentiated); it needs targets with one
 *   at the last position, and `record: true` takes it only when they have one.
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
    const scale = this.config.recurrentScale ?? 1;
    if (!(Number.isFinite(scale) && scale >= 0)) throw new Error(`recurrentScale must be a number >= 0, not ${scale}`);
    this.params.uniform('cell.wh', [hiddenDim, width], bound * scale); // the same draws as unscaled, times the scale
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
      const table = p('embedding') as tf.Tensor2D; // (V, C)
      const x = embed(table, idx); // (B, T, C)
      const xw = linear(x, p('cell.wx') as tf.Tensor2D, p('cell.b') as tf.Tensor1D); // (B, T, G * H)
      const { hidden, trace } = this.#unroll(xw);
      const logits = this.#head(hidden); // (B, T, V)
      const result: ForwardResult = { logits };
      if (targets) result.loss = crossEntropy(logits, targets);
      const wants = recorder(options);
      if (wants) {
        const all: Record<string, () => tf.Tensor> = {
          embedding: () => table.clone(), // a clone: tidy must not return the variable itself
          embedded: () => x,
          'rnn.state': () => hidden,
        };
        // Asked for by name, the state gradient needs a target at the last position (and says so);
        // `record: true` records it only when the input has one.
        const last = wants('rnn.state_grad') ? lastTargets(targets) : undefined;
        if (wants('rnn.state_grad') && (last || options.record !== true)) all['rnn.state_grad'] = () => this.#stateGrad(xw, last);
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

  /**
   * Runs the cell over the input's shares xw (B, T, G * H) from the learned start state. With
   * `nudge` (B, T, H), h_t + nudge_t is the state at step t, read by the head and by step t + 1
   * alike: a zero nudge changes no value, and the loss's gradient with respect to it is ∂ℓ/∂h_t.
   * @returns the hidden states (B, T, H) and every other recorded (B, H) value per step.
   */
  #unroll(xw: tf.Tensor3D, nudge?: tf.Tensor3D): { hidden: tf.Tensor3D; trace: Record<string, tf.Tensor[]> } {
    const batch = xw.shape[0];
    const start = (name: string) => tf.broadcastTo<tf.Rank.R2>(this.params.get(name), [batch, this.config.hiddenDim]); // (B, H)
    let state: State = { h: start('start.h'), c: this.name === 'lstm' ? start('start.c') : undefined };
    const nudges = nudge ? (tf.unstack(nudge, 1) as tf.Tensor2D[]) : undefined; // T x (B, H)
    const states: tf.Tensor2D[] = [];
    const trace: Record<string, tf.Tensor[]> = {};
    (tf.unstack(xw, 1) as tf.Tensor2D[]).forEach((xt, t) => {
      // xt (B, G * H): the input's share of step t; only h W_h is left to add, step by step.
      const step = this.#step(xt, state);
      state = nudges ? { ...step.state, h: step.state.h.add(nudges[t]!) } : step.state; // (B, H)
      states.push(state.h);
      for (const [key, value] of Object.entries(step.record)) (trace[key] ??= []).push(value);
    });
    return { hidden: tf.stack(states, 1) as tf.Tensor3D, trace }; // (B, T, H)
  }

  /** The next-token logits (B, T, V) read off hidden states (B, T, H). */
  #head(hidden: tf.Tensor3D): tf.Tensor3D {
    return linear(hidden, this.params.get('head.w') as tf.Tensor2D, this.params.get('head.b') as tf.Tensor1D); // (B, T, V)
  }

  /**
   * ∂ℓ/∂h_t (B, T, H), ℓ the mean over examples of the cross-entropy at the last position: the
   * gradient with respect to a zero nudge of every state (see `#unroll`), so the values are those
   * of the forward pass. One more unrolled forward and its backward pass.
   * @param last (B, 1) the targets at the last position ({@link lastTargets}).
   * @throws without them (a typed text has no target after its last character).
   */
  #stateGrad(xw: tf.Tensor3D, last: tf.Tensor2D | undefined): tf.Tensor3D {
    if (!last) throw new Error("'rnn.state_grad' is the gradient of the loss at the last position, which needs a target there: a typed text has none after its last character (read windows of running text instead)");
    const [batch, time] = xw.shape;
    const loss = (nudge: tf.Tensor): tf.Scalar => {
      const { hidden } = this.#unroll(xw, nudge as tf.Tensor3D); // (B, T, H)
      const h = hidden.slice([0, time - 1, 0], [batch, 1, this.config.hiddenDim]); // (B, 1, H)
      return crossEntropy(this.#head(h), last); // scalar
    };
    return tf.grad(loss)(tf.zeros([batch, time, this.config.hiddenDim])) as tf.Tensor3D; // (B, T, H)
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
    return { state: { h: next }, record: {} };
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
      record: { 'gru.gate.update': update, 'gru.gate.reset': reset, 'gru.candidate': candidate },
    };
  }

  /** (H, G * H) the recurrent weights. */
  get #wh(): tf.Tensor2D {
    return this.params.get('cell.wh') as tf.Tensor2D;
  }
}

/** The (B, 1) targets at the last position, or undefined without targets or when one is missing (-1). */
function lastTargets(targets: tf.Tensor2D | undefined): tf.Tensor2D | undefined {
  if (!targets) return undefined;
  const [batch, time] = targets.shape;
  const last = targets.slice([0, time - 1], [batch, 1]); // (B, 1)
  return last.min().dataSync()[0]! < 0 ? undefined : last;
}
