import * as tf from '@tensorflow/tfjs';
import { CHANNEL_MAT_MUL } from '../../../lab/backend/simd/simdKernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT, type GptConfig } from '../../../lab/models/gpt';
import { keysOf, validateKeys } from '../../../lab/models/keys';
import type { ModelSpec } from '../../../lab/models/registry';
import { Rng } from '../../../lab/rng';
import { useBackend } from '../lab/helpers';

beforeAll(() => useBackend('cpu'));
afterAll(() => useBackend('cpu'));

/** Nested arrays of numbers, as `arraySync` gives them. */
type Nested = number | Nested[];

/** What the plain forward records per block, per example: [h][t][…] like the model's (B, H, T, …) after the example. */
interface PlainBlock {
  q: number[][][];
  k: number[][][];
  v: number[][][];
  scores: number[][][];
  masked: number[][][];
  weights: number[][][];
  out: number[][][];
}

/**
 * The GPT's forward pass for one sequence in plain JS numbers, every step written out from the
 * model's weights, recording per block what the attention keys hold: each head's q, k and v,
 * q·k/√hs for every pair (future included), those scores with the future at −∞, the softmax of a
 * row over its past, and Σ_j w_tj v_j. Handles biases, no position embeddings and an untied head.
 */
function plainForward(model: GPT, ids: number[]): { blocks: PlainBlock[]; logits: number[][] } {
  const { nHead, nEmbd: C, nLayer, bias, positions, tieWeights } = model.config;
  const hs = C / nHead;
  const T = ids.length;
  const matrix = (name: string) => model.params.get(name).arraySync() as number[][];
  const vector = (name: string) => (bias ? (model.params.get(name).arraySync() as number[]) : new Array<number>(0));
  const at = (v: number[], i: number) => v[i] ?? 0; // an absent bias is zero
  const times = (x: number[], w: number[][], b: number[]) => w[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * w[i]![j]!, at(b, j)));
  const norm = (x: number[], name: string) => {
    const gain = model.params.get(`${name}.gain`).arraySync() as number[];
    const shift = vector(`${name}.bias`);
    const mean = x.reduce((s, v) => s + v, 0) / C;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
    return x.map((v, c) => ((v - mean) / Math.sqrt(variance + 1e-5)) * gain[c]! + at(shift, c));
  };
  const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const wte = matrix('wte');
  const wpe = positions === false ? undefined : matrix('wpe');
  let x = ids.map((id, t) => wte[id]!.map((v, c) => v + (wpe ? wpe[t]![c]! : 0))); // T rows of C
  const blocks: PlainBlock[] = [];
  for (let i = 0; i < nLayer; i++) {
    const qkv = x.map((row) => times(norm(row, `block${i}.ln1`), matrix(`block${i}.attn.qkv.w`), vector(`block${i}.attn.qkv.b`))); // T rows of 3C
    const part = (offset: number) => Array.from({ length: nHead }, (_, h) => qkv.map((row) => row.slice(offset + h * hs, offset + (h + 1) * hs))); // [h][t][d]
    const [q, k, v] = [part(0), part(C), part(2 * C)];
    const scores = q.map((qh, h) => qh.map((qt) => k[h]!.map((kj) => qt.reduce((s, qd, d) => s + qd * kj[d]!, 0) / Math.sqrt(hs)))); // [h][t][j]
    const masked = scores.map((sh) => sh.map((row, t) => row.map((s, j) => (j > t ? -Infinity : s))));
    const weights = masked.map((mh) =>
      mh.map((row) => {
        const max = Math.max(...row);
        const exps = row.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        return exps.map((e) => e / total);
      }),
    );
    const out = weights.map((wh, h) => wh.map((row) => Array.from({ length: hs }, (_, d) => row.reduce((s, w, j) => s + w * v[h]![j]![d]!, 0)))); // [h][t][d]
    blocks.push({ q, k, v, scores, masked, weights, out });
    const joined = Array.from({ length: T }, (_, t) => out.flatMap((oh) => oh[t]!)); // T rows of C, heads side by side
    x = x.map((row, t) => {
      const projected = times(joined[t]!, matrix(`block${i}.attn.proj.w`), vector(`block${i}.attn.proj.b`));
      return row.map((r, c) => r + projected[c]!);
    });
    x = x.map((row) => {
      const hidden = times(norm(row, `block${i}.ln2`), matrix(`block${i}.mlp.fc.w`), vector(`block${i}.mlp.fc.b`)).map(gelu);
      const back = times(hidden, matrix(`block${i}.mlp.proj.w`), vector(`block${i}.mlp.proj.b`));
      return row.map((r, c) => r + back[c]!);
    });
  }
  const head = tieWeights ? wte[0]!.map((_, c) => wte.map((row) => row[c]!)) : matrix('lm_head'); // (C, V)
  return { blocks, logits: x.map((row) => times(norm(row, 'lnf'), head, [])) };
}

/** Replaces every weight by a draw from N(0, 0.4²) (gains 1 + that), so that heads differ and attention is far from uniform. */
function randomize(model: GPT, seed: number): void {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (const [name, v] of model.params.entries()) {
    const values = Float32Array.from({ length: v.size }, () => (name.endsWith('.gain') ? 1 : 0) + 0.4 * normal());
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
}

/** The numbers of a nested array, in order. */
const numbers = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(numbers) : [x]);

