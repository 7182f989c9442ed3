import * as tf from '@tensorflow/tfjs';
import { GELU_BACKWARD, GELU_FORWARD, LAYER_NORM_BACKWARD, LAYER_NORM_FORWARD, MAT_MUL, simdFor } from '../backend/simd/simdKernels';
import { Rng } from '../rng';

/** The callback type of tf.customGrad (tfjs does not export it). */
export type GradientFunc = Parameters<typeof tf.customGrad>[0];

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

// Why the blocks below have hand-written gradients (tf.customGrad): on tfjs's wasm backend only
// an untransposed 2-D matmul reaches XNNPACK's fast kernel. A matmul with a transpose flag or a
// batch dimension runs a scalar triple loop about 15 times slower, and tfjs differentiates matMul
// with transposed matmuls, so its own backward pass is slow. tanh and pow are scalar loops there
// too, while sigmoid is fast. Each block therefore computes the textbook function with a backward
// pass made of explicit transposes, untransposed 2-D matmuls and other fast ops. On wasm the
// products themselves run our SIMD kernel (lab/backend/simd/assembly/gemm.ts), which reads aᵀ in
// place and gives tf.matMul's result bit for bit.

/**
 * a @ b, or aᵀ @ b with `transposeA`, for 2-D tensors: our SIMD kernel on wasm (aᵀ read in
 * place), tf.matMul elsewhere (after an explicit transpose, fast on every backend).
 * @param a (N, K), or (K, N) with `transposeA`.
 * @param b (K, Out).
 * @returns (N, Out).
 */
function product(a: tf.Tensor, b: tf.Tensor, transposeA = false): tf.Tensor2D {
  if (simdFor(a, b)) return tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA }) as tf.Tensor2D; // (N, Out)
  return tf.matMul((transposeA ? a.transpose() : a) as tf.Tensor2D, b as tf.Tensor2D); // (N, Out)
}

/**
 * a @ b for 2-D tensors, the same as tf.matMul, differentiated with explicit transposes and
 * untransposed matmuls (da = dy @ bᵀ, db = aᵀ @ dy), which are fast on wasm.
 *
 * dy @ bᵀ makes a fresh (Out, In) bᵀ at every call; when a has few rows N (one step of a
 * recurrent net), the same product as (b @ dyᵀ)ᵀ moves fewer numbers: it transposes dy and the
 * (In, N) result. The count below also charges XNNPACK's packing of the right operand, which
 * tf.matMul redoes for every fresh tensor; on wasm both forms run our kernel instead and give the
 * same bits (the same products, summed in the same order).
 * @param a (N, In).
 * @param b (In, Out).
 * @returns (N, Out).
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [rows, inputs] = a.shape;
  const outputs = b.shape[1];
  const flipDa = rows * (2 * outputs + inputs) < 2 * inputs * outputs; // numbers moved: (b @ dyᵀ)ᵀ vs dy @ bᵀ
  const multiply = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: product(a, b), // (N, Out)
      gradFunc: (dy: tf.Tensor, [a, b]: tf.Tensor[]) => {
        const da = flipDa
          ? product(b!, dy.transpose()).transpose() // (N, In) = (b @ dyᵀ)ᵀ
          : product(dy, b!.transpose()); // (N, In) = dy @ bᵀ
        return [da, product(a!, dy, true)]; // (N, In), (In, Out) = aᵀ @ dy
      },
    };
  }) as GradientFunc);
  return multiply(a, b) as tf.Tensor2D; // (N, Out)
}

/**
 * Rows of an embedding table for each token: one-hot(idx) @ table. The same as tf.gather, but
 * differentiable on every backend (gather's gradient, UnsortedSegmentSum, is missing on wasm),
 * with the table's gradient one-hotᵀ @ dy as an untransposed matmul.
 * @param table (V, C) float32.
 * @param idx (N) or (B, T) int32.
 * @returns (N, C) or (B, T, C).
 */
