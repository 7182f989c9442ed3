import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, type MlpConfig } from '../../../lab/models/mlp';
import { numParams } from '../../../lab/models/model';
import { useBackend } from '../lab/helpers';
import { expectGradientsMatchFiniteDifferences, expectNoTensorLeaks, randomBatch, repeating, trainOnBatch as train } from './gradcheck';

beforeAll(() => useBackend('cpu'));

const TINY = { vocabSize: 5, blockSize: 3, embedDim: 2, hiddenDim: 6, seed: 3 } as const;

/** The MLP in plain JS, one position at a time, from the model's own weights: the reference. */
function referenceLogits(model: MLP, ids: number[][]): number[][][] {
  const { blockSize, hiddenDim, norm, vocabSize } = model.config;
  const w = (name: string) => model.params.get(name).arraySync() as number[][];
  const v = (name: string) => model.params.get(name).arraySync() as number[];
  const [table, w1, b1, w2, b2] = [w('embedding'), w('hidden.w'), v('hidden.b'), w('out.w'), v('out.b')];
  return ids.map((row) =>
    row.map((_, t) => {
      const context = Array.from({ length: blockSize }, (_, k) => row[t - blockSize + 1 + k] ?? vocabSize).flatMap((id) => table[id]!);
      let pre = Array.from({ length: hiddenDim }, (_, j) => b1[j]! + context.reduce((s, c, i) => s + c * w1[i]![j]!, 0));
      if (norm === 'layer') {
        const mean = pre.reduce((a, b) => a + b) / hiddenDim;
        const variance = pre.reduce((a, b) => a + (b - mean) ** 2, 0) / hiddenDim;
        pre = pre.map((p, j) => ((p - mean) / Math.sqrt(variance + 1e-5)) * v('norm.gain')[j]! + v('norm.bias')[j]!);
      }
      const hidden = pre.map(Math.tanh);
      return b2.map((b, o) => b + hidden.reduce((s, h, j) => s + h * w2[j]![o]!, 0));
    }),
  );
}

describe.each(['none', 'layer'] as const)('MLP (norm: %s)', (norm) => {
  const config: Pick<MlpConfig, 'vocabSize'> & Partial<MlpConfig> = { ...TINY, norm };

  it('predicts (B, T, V) logits that match a plain-JS reference, blanks before the start', () => {
    const model = new MLP(config);
    const ids = [[1, 4, 0, 2, 2], [3, 3, 1, 0, 4]];
    const { logits } = model.forward(tf.tensor2d(ids, [2, 5], 'int32'));
    expect(logits.shape).toEqual([2, 5, TINY.vocabSize]);
    const expected = referenceLogits(model, ids).flat(2);
    Array.from(logits.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4));
    model.dispose();
  });

  it('records its intermediates under stable keys', () => {
    const model = new MLP(config);
    const { x } = randomBatch(TINY.vocabSize, 2, 4);
    const { intermediates } = model.forward(x, undefined, { record: true });
    const shapes = Object.fromEntries(Object.entries(intermediates!).map(([key, t]) => [key, t.shape]));
    const { vocabSize: V, blockSize, embedDim: C, hiddenDim: H } = TINY;
    expect(shapes).toEqual({ embedding: [V + 1, C], embedded: [2, 4, C], 'mlp.context': [2, 4, blockSize * C], 'mlp.preact': [2, 4, H], 'mlp.hidden': [2, 4, H], 'mlp.preacts': [1, 2, 4, H], 'mlp.hiddens': [1, 2, 4, H], logits: [2, 4, V] });
    // Position 0 reads blockSize - 1 blanks, then its own token.
    const blank = Array.from(model.params.get('embedding').arraySync() as number[][]).at(-1)!;
    const context = intermediates!['mlp.context']!.arraySync() as number[][][];
    expect(context[0]![0]!.slice(0, C)).toEqual(blank);
    model.dispose();
  });

  it('has gradients that match finite differences', () => {
    const model = new MLP(config);
    const { x, y } = randomBatch(TINY.vocabSize, 3, 4);
    expectGradientsMatchFiniteDifferences(model, x, y);
    model.dispose();
  });
});

