import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { mlpFootprint } from '../../../lab/models/footprint';
import { MLP, type MlpConfig } from '../../../lab/models/mlp';
import { numParams } from '../../../lab/models/model';
import { sequencePass } from '../../../lab/train/batches';
import { readData, useBackend } from '../lab/helpers';
import { expectGradientsMatchFiniteDifferences, expectNoTensorLeaks, randomBatch, trainOnBatch as train } from './gradcheck';

let names: Dataset;

beforeAll(async () => {
  await useBackend('cpu');
  names = await loadDataset('names', readData);
});

/** Chapter 2's lecture MLP on names (block 3, 10-dim embeddings, 200 hidden units). */
const LECTURE = { vocabSize: 27, blockSize: 3, embedDim: 10, hiddenDim: 200, norm: 'none', seed: 2147483647 } as const;
const TINY = { vocabSize: 5, blockSize: 3, embedDim: 2, hiddenDim: 6, seed: 3 } as const;

/** The loss of a freshly built model on the first 256 training names, batched as training batches are. */
function stepZeroLoss(config: Partial<MlpConfig>): { loss: number; saturated: number } {
  const model = new MLP({ ...LECTURE, ...config });
  const { x, y } = sequencePass(names.splits.train, 16, 256).source.next();
  const { loss, logits, intermediates } = model.forward(x, y, { record: ['mlp.hidden'] });
  const out = { loss: loss!.dataSync()[0]!, saturated: tf.tidy(() => intermediates!['mlp.hidden']!.abs().greater(0.97).mean().dataSync()[0]!) };
  tf.dispose([x, y, loss!, logits, ...Object.values(intermediates!)]);
  model.dispose();
  return out;
}

describe('MLP init modes', () => {
  it('draws `pytorch` exactly as when init is absent (same variables, same order, same numbers)', () => {
    const plain = new MLP({ ...LECTURE, norm: 'layer' });
    const explicit = new MLP({ ...LECTURE, norm: 'layer', init: 'pytorch', depth: 1, dropout: 0 });
    expect(explicit.namedVariables().map(([n]) => n)).toEqual(['embedding', 'hidden.w', 'hidden.b', 'norm.gain', 'norm.bias', 'out.w', 'out.b']);
    expect(explicit.namedVariables().map(([n]) => n)).toEqual(plain.namedVariables().map(([n]) => n));
    plain.namedVariables().forEach(([name, v]) => expect(Array.from(explicit.params.get(name).dataSync()), name).toEqual(Array.from(v.dataSync())));
    [plain, explicit].forEach((m) => m.dispose());
  });

  it('starts `naive` far above ln 27, `kaiming` at ln 27 within 0.05, `large` near ln 27 with a saturated tanh', () => {
    const naive = stepZeroLoss({ init: 'naive' });
    const kaiming = stepZeroLoss({ init: 'kaiming' });
    const large = stepZeroLoss({ init: 'large' });
    expect(naive.loss).toBeGreaterThan(20);
    expect(Math.abs(kaiming.loss - Math.log(27))).toBeLessThan(0.05);
    expect(Math.abs(large.loss - Math.log(27))).toBeLessThan(0.1);
    expect(large.saturated).toBeGreaterThan(kaiming.saturated + 0.3);
    expect(naive.saturated).toBeGreaterThan(0.5);
  });

  it('draws kaiming weights at (5/3)/√fan_in, zero biases and out.w at 0.01; large 5 times the hidden weights', () => {
    const std = (m: MLP, name: string) => tf.tidy(() => tf.moments(m.params.get(name)).variance.sqrt().dataSync()[0]!);
    const kaiming = new MLP({ ...LECTURE, init: 'kaiming', depth: 2 });
    const large = new MLP({ ...LECTURE, init: 'large', depth: 2 });
    expect(std(kaiming, 'hidden.w') / (5 / 3 / Math.sqrt(30))).toBeCloseTo(1, 1);
    expect(std(kaiming, 'hidden2.w') / (5 / 3 / Math.sqrt(200))).toBeCloseTo(1, 1);
    expect(std(kaiming, 'out.w') / 0.01).toBeCloseTo(1, 1);
    expect(std(large, 'hidden2.w') / (25 / 3 / Math.sqrt(200))).toBeCloseTo(1, 1);
    expect(std(large, 'out.w') / 0.01).toBeCloseTo(1, 1);
    for (const name of ['hidden.b', 'hidden2.b', 'out.b']) expect(Array.from(kaiming.params.get(name).dataSync()).every((b) => b === 0)).toBe(true);
    [kaiming, large].forEach((m) => m.dispose());
  });
});

