import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';

/**
 * The named, seeded weights of one model. Every model of the ladder creates its variables
 * here, so that they come out in a stable order (for optimizers and checkpoints) under stable
 * names (for the views), and the same seed always gives the same initial weights.
 */
export class Params {
  readonly #variables = new Map<string, tf.Variable>();
  readonly #rng: Rng;

  /** @param seed seed of every initializer, drawn in creation order. */
  constructor(seed: number) {
    this.#rng = new Rng(seed);
  }

  /** A variable drawn from N(0, std²). */
  normal(name: string, shape: number[], std: number): tf.Variable {
    const seed = this.#rng.fork();
    return this.#add(name, () => tf.randomNormal(shape, 0, std, 'float32', seed));
  }

  /** A variable drawn uniformly from [-bound, bound] (PyTorch's default for nn.Linear and RNN cells). */
  uniform(name: string, shape: number[], bound: number): tf.Variable {
    const seed = this.#rng.fork();
    return this.#add(name, () => tf.randomUniform(shape, -bound, bound, 'float32', seed));
  }

  /** A variable filled with a constant (0 for biases, 1 for LayerNorm gains). */
  fill(name: string, shape: number[], value: number): tf.Variable {
    return this.#add(name, () => tf.fill(shape, value, 'float32'));
  }

  /** The variable called `name`. */
  get(name: string): tf.Variable {
    const v = this.#variables.get(name);
    if (!v) throw new Error(`no parameter called ${name}`);
    return v;
  }

  /** Every variable, in creation order. */
  list(): tf.Variable[] {
    return [...this.#variables.values()];
  }

  /** Every variable by name, in creation order. */
  entries(): [string, tf.Variable][] {
    return [...this.#variables.entries()];
  }

  /** Frees every variable. */
  dispose(): void {
    tf.dispose(this.list());
    this.#variables.clear();
  }

  #add(name: string, init: () => tf.Tensor): tf.Variable {
    if (this.#variables.has(name)) throw new Error(`parameter ${name} exists already`);
    // Variables stay unnamed in tfjs's global registry (names there must be unique across models).
    const v = tf.tidy(() => tf.variable(init()));
    this.#variables.set(name, v);
    return v;
  }
}

/**
 * Rows of an embedding table for each token: one-hot(idx) @ table. The same as tf.gather,
 * but differentiable on every backend (gather's gradient, UnsortedSegmentSum, is missing on wasm).
 * @param table (V, C) float32.
 * @param idx (B, T) int32.
 * @returns (B, T, C).
 */
export function embed(table: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor3D {
  const [batch, time] = idx.shape;
  const [vocab, channels] = table.shape;
  const oneHot = tf.oneHot(idx.reshape([-1]), vocab); // (B*T, V)
  return oneHot.matMul(table).reshape([batch, time, channels]); // (B, T, C)
}

/**
 * x @ w + b over the last axis, for inputs of any rank.
 * @param x (..., In).
 * @param w (In, Out).
 * @param b (Out), optional.
 * @returns (..., Out).
 */
export function linear<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor<R> {
  const [inputs, outputs] = w.shape;
  const lead = x.shape.slice(0, -1);
  const flat = x.reshape([-1, inputs]) as tf.Tensor2D; // (N, In)
  const y = b ? tf.matMul(flat, w).add(b) : tf.matMul(flat, w); // (N, Out)
  return y.reshape([...lead, outputs]) as tf.Tensor<R>;
}

/**
 * Layer normalization over the last axis (Ba et al. 2016), as PyTorch's nn.LayerNorm.
 * @param x (..., C).
 * @param gain (C).
 * @param bias (C), optional.
 * @returns (..., C).
 */
export function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, bias?: tf.Tensor1D, epsilon = 1e-5): tf.Tensor<R> {
  const axis = x.rank - 1;
  const { mean, variance } = tf.moments(x, axis, true); // (..., 1) each
  const normed = x.sub(mean).mul(variance.add(epsilon).rsqrt()).mul(gain); // (..., C)
  return (bias ? normed.add(bias) : normed) as tf.Tensor<R>;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (GPT-2's, PyTorch's `approximate='tanh'`); same shape as x. */
export function gelu<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI); // (...)
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/**
 * Inverted dropout: zeroes each element with probability `rate` while training and scales the
 * rest by 1 / (1 - rate); the identity otherwise. A fixed `seed` draws the same mask every
 * call: give a fresh one per step (or none).
 */
export function dropout<R extends tf.Rank>(x: tf.Tensor<R>, rate: number, training: boolean, seed?: number): tf.Tensor<R> {
  return training && rate > 0 ? (tf.dropout(x, rate, undefined, seed) as tf.Tensor<R>) : x;
}