describe('MLP', () => {
  it('counts the parameters of makemore lecture 2 (plus the blank row) with the defaults', () => {
    const model = new MLP({ vocabSize: 27 });
    // (27 + 1) * 10 + (3 * 10 * 200 + 200) + (200 * 27 + 27)
    expect(numParams(model)).toBe(11_907);
    model.dispose();
  });

  it('scales the initial hidden and output weights by initScale, and keeps the defaults without it', () => {
    const maxAbs = (model: MLP, name: string) => model.params.get(name).abs().max().dataSync()[0]!;
    const plain = new MLP({ vocabSize: 27 });
    const explicit = new MLP({ vocabSize: 27, initScale: 1 });
    const large = new MLP({ vocabSize: 27, initScale: 5 });
    for (const name of ['embedding', 'hidden.w', 'hidden.b', 'out.w', 'out.b']) {
      expect(Array.from(explicit.params.get(name).dataSync())).toEqual(Array.from(plain.params.get(name).dataSync()));
    }
    expect(maxAbs(large, 'hidden.w')).toBeCloseTo(5 * maxAbs(plain, 'hidden.w'), 4);
    expect(maxAbs(large, 'out.w')).toBeCloseTo(5 * maxAbs(plain, 'out.w'), 4);
    expect(maxAbs(large, 'hidden.b')).toBe(maxAbs(plain, 'hidden.b'));
    // Saturation: with 5x the bound, many more hidden units sit at |tanh| > 0.99.
    const { x } = randomBatch(27, 32, 3);
    const saturated = (model: MLP) => tf.tidy(() => model.forward(x, undefined, { record: ['mlp.hidden'] }).intermediates!['mlp.hidden']!.abs().greater(0.99).mean().dataSync()[0]!);
    expect(saturated(large)).toBeGreaterThan(saturated(plain) + 0.2);
    tf.dispose([x]);
    [plain, explicit, large].forEach((m) => m.dispose());
  });

  it('starts near the uniform loss ln V', () => {
    const model = new MLP({ vocabSize: 27 });
    const { x, y } = randomBatch(27, 32, 3);
    const loss = model.forward(x, y).loss!.dataSync()[0]!;
    expect(Math.abs(loss - Math.log(27))).toBeLessThan(0.2);
    model.dispose();
  });

  it('gives the same losses for the same seed, other losses for another seed', () => {
    const { x, y } = randomBatch(TINY.vocabSize, 4, 3);
    const losses = (seed: number) => {
      const model = new MLP({ ...TINY, seed });
      const out = train(model, x, y, 5);
      model.dispose();
      return out;
    };
    const a = losses(11);
    expect(a).toHaveLength(5);
    expect(losses(11)).toEqual(a);
    expect(losses(12)).not.toEqual(a);
  });

  it('learns "aabaab..." to a loss far below a bigram\'s', () => {
    const model = new MLP({ vocabSize: 2, blockSize: 3, embedDim: 4, hiddenDim: 16, seed: 1 });
    const { x, y } = repeating(3, 6);
    const losses = train(model, x, y, 60, 0.03);
    expect(losses.at(-1)!).toBeLessThan(0.1);
    model.dispose();
  });

  it('leaves tf.memory().numTensors unchanged over forward passes and optimizer steps', () => {
    const model = new MLP({ ...TINY, norm: 'layer' });
    const { x, y } = randomBatch(TINY.vocabSize, 4, 3);
    expectNoTensorLeaks(model, x, y, 5);
    model.dispose();
  });
});

describe('MLP on the wasm backend', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => useBackend('cpu'));

  it('takes a training step (every op has a wasm gradient kernel)', () => {
    const model = new MLP({ ...TINY, norm: 'layer' });
    const { x, y } = randomBatch(TINY.vocabSize, 4, 5);
    const losses = train(model, x, y, 2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]).toBeLessThan(losses[0]!);
    model.dispose();
  });
});
