import * as tf from '@tensorflow/tfjs';

/**
 * The one contract every model of the course keeps, from the n-gram to the Transformer
 * (makemore's `forward(idx, targets) -> (logits, loss)`), so that one trainer, one evaluator
 * and one sampler serve the whole ladder.
 */
export interface LanguageModel {
  /** A short stable name, e.g. `ngram`, `bigram`, `mlp`, `gpt`. */
  readonly name: string;
  /** Number of distinct tokens. */
  readonly vocabSize: number;
  /** How many past tokens the model can look at to predict the next one. */
  readonly blockSize: number;
  /**
   * Next-token logits at every position.
   * @param idx token ids, int32 (B, T) with T <= blockSize.
   * @param targets next-token ids, int32 (B, T); -1 marks a position without a target.
   * @param options `training` enables dropout; `record` fills `intermediates`.
   */
  forward(idx: tf.Tensor2D, targets?: tf.Tensor2D, options?: ForwardOptions): ForwardResult;
  /** The variables an optimizer updates; empty for a count model. */
  trainableVariables(): tf.Variable[];
  /**
   * The same variables by the names the model documents (`hidden.w`, `block0.attn.c_attn.w`),
   * in the same order: what the `weight.`, `grad.` and `update.` inspection keys name.
   */
  namedVariables(): [string, tf.Variable][];
  /** Frees every tensor the model owns. */
  dispose(): void;
}

/** Options of {@link LanguageModel.forward}. */
export interface ForwardOptions {
  /** True while training (dropout on). */
  training?: boolean;
  /**
   * Intermediates to return for the views (keys of the catalogue, `keys.ts`): a list records only
   * those (a model then skips what only the others need, such as a GPT's slow recorded attention
   * path), true records every key.
   */
  record?: boolean | readonly string[];
}

/**
 * Which keys a forward pass records: a test per key, or undefined when it records none, so that
 * a model can skip the recording code altogether.
 */
export function recorder(options: ForwardOptions): ((key: string) => boolean) | undefined {
  const { record } = options;
  if (!record) return undefined;
  if (record === true) return () => true;
  if (record.length === 0) return undefined;
  const keys = new Set(record);
  return (key) => keys.has(key);
}

/** What {@link LanguageModel.forward} returns. */
export interface ForwardResult {
  /** (B, T, V) unnormalized log-probabilities of the next token. */
  logits: tf.Tensor3D;
  /** Mean cross-entropy over the positions with a target, when targets were given. */
  loss?: tf.Scalar;
  /** Named intermediates under the catalogue's flat stable keys (`block0.attn.weights`), those `record` asked for. */
  intermediates?: Record<string, tf.Tensor>;
}

/** Total number of trainable parameters of a model. */
export function numParams(model: LanguageModel): number {
  return model.trainableVariables().reduce((n, v) => n + v.size, 0);
}

/**
 * `tf.tidy` for a function that returns a {@link ForwardResult} (or any object of tensors):
 * keeps the tensors it returns, frees every other tensor made inside. tf.tidy's own typing
 * does not accept interfaces with optional fields, hence this wrapper.
 */
export function tidyResult<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

/** The intermediates `wants` asks for, each made by its function only when asked for. */
export function pick(makers: Record<string, () => tf.Tensor>, wants: (key: string) => boolean): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [key, make] of Object.entries(makers)) if (wants(key)) out[key] = make();
  return out;
}
