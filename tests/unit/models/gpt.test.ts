import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionByConv, causalSelfAttention } from '../../../lab/models/attention';
import { GPT, type GptConfig, gptNames, nanoGptShakespeareCpu } from '../../../lab/models/gpt';
import type { GeluKind } from '../../../lab/models/layers';
import { numParams } from '../../../lab/models/model';
import { Rng } from '../../../lab/rng';
import { AdamW } from '../../../lab/train/optim';
import { useBackend } from '../lab/helpers';
import { expectGradientsMatchFiniteDifferences, randomBatch } from './gradcheck';

beforeAll(() => useBackend('cpu'));

/** A tiny config that still has several layers, heads and positions. */
const TINY: Pick<GptConfig, 'vocabSize'> & Partial<GptConfig> = { vocabSize: 5, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0 };

/**
 * Replaces every weight by a draw from N(0, std²) (gains by 1 + that), so that gradients are
 * far from zero: nanoGPT's init (std 0.02) makes most of them too small for a finite difference.
 */
function randomizeWeights(model: GPT, std = 0.4, seed = 3): void {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (const [name, v] of model.params.entries()) {
    const values = Float32Array.from({ length: v.size }, () => (name.endsWith('.gain') ? 1 : 0) + std * normal());
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
}

/** n! */
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** A (1, T) int32 batch. */
const tokens = (ids: number[]) => tf.tensor2d(ids, [1, ids.length], 'int32');

describe('GPT', () => {
  it('has nanoGPT-sized presets and counts its parameters', () => {
    const model = new GPT({ vocabSize: 65, ...nanoGptShakespeareCpu });
    // 4 blocks of 12 C² (qkv 3C², proj C², fc 4C², proj 4C²) + 2 gains of C each, wte 65 x 128,
    // wpe 64 x 128, final gain; the lm head shares wte.
    expect(numParams(model)).toBe(4 * (12 * 128 * 128 + 2 * 128) + 65 * 128 + 64 * 128 + 128);
    expect(numParams(model)).toBe(804_096);
    model.dispose();
    expect(gptNames).toMatchObject({ nLayer: 4, nHead: 4, nEmbd: 64, blockSize: 16, dropout: 0 });
  });

  it('initializes as nanoGPT: N(0, 0.02), residual projections scaled by 1/sqrt(2 nLayer), gains 1, biases 0', () => {
    const model = new GPT({ vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, bias: true });
    const std = (name: string) => {
      const v = Array.from(model.params.get(name).dataSync());
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    };
    expect(std('wte')).toBeCloseTo(0.02, 3);
    expect(std('block0.attn.qkv.w')).toBeCloseTo(0.02, 3);
    expect(std('block3.mlp.fc.w')).toBeCloseTo(0.02, 3);
    expect(std('block0.attn.proj.w')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(std('block2.mlp.proj.w')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(Array.from(model.params.get('block1.ln2.gain').dataSync()).every((g) => g === 1)).toBe(true);
    expect(Array.from(model.params.get('block1.mlp.fc.b').dataSync()).every((b) => b === 0)).toBe(true);
    model.dispose();
  });

  it("initializes as PyTorch's modules (makemore) with init 'pytorch': linears uniform in ±1/sqrt(inputs), embeddings N(0, 1)", () => {
    const model = new GPT({ vocabSize: 27, ...gptNames, bias: true, tieWeights: false, init: 'pytorch' });
    const values = (name: string) => Array.from(model.params.get(name).dataSync());
    const std = (name: string) => Math.sqrt(values(name).reduce((a, b) => a + b * b, 0) / values(name).length);
    expect(std('wte')).toBeCloseTo(1, 1);
    expect(std('wpe')).toBeCloseTo(1, 1);
    for (const [name, inputs] of [['block0.attn.qkv.w', 64], ['block0.attn.qkv.b', 64], ['block2.mlp.proj.w', 256], ['block2.mlp.proj.b', 256], ['lm_head', 64]] as const) {
      const bound = 1 / Math.sqrt(inputs);
      expect(values(name).every((v) => Math.abs(v) <= bound)).toBe(true);
      expect(std(name)).toBeCloseTo(bound / Math.sqrt(3), 2); // the std of U(-b, b)
    }
    expect(values('block1.ln1.gain').every((g) => g === 1)).toBe(true);
    expect(values('block1.ln1.bias').every((b) => b === 0)).toBe(true);
    model.dispose();
  });

  it('returns (B, T, V) logits and a loss near ln(V) at initialization', () => {
    const model = new GPT({ ...TINY, vocabSize: 65, blockSize: 8 });
    const { x, y } = randomBatch(65, 3, 8);
    const { logits, loss } = model.forward(x, y);
    expect(logits.shape).toEqual([3, 8, 65]);
    expect(loss!.dataSync()[0]).toBeCloseTo(Math.log(65), 1);
    tf.dispose([logits, loss, x, y]);
    model.dispose();
  });

  for (const [tieWeights, bias] of [[true, false], [false, true]] as const) {
    it(`matches finite differences for every parameter (tieWeights ${tieWeights}, bias ${bias})`, () => {
      const model = new GPT({ ...TINY, tieWeights, bias });
      randomizeWeights(model);
      const { x, y } = randomBatch(5, 2, 4);
      expectGradientsMatchFiniteDifferences(model, x, y, { probes: 3 });
      expect(model.params.entries().some(([name]) => name === 'lm_head')).toBe(!tieWeights);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('records attention whose rows sum to 1 and which gives the future weight 0', () => {
    const model = new GPT(TINY);
    randomizeWeights(model);
    const { x } = randomBatch(5, 2, 4);
    const { logits, intermediates } = model.forward(x, undefined, { record: true });
    const rec = intermediates!;
    expect(Object.keys(rec).sort()).toEqual(
      [
        'embedding', 'embedded', 'gpt.position', 'gpt.resid', 'gpt.resid_norm', 'logits',
        ...[0, 1].flatMap((i) => ['q', 'k', 'v', 'scores', 'masked', 'weights', 'out'].map((n) => `block${i}.attn.${n}`).concat([`block${i}.resid`, `block${i}.resid_norm`])),
      ].sort(),
    );
    expect(rec['embedded']!.shape).toEqual([2, 4, 8]);
    expect(rec['gpt.position']!.shape).toEqual([4, 8]);
    expect(rec['gpt.resid_norm']!.shape).toEqual([2, 4]);
    expect(rec['block0.attn.q']!.shape).toEqual([2, 2, 4, 4]);
    expect(rec['block1.resid_norm']!.shape).toEqual([2, 4]);
    for (const i of [0, 1]) {
      const weights = rec[`block${i}.attn.weights`]!.arraySync() as number[][][][]; // (B, H, T, T)
      const scores = rec[`block${i}.attn.scores`]!.arraySync() as number[][][][];
      const masked = rec[`block${i}.attn.masked`]!.arraySync() as number[][][][];
      expect([weights.length, weights[0]!.length, weights[0]![0]!.length, weights[0]![0]![0]!.length]).toEqual([2, 2, 4, 4]);
      weights.flat(2).forEach((row, q) => {
        const query = q % 4;
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        row.forEach((w, key) => (key > query ? expect(w).toBe(0) : expect(w).toBeGreaterThan(0)));
      });
      masked.flat(2).forEach((row, q) => row.forEach((m, key) => expect(m).toBe(key > q % 4 ? -Infinity : scores.flat(2)[q]![key])));
    }
    tf.dispose([logits, x, ...Object.values(rec)]);
    model.dispose();
  });

  it('does not let a future token change earlier logits', () => {
    const model = new GPT(TINY);
    randomizeWeights(model);
    const a = model.forward(tokens([1, 2, 3, 4])).logits.arraySync()[0]!;
    const b = model.forward(tokens([1, 2, 0, 4])).logits.arraySync()[0]!;
    expect(b[0]).toEqual(a[0]);
    expect(b[1]).toEqual(a[1]);
    expect(b[2]).not.toEqual(a[2]);
    // A shorter context gives the same logits as the same prefix of a longer one.
    const c = model.forward(tokens([1, 2])).logits.arraySync()[0]!;
    c.forEach((row, t) => row.forEach((v, k) => expect(v).toBeCloseTo(a[t]![k]!, 5)));
    model.dispose();
  });

  it.each(['tanh', 'exact'] as const)('computes the forward pass of a tiny GPT (%s GELU) as a plain-JS reference does', (gelu) => {
    const model = tinyFixedGpt(gelu);
    const ids = [[2, 0, 1], [1, 1, 0]];
    const logits = model.forward(tf.tensor2d(ids, [2, 3], 'int32')).logits.arraySync();
    ids.forEach((seq, b) => {
      const expected = referenceForward(model, seq);
      expected.forEach((row, t) => row.forEach((v, k) => expect(logits[b]![t]![k]).toBeCloseTo(v, 5)));
    });
    model.dispose();
  });

  it('uses dropout only while training, reproducibly from the seed', () => {
    const withDropout = new GPT({ ...TINY, dropout: 0.5, seed: 9 });
    const without = new GPT({ ...TINY, dropout: 0, seed: 9 });
    const { x } = randomBatch(5, 2, 4);
    const evalLogits = withDropout.forward(x).logits.arraySync();
    expect(withDropout.forward(x, undefined, { training: false }).logits.arraySync()).toEqual(evalLogits);
    expect(without.forward(x, undefined, { training: true }).logits.arraySync()).toEqual(evalLogits);
    const trained = withDropout.forward(x, undefined, { training: true }).logits.arraySync();
    expect(trained).not.toEqual(evalLogits);
    expect(withDropout.forward(x, undefined, { training: true }).logits.arraySync()).not.toEqual(trained);
    withDropout.dispose();
    without.dispose();
  });

  it('gives identical losses after 5 AdamW steps from the same seed', () => {
    const run = () => {
      const model = new GPT({ ...TINY, dropout: 0.1, seed: 42 });
      const optimizer = new AdamW({ learningRate: 1e-2 });
      const losses = trainSteps(model, optimizer, 5);
      optimizer.dispose();
      model.dispose();
      return losses;
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(first[4]!).toBeLessThan(first[0]!);
  });

  it('leaks no tensors over forward passes and optimizer steps', () => {
    const model = new GPT(TINY);
    const optimizer = new AdamW({ learningRate: 1e-3 });
    trainSteps(model, optimizer, 2); // creates the optimizer's moments and the cached mask
    const before = tf.memory().numTensors;
    trainSteps(model, optimizer, 3);
    const { x, y } = randomBatch(5, 2, 4);
    const { logits, intermediates } = model.forward(x, undefined, { record: true });
    tf.dispose([x, y, logits, ...Object.values(intermediates!)]);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    model.dispose();
  });
});

describe('attention through depthwise convolutions (the wasm path)', () => {
  it('gives the same output and gradients as the batched-matmul attention, dropout included', () => {
    const [time, batch, nHead, channels] = [5, 2, 3, 12];
    const rng = new Rng(5);
    const uniform = (shape: number[], f: () => number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, f), shape);
    const [q, k, v] = [0, 1, 2].map(() => uniform([time, batch, channels], () => rng.next() * 2 - 1) as tf.Tensor3D);
    const mask = tf.tensor2d(Float32Array.from({ length: time * time }, (_, i) => (i % time > Math.floor(i / time) ? -Infinity : 0)), [time, time]);
    const keep = uniform([batch * nHead, time, time], () => (rng.next() < 0.3 ? 0 : 1 / 0.7)); // (B*H, T, T)
    const probe = uniform([time, batch, channels], () => rng.next());
    const reference = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => causalSelfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, nHead, mask, { dropWeights: (w) => w.mul(keep) }).out;
    // The convolution path holds the attention weights as (T, B*H, T).
    const byConv = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => attentionByConv(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, nHead, mask, (w) => w.mul(keep.transpose([1, 0, 2])));
    const lossOf = (f: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor) => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => f(q, k, v).mul(probe).sum();
    expect(byConv(q!, k!, v!).shape).toEqual([time, batch, channels]);
    expectClose(byConv(q!, k!, v!), reference(q!, k!, v!), 1e-5);
    const gradsByConv = tf.grads(lossOf(byConv))([q!, k!, v!]);
    tf.grads(lossOf(reference))([q!, k!, v!]).forEach((g, i) => expectClose(gradsByConv[i]!, g, 1e-4));
    expectClose(attentionByConv(q!, k!, v!, nHead, mask), causalSelfAttention(q!, k!, v!, nHead, mask).out, 1e-5);
  });
});

describe('on the wasm backend', () => {
  afterAll(() => useBackend('cpu'));

  it('computes the tiny reference forward pass, the same gradients as cpu, and a training step', async () => {
    await useBackend('cpu');
    const model = new GPT({ ...TINY, bias: true });
    randomizeWeights(model);
    const { x, y } = randomBatch(5, 3, 4);
    const gradsOf = () => {
      const { value, grads } = tf.variableGrads(() => model.forward(x, y, { training: true }).loss!, model.trainableVariables());
      const arrays = model.trainableVariables().map((v) => Array.from(grads[v.name]!.dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      return arrays;
    };
    const onCpu = gradsOf();
    await useBackend('wasm');
    const onWasm = gradsOf();
    onWasm.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - onCpu[i]![j]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(onCpu[i]![j]!)))));

    const tiny = tinyFixedGpt();
    const logits = tiny.forward(tf.tensor2d([2, 0, 1], [1, 3], 'int32')).logits.arraySync()[0]!;
    referenceForward(tiny, [2, 0, 1]).forEach((row, t) => row.forEach((v, k) => expect(logits[t]![k]).toBeCloseTo(v, 5)));

    const optimizer = new AdamW({ learningRate: 1e-2 });
    const losses = trainSteps(model, optimizer, 3);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    const { intermediates } = model.forward(x, undefined, { record: true });
    expect(intermediates!['block1.attn.weights']!.shape).toEqual([3, 2, 4, 4]);
    optimizer.dispose();
    model.dispose();
    tiny.dispose();
  });
});

/** Trains on fixed random batches; returns the losses. */
function trainSteps(model: GPT, optimizer: tf.Optimizer, steps: number): number[] {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { x, y } = randomBatch(model.vocabSize, 4, model.blockSize, 100 + s);
    const loss = tf.tidy(() => optimizer.minimize(() => model.forward(x, y, { training: true }).loss!, true)!);
    losses.push(loss.dataSync()[0]!);
    tf.dispose([x, y, loss]);
  }
  return losses;
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(e[i]!))));
}

