import * as tf from '@tensorflow/tfjs';
import { CHANNEL_MAT_MUL } from '../../../lab/backend/simd/simdKernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryOf, KEY_CATALOGUE, keysOf, validateKeys } from '../../../lab/models/keys';
import { createModel, MODEL_KINDS, type ModelSpec } from '../../../lab/models/registry';
import { useBackend } from '../lab/helpers';
import { randomBatch } from './gradcheck';

beforeAll(() => useBackend('cpu'));

const V = 7;
/** A tiny model of every kind of the ladder. */
const SPECS: ModelSpec[] = [
  { kind: 'bigram', config: { seed: 1, initScale: 1 } },
  { kind: 'mlp', config: { blockSize: 3, embedDim: 4, hiddenDim: 6, norm: 'layer', seed: 1 } },
  { kind: 'rnn', config: { blockSize: 5, embedDim: 3, hiddenDim: 4, seed: 1 } },
  { kind: 'lstm', config: { blockSize: 5, embedDim: 3, hiddenDim: 4, seed: 1 } },
  { kind: 'gru', config: { blockSize: 5, embedDim: 3, hiddenDim: 4, seed: 1 } },
  { kind: 'gpt', config: { blockSize: 5, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true, tieWeights: false, seed: 1 } },
];

describe('the key catalogue', () => {
  it('covers all six kinds', () => {
    expect(SPECS.map((s) => s.kind)).toEqual([...MODEL_KINDS]);
    for (const kind of MODEL_KINDS) expect(KEY_CATALOGUE.filter((e) => e.models.includes(kind)).length).toBeGreaterThan(1);
  });

  it.each(SPECS.map((spec) => [spec.kind, spec] as const))('%s records exactly its catalogued keys, with the catalogued shapes', (_, spec) => {
    const model = createModel(spec, V);
    const { x, y } = randomBatch(V, 2, 4); // targets everywhere: a recurrent model records its state gradient too
    model.forward(x).logits.dispose(); // a GPT keeps its causal mask from the first pass on
    const before = tf.memory().numTensors;
    const { logits, loss, intermediates } = model.forward(x, y, { record: true });
    const shapes = Object.fromEntries(Object.entries(intermediates!).map(([key, t]) => [key, t.shape]));
    expect(shapes).toEqual(keysOf(spec, V, { batch: 2, time: 4 }));
    expect(Array.from(intermediates!.logits!.dataSync())).toEqual(Array.from(logits.dataSync()));
    tf.dispose([logits, loss!, ...Object.values(intermediates!)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it.each(SPECS.map((spec) => [spec.kind, spec] as const))('%s records only the keys asked for, with the same logits', (_, spec) => {
    const model = createModel(spec, V);
    const { x, y } = randomBatch(V, 2, 4);
    const all = Object.keys(keysOf(spec, V, { batch: 2, time: 4 }));
    const asked = [...new Set([all[0]!, all.at(-2)!])];
    const plain = model.forward(x);
    const some = model.forward(x, y, { record: asked });
    expect(Object.keys(some.intermediates!).sort()).toEqual([...asked].sort());
    expect(Array.from(some.logits.dataSync())).toEqual(Array.from(plain.logits.dataSync()));
    const none = model.forward(x, undefined, { record: [] });
    expect(none.intermediates).toBeUndefined();
    tf.dispose([x, y, plain.logits, some.logits, some.loss!, none.logits, ...Object.values(some.intermediates!)]);
    model.dispose();
  });

  it('finds the entry of a concrete per-block key', () => {
    expect(entryOf('block3.attn.weights')?.shape).toEqual(['B', 'H', 'T', 'T']);
    expect(entryOf('embedding')?.models).toEqual(MODEL_KINDS);
    expect(entryOf('block3.nothing')).toBeUndefined();
  });

  it('rejects an unknown key with an error that lists the valid ones', () => {
    const mlp = SPECS[1]!;
    expect(() => validateKeys(mlp, ['mlp.hidden', 'foo'])).toThrow("the mlp model has no key 'foo'; valid keys: embedding, embedded, mlp.context, mlp.preact, mlp.hidden, mlp.preacts, mlp.hiddens, logits");
    expect(() => validateKeys(SPECS[5]!, ['block2.attn.q'])).toThrow(/no key 'block2.attn.q'.*block1\.attn\.q/);
    expect(() => validateKeys(SPECS[5]!, ['block1.attn.q', 'gpt.resid'])).not.toThrow();
  });
});

describe('GPT recording on wasm', () => {
  it('keeps the fast attention for blocks whose attention weights are not recorded, and q, k, v give the scores', async () => {
    await useBackend('wasm');
    const spec = SPECS[5]!;
    const model = createModel(spec, V);
    const { x } = randomBatch(V, 2, 4);
    const kernels = async (record: boolean | string[]) => {
      const profile = await tf.profile(() => tf.dispose(Object.values(model.forward(x, undefined, { record }).intermediates ?? {})));
      return profile.kernels.filter((k) => k.name === CHANNEL_MAT_MUL).length; // the fast attention's batched matmuls
    };
    const fast = await kernels(false);
    expect(fast).toBeGreaterThan(0);
    expect(await kernels(['block1.attn.q', 'block0.resid'])).toBe(fast); // q, k, v and residuals need no slow path
    expect(await kernels(['block1.attn.weights'])).toBe(fast / 2); // block 0 stays fast
    expect(await kernels(true)).toBe(0);
    const rec = model.forward(x, undefined, { record: ['block0.attn.q', 'block0.attn.k', 'block0.attn.scores', 'block0.resid', 'block0.resid_norm'] }).intermediates!;
    const scores = tf.tidy(() => tf.matMul(rec['block0.attn.q']!, rec['block0.attn.k']!, false, true).div(Math.sqrt(4))); // (B, H, T, T)
    const expected = rec['block0.attn.scores']!.dataSync();
    scores.dataSync().forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 4));
    const norms = tf.tidy(() => rec['block0.resid']!.square().sum(-1).sqrt()); // (B, T)
    norms.dataSync().forEach((n, i) => expect(n).toBeCloseTo(rec['block0.resid_norm']!.dataSync()[i]!, 4));
    tf.dispose([x, scores, norms, ...Object.values(rec)]);
    model.dispose();
    await useBackend('cpu');
  });
});
