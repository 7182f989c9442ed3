import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuralBigram } from '../../../lab/models/bigram';
import { FileStore } from '../../../lab/node/fileStore';
import { captureCheckpoint, decodeCheckpoint, encodeCheckpoint, restoreWeights } from '../../../lab/train/checkpoint';
import { useBackend } from './helpers';

beforeAll(() => useBackend('cpu'));

describe('checkpoints', () => {
  it('round-trip a model through bytes and a file', async () => {
    const a = new NeuralBigram({ vocabSize: 5, seed: 1 });
    const b = new NeuralBigram({ vocabSize: 5, seed: 2 });
    expect(a.weights.arraySync()).not.toEqual(b.weights.arraySync());
    const ckpt = await captureCheckpoint(a, { config: { vocabSize: 5 }, vocab: ['\n', 'a', 'b', 'c', 'd'], step: 7, metrics: { dev: 2.5 } });
    const decoded = decodeCheckpoint(encodeCheckpoint(ckpt));
    expect(decoded.step).toBe(7);
    expect(decoded.metrics).toEqual({ dev: 2.5 });
    const store = new FileStore(await mkdtemp(join(tmpdir(), 'ckpt-')));
    await store.save('bigram-test', decoded);
    restoreWeights(b, (await store.load('bigram-test'))!);
    expect(b.weights.arraySync()).toEqual(a.weights.arraySync());
    expect(await store.load('missing')).toBeUndefined();
    await expect(store.save('../escape', ckpt)).rejects.toThrow(/key/);
    a.dispose();
    b.dispose();
  });

  it('refuses a checkpoint of another shape', async () => {
    const small = new NeuralBigram({ vocabSize: 3, seed: 1 });
    const big = new NeuralBigram({ vocabSize: 4, seed: 1 });
    const ckpt = await captureCheckpoint(small, { config: {}, vocab: [], step: 0 });
    expect(() => restoreWeights(big, ckpt)).toThrow(/shape/);
    tf.dispose([small.weights, big.weights]);
  });
});
