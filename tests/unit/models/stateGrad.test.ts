import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linear } from '../../../lab/models/layers';
import { crossEntropy } from '../../../lab/models/loss';
import { type CellKind, RecurrentLM } from '../../../lab/models/recurrent';
import { useBackend } from '../lab/helpers';
import { randomBatch } from './gradcheck';

beforeAll(() => useBackend('cpu'));

const CELLS: CellKind[] = ['rnn', 'lstm', 'gru'];
const TINY = { vocabSize: 5, blockSize: 6, embedDim: 3, hiddenDim: 4, seed: 11 } as const;
const [B, T, H] = [2, 6, TINY.hiddenDim];

/** A tiny model with non-zero start states, its batch, and what it records on it. */
function setUp(cell: CellKind) {
  const model = new RecurrentLM({ ...TINY, cell });
  model.params.get('start.h').assign(tf.tensor1d([0.3, -0.2, 0.5, 0.1]));
  const { x, y } = randomBatch(TINY.vocabSize, B, T, 5); // (B, T) each, every target valid
  const keys = ['rnn.state', 'rnn.state_grad', ...(cell === 'lstm' ? ['lstm.cell'] : [])];
  const { logits, loss, intermediates } = model.forward(x, y, { record: keys });
  const read = (key: string) => intermediates![key]!.arraySync() as number[][][]; // (B, T, H)
  const recorded = { h: read('rnn.state'), c: cell === 'lstm' ? read('lstm.cell') : undefined, grad: read('rnn.state_grad') };
  tf.dispose([logits, loss!, ...Object.values(intermediates!)]);
  return { model, x, y, recorded };
}

type Setup = ReturnType<typeof setUp>;

/**
 * ℓ_b / B (example b's cross-entropy at the last position, its share of the mean) as a function
 * of the state after step t < T - 1, computed another way: the model restarted from that state
 * (its `start.h` set to `h`, and `start.c` to c_t for the LSTM) reads the rest of example b, and
 * only the last position's target counts.
 */
function restartedLoss({ model, x, y, recorded }: Setup, b: number, t: number, h: number[]): tf.Scalar {
  return tf.tidy(() => {
    model.params.get('start.h').assign(tf.tensor1d(h));
    if (recorded.c) model.params.get('start.c').assign(tf.tensor1d(recorded.c[b]![t]!));
    const rest = x.slice([b, t + 1], [1, T - 1 - t]); // (1, T - 1 - t)
    const onlyLast = tf.concat([tf.fill([1, T - 2 - t], -1, 'int32'), y.slice([b, T - 1], [1, 1])], 1) as tf.Tensor2D; // (1, T - 1 - t)
    return model.forward(rest, onlyLast).loss!.div(B) as tf.Scalar;
  });
}

/** ∂(ℓ_b / B)/∂h_t by tfjs: the gradient of the restarted loss with respect to the variable `start.h` (the head's, at t = T - 1). */
function restartedGrad(setup: Setup, b: number, t: number): number[] {
  const { model, y, recorded } = setup;
  return tf.tidy(() => {
    if (t === T - 1) {
      const head = (h: tf.Tensor) => linear(h.reshape([1, 1, H]), model.params.get('head.w') as tf.Tensor2D, model.params.get('head.b') as tf.Tensor1D) as tf.Tensor3D; // (1, 1, V)
      return Array.from(tf.grad((h) => crossEntropy(head(h), y.slice([b, T - 1], [1, 1])).div(B))(tf.tensor1d(recorded.h[b]![t]!)).dataSync());
    }
    const start = model.params.get('start.h');
    const { grads } = tf.variableGrads(() => restartedLoss(setup, b, t, recorded.h[b]![t]!), [start]);
    return Array.from(grads[start.name]!.dataSync());
  });
}

describe.each(CELLS)('rnn.state_grad (%s)', (cell) => {
  it('equals the gradient of the loss of the model restarted from each state, and a central difference', () => {
    const setup = setUp(cell);
    const { recorded, model } = setup;
    const before = tf.memory().numTensors;
    let largest = { g: 0, b: 0, t: 0, j: 0 };
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const expected = restartedGrad(setup, b, t);
        const scale = Math.max(...expected.map(Math.abs));
        recorded.grad[b]![t]!.forEach((g, j) => {
          expect(Math.abs(g - expected[j]!), `b ${b} t ${t} unit ${j}: ${g} vs ${expected[j]}`).toBeLessThan(1e-5 * Math.max(1, scale) + 1e-4 * scale);
          if (t <= T - 3 && Math.abs(g) > Math.abs(largest.g)) largest = { g, b, t, j };
        });
      }
    }
    // A central finite difference on the largest entry at distance >= 2 from the loss.
    const { g, b, t, j } = largest;
    const epsilon = 1e-2;
    const at = (shift: number) => {
      const h = recorded.h[b]![t]!.slice();
      h[j]! += shift;
      const loss = restartedLoss(setup, b, t, h);
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    };
    const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    expect(Math.abs(g)).toBeGreaterThan(1e-3); // a gradient large enough for float32 to tell
    expect(Math.abs(numeric - g) / Math.abs(g), `b ${b} t ${t} unit ${j}: analytic ${g} vs numeric ${numeric}`).toBeLessThan(1e-2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([setup.x, setup.y]);
    model.dispose();
  });
});

describe('rnn.state_grad', () => {
  it('leaves the forward values unchanged, frees its tensors, and is left out of record: true without a last target', () => {
    const { model, x, y } = setUp('lstm');
    const plain = model.forward(x, y, { record: ['rnn.state', 'lstm.gate.forget'] });
    const before = tf.memory().numTensors;
    const nudged = model.forward(x, y, { record: ['rnn.state', 'lstm.gate.forget', 'rnn.state_grad'] });
    expect(nudged.intermediates!['rnn.state_grad']!.shape).toEqual([B, T, H]);
    for (const key of ['rnn.state', 'lstm.gate.forget']) expect(Array.from(nudged.intermediates![key]!.dataSync())).toEqual(Array.from(plain.intermediates![key]!.dataSync()));
    expect(Array.from(nudged.logits.dataSync())).toEqual(Array.from(plain.logits.dataSync()));
    tf.dispose([nudged.logits, nudged.loss!, ...Object.values(nudged.intermediates!)]);
    expect(tf.memory().numTensors).toBe(before);
    const noLast = tf.concat([y.slice([0, 0], [B, T - 1]), tf.fill([B, 1], -1, 'int32')], 1) as tf.Tensor2D; // (B, T)
    const all = model.forward(x, noLast, { record: true });
    expect(Object.keys(all.intermediates!)).not.toContain('rnn.state_grad');
    expect(() => model.forward(x, noLast, { record: ['rnn.state_grad'] })).toThrow("'rnn.state_grad' is the gradient of the loss at the last position, which needs a target there");
    expect(() => model.forward(x, undefined, { record: ['rnn.state_grad'] })).toThrow(/needs a target there/);
    tf.dispose([plain.logits, plain.loss!, ...Object.values(plain.intermediates!), all.logits, all.loss!, ...Object.values(all.intermediates!), noLast, x, y]);
    model.dispose();
  });
});