describe('MLP depth', () => {
  it('stacks `depth` tanh layers under the documented names, recording every layer (L, B, T, N)', () => {
    const model = new MLP({ ...TINY, norm: 'layer', depth: 3 });
    expect(model.namedVariables().map(([n, v]) => `${n} ${v.shape.join('x')}`)).toEqual([
      'embedding 6x2', 'hidden.w 6x6', 'hidden.b 6', 'norm.gain 6', 'norm.bias 6',
      'hidden2.w 6x6', 'hidden2.b 6', 'norm2.gain 6', 'norm2.bias 6',
      'hidden3.w 6x6', 'hidden3.b 6', 'norm3.gain 6', 'norm3.bias 6',
      'out.w 6x5', 'out.b 5',
    ]);
    const { x } = randomBatch(TINY.vocabSize, 2, 4);
    const { logits, intermediates } = model.forward(x, undefined, { record: ['mlp.preacts', 'mlp.hiddens', 'mlp.hidden'] });
    expect(logits.shape).toEqual([2, 4, 5]);
    const hiddens = intermediates!['mlp.hiddens']!;
    expect(hiddens.shape).toEqual([3, 2, 4, 6]);
    expect(intermediates!['mlp.preacts']!.shape).toEqual([3, 2, 4, 6]);
    expect(Array.from(hiddens.slice([0], [1]).dataSync())).toEqual(Array.from(intermediates!['mlp.hidden']!.dataSync()));
    // Each later layer is tanh(LayerNorm(previous @ w + b)): its pre-activation has mean 0 per position.
    const layer3 = intermediates!['mlp.preacts']!.slice([2], [1]).mean(-1).abs().max().dataSync()[0]!;
    expect(layer3).toBeLessThan(1e-5);
    tf.dispose([x, logits, ...Object.values(intermediates!)]);
    model.dispose();
  });

  it('has gradients that match finite differences with three layers', () => {
    const model = new MLP({ ...TINY, norm: 'none', depth: 3 });
    const { x, y } = randomBatch(TINY.vocabSize, 3, 4);
    expectGradientsMatchFiniteDifferences(model, x, y);
    model.dispose();
  });

  it('rejects a depth below 1 and a dropout outside [0, 1)', () => {
    expect(() => new MLP({ ...TINY, depth: 0 })).toThrow('depth must be an integer >= 1, not 0');
    expect(() => new MLP({ ...TINY, dropout: 1 })).toThrow('dropout must be in [0, 1), not 1');
  });

  it.each([
    [1, 'none', 0],
    [3, 'layer', 0.2],
    [4, 'none', 0],
  ] as const)('counts its parameters in the footprint (depth %i, norm %s)', (depth, norm, dropout) => {
    const config = { ...LECTURE, norm, depth, dropout };
    const model = new MLP(config);
    const fp = mlpFootprint(config, 27, 32, 16);
    expect(fp.params).toBe(numParams(model));
    const shallow = mlpFootprint({ ...config, depth: 1 }, 27, 32, 16);
    expect(fp.flopsPerStep - shallow.flopsPerStep).toBe(3 * 2 * 32 * 16 * (depth - 1) * 200 * 200);
    expect(fp.trainingBytes).toBeGreaterThanOrEqual(shallow.trainingBytes + 4 * 4 * (depth - 1) * 200 * 201);
    model.dispose();
  });
});

describe('MLP dropout', () => {
  it('draws the same masks from the same seed, a fresh one every training pass, and none in evaluation', () => {
    const { x, y } = randomBatch(TINY.vocabSize, 4, 5);
    const losses = (config: Partial<MlpConfig>) => {
      const model = new MLP({ ...TINY, depth: 2, ...config });
      const out = train(model, x, y, 4);
      model.dispose();
      return out;
    };
    const a = losses({ dropout: 0.5 });
    expect(losses({ dropout: 0.5 })).toEqual(a);
    expect(losses({ dropout: 0 })).not.toEqual(a);
    const dropping = new MLP({ ...TINY, depth: 2, dropout: 0.5 });
    const plain = new MLP({ ...TINY, depth: 2 });
    const logits = (m: MLP, training: boolean) => tf.tidy(() => Array.from(m.forward(x, undefined, { training }).logits.dataSync()));
    expect(logits(dropping, false)).toEqual(logits(plain, false));
    expect(logits(dropping, false)).toEqual(logits(dropping, false));
    const first = logits(dropping, true);
    expect(first).not.toEqual(logits(plain, false));
    expect(logits(dropping, true)).not.toEqual(first); // a fresh mask every training pass
    expect(logits(plain, true)).toEqual(logits(plain, false));
    tf.dispose([x, y]);
    [dropping, plain].forEach((m) => m.dispose());
  });

  it('leaves tf.memory().numTensors unchanged over steps with dropout and depth', () => {
    const model = new MLP({ ...TINY, norm: 'layer', depth: 2, dropout: 0.3 });
    const { x, y } = randomBatch(TINY.vocabSize, 4, 3);
    expectNoTensorLeaks(model, x, y, 5);
    model.dispose();
  });
});
