import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmThreads } from '../../../lab/backend/register';
import { useBackend } from './helpers';

describe('wasmThreads', () => {
  it('uses half the cores, but both of two, and at most 8', () => {
    expect([1, 2, 3, 4, 8, 12, 16, 32].map(wasmThreads)).toEqual([1, 2, 2, 2, 4, 6, 8, 8]);
  });
});

describe('Identity on wasm (shares the buffer instead of copying it)', () => {
  beforeAll(() => useBackend('wasm'));

  it('a clone outlives its source and keeps its values', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = a.clone();
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });

  it('frees the buffer once every tensor sharing it is disposed', () => {
    const before = tf.memory().numBytes;
    const a = tf.ones([256]);
    const b = a.clone();
    const c = b.clone();
    expect(c.dataId).toBe(a.dataId); // one buffer for three tensors
    tf.dispose([a, b]);
    expect(tf.memory().numBytes).toBe(before + 256 * 4);
    c.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('gradients through saved tensors are unchanged', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((v: tf.Tensor) => v.square().mul(v).sum())(x); // d/dx x^3 = 3x^2
    expect(Array.from(g.dataSync())).toEqual([0.75, 3, 12]);
    tf.dispose([x, g]);
  });
});