/** Every number of `actual` within `tolerance` (relative above 1) of `expected`, −∞ exactly. */
function expectNear(actual: Nested, expected: Nested, tolerance = 1e-4): void {
  const [a, e] = [numbers(actual), numbers(expected)];
  expect(a).toHaveLength(e.length);
  a.forEach((v, i) => {
    if (e[i] === -Infinity) expect(v).toBe(-Infinity);
    else expect(Math.abs(v - e[i]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(e[i]!)));
  });
}

const BASE: Pick<GptConfig, 'vocabSize'> & Partial<GptConfig> = { vocabSize: 6, blockSize: 5, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0 };
const CASES: [string, Partial<GptConfig>][] = [
  ['bias, positions, own lm head', { bias: true, tieWeights: false }],
  ['no bias, positions, tied', { bias: false, tieWeights: true }],
  ['bias, no positions, tied', { bias: true, positions: false }],
  ['no bias, no positions, own lm head', { bias: false, positions: false, tieWeights: false }],
];
const IDS = [
  [0, 3, 1, 3, 5],
  [2, 2, 4, 0, 1],
];
const ATTENTION = ['q', 'k', 'v', 'scores', 'masked', 'weights', 'out'] as const;

describe("a GPT's recorded attention", () => {
  it.each(CASES)('equals a plain-JS forward of the same weights (%s): q, k, v, scores, masked, weights and out of every head', (_, options) => {
    const model = new GPT({ ...BASE, ...options });
    randomize(model, 11);
    const x = tf.tensor2d(IDS, [2, 5], 'int32'); // (B, T)
    const { logits, intermediates } = model.forward(x, undefined, { record: true });
    const plain = IDS.map((ids) => plainForward(model, ids));
    for (let i = 0; i < BASE.nLayer!; i++) {
      for (const name of ATTENTION) {
        const recorded = intermediates![`block${i}.attn.${name}`]!;
        expect(recorded.shape).toEqual(name === 'scores' || name === 'masked' || name === 'weights' ? [2, 2, 5, 5] : [2, 2, 5, 4]);
        expectNear(recorded.arraySync() as Nested, plain.map((p) => p.blocks[i]![name]));
      }
    }
    expectNear(logits.arraySync() as Nested, plain.map((p) => p.logits));
    tf.dispose([x, logits, ...Object.values(intermediates!)]);
    model.dispose();
  });

  it('records each head\'s weighted sum of values on the fast wasm attention, with the same numbers, when only it is asked for', async () => {
    const model = new GPT({ ...BASE, bias: true });
    randomize(model, 5);
    const expected = IDS.map((ids) => plainForward(model, ids).blocks.map((b) => b.out));
    await useBackend('wasm');
    const x = tf.tensor2d(IDS, [2, 5], 'int32'); // (B, T)
    const convolutions = async (record: boolean | string[]) => {
      const profile = await tf.profile(() => tf.dispose(Object.values(model.forward(x, undefined, { record }).intermediates ?? {})));
      return profile.kernels.filter((k) => k.name === CHANNEL_MAT_MUL).length; // the fast attention's batched matmuls
    };
    const fast = await convolutions(false);
    expect(fast).toBeGreaterThan(0);
    expect(await convolutions(['block0.attn.out', 'block1.attn.out'])).toBe(fast); // the attention's output needs no slow path
    const { logits, intermediates } = model.forward(x, undefined, { record: ['block0.attn.out', 'block1.attn.out'] });
    expect(Object.keys(intermediates!).sort()).toEqual(['block0.attn.out', 'block1.attn.out']);
    for (const i of [0, 1]) expectNear(intermediates![`block${i}.attn.out`]!.arraySync() as Nested, expected.map((blocks) => blocks[i]!));
    tf.dispose([x, logits, ...Object.values(intermediates!)]);
    model.dispose();
    await useBackend('cpu');
  });
});

describe('the keys of a GPT without positions', () => {
  const spec: ModelSpec = { kind: 'gpt', config: { blockSize: 5, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: false, tieWeights: true, seed: 1, positions: false } };

  it('have no gpt.position, and an attn.out of (B, H, T, hs) per block', () => {
    const keys = keysOf(spec, 6, { batch: 3, time: 4 });
    expect(keys['gpt.position']).toBeUndefined();
    expect(keys['block0.attn.out']).toEqual([3, 2, 4, 4]);
    expect(keysOf({ ...spec, config: { ...spec.config, positions: true } } as ModelSpec, 6, { batch: 3, time: 4 })['gpt.position']).toEqual([4, 8]);
    const model = new GPT({ ...spec.config, vocabSize: 6 });
    const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32'); // (1, T)
    const { logits, intermediates } = model.forward(x, undefined, { record: true });
    expect(Object.keys(intermediates!).sort()).toEqual(Object.keys(keysOf(spec, 6, { batch: 1, time: 4 })).sort());
    tf.dispose([x, logits, ...Object.values(intermediates!)]);
    model.dispose();
  });

  it('refuse gpt.position with the list of valid keys', () => {
    expect(() => validateKeys(spec, ['block0.attn.out', 'gpt.position'])).toThrow(/^the gpt model has no key 'gpt.position'; valid keys: embedding, embedded, gpt.resid, .*block0\.attn\.out.*logits$/);
  });
});
