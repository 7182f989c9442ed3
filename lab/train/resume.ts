import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/model';
import { AdamW, type OptimizerState } from './optim';

/**
 * Everything a run needs to go on from a step elsewhere (another worker after a crash, a
 * reloaded page), as plain arrays: the weights and the optimizer's state. The batches are not
 * stored: a source skips the `step` batches already used (BatchSource.skip). A GPT's dropout
 * masks are the one thing not carried: with dropout on, a resumed run draws other masks.
 */
export interface ResumePoint {
  /** Steps taken. */
  step: number;
  /** Trainable weights, in `model.trainableVariables()` order. */
  weights: { shape: number[]; values: Float32Array }[];
  /** AdamW's step count and moments; absent for SGD, which has no state. */
  optimizer?: OptimizerState;
}

/**
 * Copies a model's weights and its optimizer's state. Call it between steps (e.g. from the
 * trainer's `between` hook): a step that ran during its reads would mix two steps.
 * The arrays are copies that the point owns, so that they can be transferred (see
 * {@link resumeTransferables}).
 * @throws for an optimizer whose state it cannot read (anything but AdamW and plain SGD).
 */
export async function captureResumePoint(model: LanguageModel, optimizer: tf.Optimizer, step: number): Promise<ResumePoint> {
  const variables = model.trainableVariables();
  const optimizerState = stateful(optimizer)?.exportState(variables);
  const weights = await Promise.all(variables.map(async (v) => ({ shape: [...v.shape], values: ((await v.data()) as Float32Array).slice() })));
  const state = await optimizerState;
  return state ? { step, weights, optimizer: state } : { step, weights };
}

/**
 * Sets a model's weights and its optimizer's state to a resume point. Everything is checked
 * before anything changes, so a point that does not fit leaves the model as it was.
 * @throws when the point has another number of weights, a weight of another shape (the first
 *   mismatch is named), or optimizer state that the optimizer cannot take (or lacks it).
 */
export function restoreResumePoint(model: LanguageModel, optimizer: tf.Optimizer, point: ResumePoint): void {
  const variables = model.trainableVariables();
  if (point.weights.length !== variables.length) throw new Error(`the resume point has ${point.weights.length} weights, the model ${variables.length}`);
  variables.forEach((variable, i) => {
    const { shape } = point.weights[i]!;
    if (!tf.util.arraysEqual(shape, variable.shape)) throw new Error(`the resume point does not fit the model: weight ${i} has shape [${variable.shape.join(', ')}] in the model, [${shape.join(', ')}] in the point`);
  });
  const adamw = stateful(optimizer);
  if (adamw && !point.optimizer) throw new Error('the resume point has no optimizer state for this AdamW (it was taken with SGD)');
  if (!adamw && point.optimizer) throw new Error(`the resume point has AdamW state, which a ${optimizer.getClassName()} optimizer cannot take`);
  adamw?.importState(variables, point.optimizer!);
  tf.tidy(() => variables.forEach((variable, i) => variable.assign(tf.tensor(point.weights[i]!.values, variable.shape, 'float32'))));
}

/**
 * The buffers of a resume point's arrays, for `postMessage(point, transfer)`: they move to the
 * other thread without a copy (and are detached here).
 */
export function resumeTransferables(point: ResumePoint): ArrayBuffer[] {
  const arrays = [...point.weights.map((w) => w.values), ...(point.optimizer?.moments ?? []).flatMap((m) => (m ? [m.m, m.v] : []))];
  // A buffer may appear only once in a transfer list; a shared one cannot be transferred at all.
  return [...new Set(arrays.map((a) => a.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/**
 * The optimizer as an AdamW when it has state to carry, undefined for plain SGD.
 * @throws for other optimizers: their state (tfjs's Adam, momentum...) would be silently lost.
 */
function stateful(optimizer: tf.Optimizer): AdamW | undefined {
  // By class name, not instanceof: tf.Optimizer's Symbol.hasInstance, which AdamW inherits,
  // answers true for any object with minimize and applyGradients, tfjs's Adam included.
  const name = optimizer.getClassName();
  if (name === AdamW.className) return optimizer as AdamW;
  if (name === tf.SGDOptimizer.className) return undefined;
  throw new Error(`a ${optimizer.getClassName()} optimizer cannot be resumed: use AdamW (adam() for plain Adam) or SGD`);
}
