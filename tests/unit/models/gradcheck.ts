import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { LanguageModel } from '../../../lab/models/model';
import { Rng } from '../../../lab/rng';

/** A random (B, T) batch of token ids with next-token targets. */
export function randomBatch(vocab: number, batch: number, time: number, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = new Rng(seed);
  const draw = () => Int32Array.from({ length: batch * time }, () => rng.int(vocab));
  return { x: tf.tensor2d(draw(), [batch, time], 'int32'), y: tf.tensor2d(draw(), [batch, time], 'int32') };
}

/**
 * The text "aabaab..." as (B, T) rows starting at successive offsets, without a target at t = 0:
 * the next token is certain given two tokens of context, while a bigram cannot beat 2/3 ln 2 = 0.46.
 */
export function repeating(batch: number, time: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const pattern = [0, 0, 1];
  const ids = (shift: number) => Int32Array.from({ length: batch * time }, (_, i) => pattern[(Math.floor(i / time) + (i % time) + shift) % 3]!);
  const targets = ids(1).map((id, i) => (i % time === 0 ? -1 : id));
  return { x: tf.tensor2d(ids(0), [batch, time], 'int32'), y: tf.tensor2d(targets, [batch, time], 'int32') };
}

/** Runs Adam steps on one batch and returns the loss of each step. */
export function trainOnBatch(model: LanguageModel, x: tf.Tensor2D, y: tf.Tensor2D, steps: number, learningRate = 0.01): number[] {
  const optimizer = tf.train.adam(learningRate);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = tf.tidy(() => optimizer.minimize(() => model.forward(x, y, { training: true }).loss!, true)!); // scalar
    losses.push(loss.dataSync()[0]!);
    loss.dispose(); // the trainer's habit: read the loss, then free it
  }
  optimizer.dispose();
  return losses;
}

/**
 * Compares the model's analytic gradient of the loss with central finite differences, on
 * `probes` randomly chosen entries of every trainable variable. Run it on the cpu backend with a
 * tiny config: float32 limits the agreement to about 1e-3 relative.
 */
export function expectGradientsMatchFiniteDifferences(model: LanguageModel, x: tf.Tensor2D, y: tf.Tensor2D, { probes = 4, epsilon = 1e-2, tolerance = 2e-2, seed = 7 } = {}): void {
  const variables = model.trainableVariables();
  const lossOf = () => model.forward(x, y).loss!;
  const { grads } = tf.variableGrads(lossOf, variables);
  const rng = new Rng(seed);
  variables.forEach((v) => {
    const analytic = grads[v.name]!.dataSync();
    const values = v.dataSync().slice();
    for (let p = 0; p < probes; p++) {
      const i = rng.int(values.length);
      const at = (delta: number): number => {
        const shifted = values.slice();
        shifted[i] = values[i]! + delta;
        tf.tidy(() => v.assign(tf.tensor(shifted, v.shape)));
        return tf.tidy(() => lossOf().dataSync()[0]!);
      };
      const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      const scale = Math.max(1e-2, Math.abs(numeric), Math.abs(analytic[i]!));
      expect(Math.abs(numeric - analytic[i]!) / scale, `${v.name}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThan(tolerance);
    }
  });
  tf.dispose(Object.values(grads));
}

/**
 * Expects a model to leave `tf.memory().numTensors` unchanged over Adam steps and a recorded
 * forward pass (after a first step, which creates Adam's moment variables).
 */
export function expectNoTensorLeaks(model: LanguageModel, x: tf.Tensor2D, y: tf.Tensor2D, steps: number): void {
  const optimizer = tf.train.adam(0.01);
  const step = () => tf.dispose(tf.tidy(() => optimizer.minimize(() => model.forward(x, y, { training: true }).loss!, true)!));
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) step();
  const { logits, loss, intermediates } = model.forward(x, y, { record: true });
  tf.dispose([logits, loss!, ...Object.values(intermediates!)]);
  expect(tf.memory().numTensors).toBe(before);
  optimizer.dispose();
}