/** vocab 3, 1 layer, 2 heads of 2 channels, block 3, every weight set to a small number of its own. */
function tinyFixedGpt(gelu: GeluKind = 'tanh'): GPT {
  const model = new GPT({ vocabSize: 3, blockSize: 3, nLayer: 1, nHead: 2, nEmbd: 4, dropout: 0, bias: true, tieWeights: true, gelu });
  model.params.entries().forEach(([name, v], p) => {
    // Distinct, smooth values: entry k of parameter p is 0.3 sin(1.3 k + p + 1) (gains: 1 + that).
    const values = Float32Array.from({ length: v.size }, (_, k) => (name.endsWith('.gain') ? 1 : 0) + 0.3 * Math.sin(1.3 * k + p + 1));
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
  return model;
}

/**
 * The GPT forward pass for one sequence, written out in plain JS arithmetic from the model's
 * weights, so that a reader can follow every step: embeddings, one block (LayerNorm, causal
 * self-attention per head, projection, residual; LayerNorm, MLP with tanh-GELU, residual),
 * final LayerNorm, logits through the tied token embedding.
 */
function referenceForward(model: GPT, ids: number[]): number[][] {
  const { nHead, nEmbd: C } = model.config;
  const hs = C / nHead;
  const W = (name: string) => model.params.get(name).arraySync() as number[][];
  const b = (name: string) => model.params.get(name).arraySync() as number[];
  const matVec = (x: number[], w: number[][], bias: number[]) => w[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * w[i]![j]!, bias[j]!));
  const layerNorm = (x: number[], gain: number[], bias: number[]) => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * gain[i]! + bias[i]!);
  };
  // The exact GELU through Φ(x) = (1 + erf(x / sqrt 2)) / 2, erf by its Maclaurin series (|x| stays small here).
  const erf = (z: number) => (2 / Math.sqrt(Math.PI)) * Array.from({ length: 30 }, (_, n) => ((-1) ** n * z ** (2 * n + 1)) / (factorial(n) * (2 * n + 1))).reduce((a, b) => a + b);
  const gelu = model.config.gelu === 'exact' ? (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2)) : (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

  const wte = W('wte');
  const wpe = W('wpe');
  let x = ids.map((id, t) => wte[id]!.map((v, c) => v + wpe[t]![c]!)); // T rows of C
  // Attention.
  const h = x.map((row) => layerNorm(row, b('block0.ln1.gain'), b('block0.ln1.bias')));
  const qkv = h.map((row) => matVec(row, W('block0.attn.qkv.w'), b('block0.attn.qkv.b'))); // T rows of 3C
  const y = x.map(() => new Array<number>(C).fill(0)); // T rows of C, heads side by side
  for (let head = 0; head < nHead; head++) {
    const q = (t: number, d: number) => qkv[t]![head * hs + d]!;
    const k = (t: number, d: number) => qkv[t]![C + head * hs + d]!;
    const v = (t: number, d: number) => qkv[t]![2 * C + head * hs + d]!;
    for (let i = 0; i < ids.length; i++) {
      const scores: number[] = [];
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let d = 0; d < hs; d++) dot += q(i, d) * k(j, d);
        scores.push(dot / Math.sqrt(hs));
      }
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((s, e) => s + e, 0);
      for (let j = 0; j <= i; j++) for (let d = 0; d < hs; d++) y[i]![head * hs + d]! += (exps[j]! / total) * v(j, d);
    }
  }
  x = x.map((row, t) => {
    const projected = matVec(y[t]!, W('block0.attn.proj.w'), b('block0.attn.proj.b'));
    return row.map((v, c) => v + projected[c]!);
  });
  // MLP.
  x = x.map((row) => {
    const hidden = matVec(layerNorm(row, b('block0.ln2.gain'), b('block0.ln2.bias')), W('block0.mlp.fc.w'), b('block0.mlp.fc.b')).map(gelu);
    const out = matVec(hidden, W('block0.mlp.proj.w'), b('block0.mlp.proj.b'));
    return row.map((v, c) => v + out[c]!);
  });
  // Final LayerNorm, then logits[v] = x · wte[v].
  return x.map((row) => {
    const normed = layerNorm(row, b('lnf.gain'), b('lnf.bias'));
    return wte.map((embedding) => normed.reduce((s, v, c) => s + v * embedding[c]!, 0));
  });
}