export function embed(table: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D;
export function embed(table: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor3D;
export function embed(table: tf.Tensor2D, idx: tf.Tensor1D | tf.Tensor2D): tf.Tensor {
  const [vocab, channels] = table.shape;
  const oneHot = tf.oneHot(idx.reshape([-1]), vocab).cast('float32') as tf.Tensor2D; // (N, V); wasm's OneHot writes int32 whatever dtype it is asked for
  const lookup = tf.customGrad(((table: tf.Tensor, save: tf.GradSaveFunc) => {
    save([oneHot]);
    return {
      value: product(oneHot, table), // (N, C)
      gradFunc: (dy: tf.Tensor, [oneHot]: tf.Tensor[]) => product(oneHot!, dy, true), // (V, C)
    };
  }) as GradientFunc);
  return lookup(table).reshape([...idx.shape, channels]); // (N, C) or (B, T, C)
}

/**
 * x @ w + b over the last axis, for inputs of any rank (flattened to rows for {@link matMul}).
 * @param x (..., In).
 * @param w (In, Out).
 * @param b (Out), optional.
 * @returns (..., Out).
 */
export function linear<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor<R> {
  const [inputs, outputs] = w.shape;
  const y = matMul(x.reshape([-1, inputs]), w); // (N, Out)
  return (b ? y.add(b) : y).reshape([...x.shape.slice(0, -1), outputs]); // (..., Out)
}

/**
 * Layer normalization over the last axis (Ba et al. 2016), as PyTorch's nn.LayerNorm, for
 * inputs of any rank, with the closed-form backward pass
 * dx = (g - mean(g) - x̂ mean(g x̂)) / σ, where g = dy * gain and x̂ is the normalized x.
 * @param x (..., C).
 * @param gain (C).
 * @param bias (C), optional.
 * @returns (..., C).
 */
export function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, bias?: tf.Tensor1D, epsilon = 1e-5): tf.Tensor<R> {
  const norm = tf.customGrad(((x: tf.Tensor, gain: tf.Tensor, save: tf.GradSaveFunc) => {
    const [value, normed, invStd] = useSimd(x, x.shape[1]!) && simdFor(gain)
      ? (tf.engine().runKernel(LAYER_NORM_FORWARD, { x, gain }, { epsilon }) as unknown as tf.Tensor[]) // (N, C), (N, C) x̂, (N, 1) 1/σ
      : layerNormByOps(x, gain, epsilon);
    save([normed!, invStd!, gain]);
    return {
      value: value!, // (N, C)
      gradFunc: (dy: tf.Tensor, [normed, invStd, gain]: tf.Tensor[]) => useSimd(dy, dy.shape[1]!) && simdFor(gain!)
        ? (tf.engine().runKernel(LAYER_NORM_BACKWARD, { dy, xhat: normed!, rstd: invStd!, gain: gain! }, {}) as unknown as tf.Tensor[]) // (N, C), (C)
        : layerNormGradByOps(dy, normed!, invStd!, gain!),
    };
  }) as GradientFunc);
  const y = norm(x.reshape([-1, gain.shape[0]]), gain); // (N, C)
  return (bias ? y.add(bias) : y).reshape(x.shape); // (..., C)
}

/** LayerNorm's backward pass as tfjs ops: [dx, dgain] for dy (N, C), x̂ (N, C), 1/σ (N, 1), gain (C). */
function layerNormGradByOps(dy: tf.Tensor, normed: tf.Tensor, invStd: tf.Tensor, gain: tf.Tensor): tf.Tensor[] {
  const g = dy.mul(gain); // (N, C)
  const dx = g.sub(g.mean(1, true)).sub(normed.mul(g.mul(normed).mean(1, true))).mul(invStd); // (N, C)
  return [dx, dy.mul(normed).sum(0)]; // (N, C), (C)
}

/** LayerNorm's forward pass as tfjs ops: [x̂ gain, x̂, 1/σ] for x (N, C). */
function layerNormByOps(x: tf.Tensor, gain: tf.Tensor, epsilon: number): tf.Tensor[] {
  const centred = x.sub(x.mean(1, true)); // (N, C)
  const invStd = centred.square().mean(1, true).add(epsilon).rsqrt(); // (N, 1) 1/σ
  const normed = centred.mul(invStd); // (N, C) x̂
  return [normed.mul(gain), normed, invStd]; // (N, C), (N, C), (N, 1)
}

/**
 * Whether a float32 tensor goes through the SIMD kernels of lab/backend/simd: on the wasm
 * backend when they loaded, and when `multipleOf4` (its size, or LayerNorm's last axis) is a
 * multiple of 4, as the kernels need; every other case takes the tfjs ops.
 */
function useSimd(x: tf.Tensor, multipleOf4: number): boolean {
  return x.size > 0 && multipleOf4 % 4 === 0 && simdFor(x);
}

/** Which GELU: the tanh approximation (GPT-2's, makemore's `NewGELU`) or the exact one (PyTorch's `nn.GELU()`, nanoGPT's). */
export type GeluKind = 'tanh' | 'exact';

/** GELU as x * sigmoid(z) with z = K1 x + K3 x³ (see {@link gelu}). */
const GELU_K1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_K3 = GELU_K1 * 0.044715;

/**
 * GELU, x Φ(x) with Φ the standard normal CDF.
 * - `tanh` (default; GPT-2's, PyTorch's `approximate='tanh'`):
 *   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))). Since 0.5 (1 + tanh(u)) = sigmoid(2u), that is
 *   x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x³)): the same number, computed with sigmoid, because
 *   tanh and pow are slow on wasm while sigmoid is fast.
 * - `exact` (PyTorch's default): 0.5 x (1 + erf(x / sqrt 2)), with gradient Φ(x) + x φ(x).
 * Both have hand-written gradients.
 * @param x any shape.
 * @returns the shape of x.
 */
export function gelu<R extends tf.Rank>(x: tf.Tensor<R>, kind: GeluKind = 'tanh'): tf.Tensor<R> {
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => (kind === 'exact' ? exactGelu(x, save) : tanhGelu(x, save))) as GradientFunc);
  return f(x) as tf.Tensor<R>; // (...)
}

