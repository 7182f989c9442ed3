import * as tf from '@tensorflow/tfjs';
import { adamwUpdate } from './adamwKernel';

/** An optimizer whose learning rate a schedule may change between steps. */
export interface ScheduledOptimizer extends tf.Optimizer {
  setLearningRate(learningRate: number): void;
}

/** Options of {@link AdamW}; defaults are nanoGPT's. */
export interface AdamWOptions {
  learningRate: number;
  /** Decay rate of the first-moment average. */
  beta1?: number;
  /** Decay rate of the second-moment average; nanoGPT uses 0.95 (0.99 for its tiny char models). */
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (Loshchilov & Hutter): each step multiplies weights by 1 - lr * wd. */
  weightDecay?: number;
  /** Which variables decay: by default matrices and embeddings (rank >= 2), not biases or norms, as in nanoGPT. */
  decays?: (variable: tf.Variable) => boolean;
}

/** Adam's two moving averages of one variable. */
interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam with decoupled weight decay (AdamW, as PyTorch's `torch.optim.AdamW`), and a learning
 * rate that a schedule can set. tfjs has Adam but not AdamW; this one also updates each variable
 * in one fused kernel on wasm and cpu (see adamwKernel.ts), where tfjs's Adam runs a dozen ops.
 */
export class AdamW extends tf.Optimizer implements ScheduledOptimizer {
  static get className(): string {
    return 'AdamW';
  }

  #learningRate: number;
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;
  readonly #weightDecay: number;
  readonly #decays: (variable: tf.Variable) => boolean;
  readonly #moments = new Map<string, Moments>();
  /** Steps taken, for the bias corrections. */
  #step = 0;

  constructor(options: AdamWOptions) {
    super();
    this.#learningRate = options.learningRate;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.95;
    this.#epsilon = options.epsilon ?? 1e-8;
    this.#weightDecay = options.weightDecay ?? 0.1;
    this.#decays = options.decays ?? ((v) => v.rank >= 2);
  }

  /** Sets the learning rate used from the next step on. */
  setLearningRate(learningRate: number): void {
    this.#learningRate = learningRate;
  }

  /** The learning rate of the next step. */
  get currentLearningRate(): number {
    return this.#learningRate;
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const gradients = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    this.#step += 1;
    const base = {
      learningRate: this.#learningRate,
      beta1: this.#beta1,
      beta2: this.#beta2,
      epsilon: this.#epsilon,
      correction1: 1 - this.#beta1 ** this.#step,
      correction2: 1 - this.#beta2 ** this.#step,
    };
    tf.tidy(() => {
      for (const { name, tensor: grad } of gradients) {
        const variable = tf.engine().registeredVariables[name];
        if (!variable || !grad) continue;
        const moments = this.#momentsOf(name, variable);
        const decay = this.#decays(variable) ? this.#learningRate * this.#weightDecay : 0;
        const [param, m, v] = adamwUpdate(variable, grad, moments.m, moments.v, { ...base, decay });
        variable.assign(param);
        moments.m.assign(m);
        moments.v.assign(v);
      }
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.#learningRate, beta1: this.#beta1, beta2: this.#beta2, epsilon: this.#epsilon, weightDecay: this.#weightDecay };
  }

  #momentsOf(name: string, variable: tf.Variable): Moments {
    let moments = this.#moments.get(name);
    if (!moments) {
      moments = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) }));
      this.#moments.set(name, moments);
    }
    return moments;
  }
}

/** A learning rate as a function of the step (0-based). */
export type Schedule = (step: number) => number;

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of warm-up. */
  maxLearningRate: number;
  /** Final learning rate, reached at `decaySteps` and kept after. */
  minLearningRate: number;
  /** Steps of linear warm-up from 0. */
  warmupSteps: number;
  /** Step at which the cosine decay ends (nanoGPT's `lr_decay_iters`). */
  decaySteps: number;
}

/** nanoGPT's schedule: linear warm-up, then cosine decay to the minimum. */
export function warmupCosine(o: WarmupCosineOptions): Schedule {
  return (step) => {
    if (step < o.warmupSteps) return (o.maxLearningRate * (step + 1)) / (o.warmupSteps + 1);
    if (step >= o.decaySteps) return o.minLearningRate;
    const progress = (step - o.warmupSteps) / Math.max(1, o.decaySteps - o.warmupSteps);
    return o.minLearningRate + 0.5 * (1 + Math.cos(Math.PI * progress)) * (o.maxLearningRate - o.minLearningRate);
  };
}

/**
 * Scales gradients so that their global L2 norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_). Call inside tf.tidy.
 * @returns the clipped gradients and the norm before clipping.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  // concat + sum rather than tf.addN: webgpu's AddN binds every input to one shader and fails past
  // 8 storage buffers, silently dropping the step's work; its Concat splits by that limit.
  const squares = Object.values(grads).map((g) => g.square().sum().reshape([1])); // one (1) per variable
  const norm = tf.concat(squares).sum().sqrt() as tf.Scalar; // scalar
  const scale = tf.minimum(1, tf.div(maxNorm, norm.add(1e-6))); // scalar
  const clipped: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = g.mul(scale);
  return { grads: clipped, norm };
}
