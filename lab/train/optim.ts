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
 * AdamW's state as plain arrays, to resume a run elsewhere (another worker, a later session):
 * the step count of the bias corrections and each variable's moments.
 */
export interface OptimizerState {
  /** Steps taken. */
  step: number;
  /** Moments per variable, in the order of the variables given; null before its first update. */
  moments: ({ m: Float32Array; v: Float32Array } | null)[];
}

/**
 * Adam with decoupled weight decay (AdamW, as PyTorch's `torch.optim.AdamW`), and a learning
 * rate that a schedule can set. tfjs has Adam but not AdamW; this one also updates each variable
 * in one fused kernel on wasm and cpu (see adamwKernel.ts), where tfjs's Adam runs a dozen ops,
 * and its state can be exported and imported to resume a run. With `weightDecay: 0` it is plain
 * Adam (see {@link adam}).
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
  /** Set by dispose(): the moments are gone, so an export would silently lose them. */
  #disposed = false;

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

  /**
   * Reads the step count and the moments of `variables` (copies the optimizer does not share,
   * so their buffers can be transferred to another thread).
   * @throws when the optimizer was disposed.
   */
  async exportState(variables: tf.Variable[]): Promise<OptimizerState> {
    if (this.#disposed) throw new Error('this AdamW was disposed: its state is gone');
    const step = this.#step;
    // Copies: webgl and cpu return their own cached array from data(), which a transfer would detach.
    const copy = async (t: tf.Variable) => ((await t.data()) as Float32Array).slice();
    const moments = await Promise.all(
      variables.map(async (variable) => {
        const moments = this.#moments.get(variable.name);
        return moments ? { m: await copy(moments.m), v: await copy(moments.v) } : null;
      }),
    );
    return { step, moments };
  }

  /**
   * Replaces the step count and the moments of `variables` by an exported state, as if this
   * optimizer had taken those steps. Moments of other variables are dropped.
   * @throws when the state's moments do not match the variables in number or size.
   */
  importState(variables: tf.Variable[], state: OptimizerState): void {
    if (state.moments.length !== variables.length) throw new Error(`the optimizer state has moments for ${state.moments.length} variables, the model has ${variables.length}`);
    state.moments.forEach((moments, i) => {
      const size = variables[i]!.size;
      if (moments && (moments.m.length !== size || moments.v.length !== size)) throw new Error(`the optimizer state's moments of variable ${i} have ${moments.m.length} values, the variable has ${size}`);
    });
    this.#disposeMoments();
    tf.tidy(() =>
      variables.forEach((variable, i) => {
        const moments = state.moments[i];
        if (!moments) return;
        this.#moments.set(variable.name, {
          m: tf.variable(tf.tensor(moments.m, variable.shape, 'float32'), false), // same shape as the variable
          v: tf.variable(tf.tensor(moments.v, variable.shape, 'float32'), false),
        });
      }),
    );
    this.#step = state.step;
    this.iterations_ = state.step;
  }

  override dispose(): void {
    this.#disposeMoments();
    this.#disposed = true;
  }

  #disposeMoments(): void {
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

/**
 * Plain Adam with tfjs's defaults (`tf.train.adam(learningRate)`: beta1 0.9, beta2 0.999,
 * epsilon 1e-7, no weight decay) as an {@link AdamW}, so that chapter 1's runs can be resumed
 * and use the fused kernel. Its updates match tfjs's Adam to about 1e-6 (adamw.test.ts).
 */
export function adam(learningRate: number): AdamW {
  return new AdamW({ learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 });
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