function tanhGelu(x: tf.Tensor, save: tf.GradSaveFunc) {
  if (useSimd(x, x.size)) {
    // One pass each way on wasm (lab/backend/simd): y = x s and s forward, dx from (dy, x, s) backward.
    const [y, s] = tf.engine().runKernel(GELU_FORWARD, { x }, {}) as unknown as tf.Tensor[]; // (...), (...) sigmoid(z)
    save([x, s!]);
    return {
      value: y!, // (...)
      gradFunc: (dy: tf.Tensor, [x, s]: tf.Tensor[]) => tf.engine().runKernel(GELU_BACKWARD, { dy, x: x!, s: s! }, {}) as tf.Tensor, // (...)
    };
  }
  const s = x.square().mul(GELU_K3).add(GELU_K1).mul(x).sigmoid(); // (...) sigmoid(z)
  save([x, s]);
  return {
    value: x.mul(s), // (...)
    // d/dx [x s] = s + x s (1 - s) dz/dx, with dz/dx = K1 + 3 K3 x².
    gradFunc: (dy: tf.Tensor, [x, s]: tf.Tensor[]) => {
      const dz = x!.square().mul(3 * GELU_K3).add(GELU_K1); // (...)
      return dy.mul(x!.mul(dz).mul(tf.sub(1, s!)).add(1).mul(s!)); // (...)
    },
  };
}

function exactGelu(x: tf.Tensor, save: tf.GradSaveFunc) {
  const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5); // (...) Φ(x)
  save([x, cdf]);
  return {
    value: x.mul(cdf), // (...)
    // d/dx [x Φ(x)] = Φ(x) + x φ(x), with φ(x) = exp(-x²/2) / sqrt(2π).
    gradFunc: (dy: tf.Tensor, [x, cdf]: tf.Tensor[]) => {
      const xPdf = x!.square().mul(-0.5).exp().mul(x!).mul(1 / Math.sqrt(2 * Math.PI)); // (...) x φ(x)
      return dy.mul(cdf!.add(xPdf)); // (...)
    },
  };
}

/**
 * Inverted dropout: zeroes each element with probability `rate` while training and scales the
 * rest by 1 / (1 - rate); the identity otherwise. A fixed `seed` draws the same mask every
 * call: give a fresh one per step (or none).
 */
export function dropout<R extends tf.Rank>(x: tf.Tensor<R>, rate: number, training: boolean, seed?: number): tf.Tensor<R> {
  return training && rate > 0 ? (tf.dropout(x, rate, undefined, seed) as tf.Tensor<R>) : x;
}
