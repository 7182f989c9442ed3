import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPatterns, patternName, patternScore, patternScores } from '../../../lab/analysis/attentionPatterns';
import { HEADS_PROBE_POEM, HEADS_PROBE_TEXT } from '../../../lab/analysis/headsProbe';
import { loadDataset } from '../../../lab/data/datasets';
import { runningWindows } from '../../../lab/data/running';
import { LabHost } from '../../../lab/worker/host';
import type { AttentionPattern, Probe, WorkerResponse } from '../../../lab/worker/protocol';
import { readData, WASM_DIR } from './helpers';

/**
 * A (4, 4) causal attention matrix whose every entry is a different hand-picked number, rows
 * summing to 1:
 *   row 0: 1
 *   row 1: .3 .7
 *   row 2: .1 .6 .3
 *   row 3: .4 .2 .1 .3
 */
const W4 = [1, 0, 0, 0, 0.3, 0.7, 0, 0, 0.1, 0.6, 0.3, 0, 0.4, 0.2, 0.1, 0.3];

describe('attention pattern scores on constructed matrices', () => {
  it('give the hand-computed means over the rows that qualify', () => {
    const tokens = [5, 5, 5, 5];
    const score = (p: AttentionPattern) => patternScore(W4, 4, tokens, p);
    expect(score('previous')).toBeCloseTo((0.3 + 0.6 + 0.1) / 3, 6); // w[1,0], w[2,1], w[3,2]
    expect(score({ back: 1 })).toBe(score('previous'));
    expect(score('self')).toBeCloseTo((0.7 + 0.3 + 0.3) / 3, 6); // rows 1..3, not row 0
    expect(score({ back: 0 })).toBe(score('self'));
    expect(score('start')).toBeCloseTo((0.3 + 0.1 + 0.4) / 3, 6); // w[1,0], w[2,0], w[3,0]
    expect(score({ back: 2 })).toBeCloseTo((0.1 + 0.2) / 2, 6); // w[2,0], w[3,1]
    expect(score({ back: 3 })).toBeCloseTo(0.4, 6); // w[3,0] alone
    expect(score({ back: 4 })).toBeNaN(); // no row reaches 4 back
  });

  it('score induction on the position right after each earlier occurrence of the current token', () => {
    // Tokens a b a b: row 2 (a) has a at 0, so it looks at 1; row 3 (b) has b at 1, so it looks at 2.
    expect(patternScore(W4, 4, [0, 1, 0, 1], 'induction')).toBeCloseTo((0.6 + 0.1) / 2, 6);
    // a a a a: row 2 looks at 1 (after 0); row 3 at 1 and 2 (after 0 and 1): the weights add up.
    expect(patternScore(W4, 4, [0, 0, 0, 0], 'induction')).toBeCloseTo((0.6 + (0.2 + 0.1)) / 2, 6);
    // a b c a: only row 3 has an earlier a (at 0), whose next position is 1.
    expect(patternScore(W4, 4, [0, 1, 2, 0], 'induction')).toBeCloseTo(0.2, 6);
    // a b a c: row 2's earlier a is at 0, so it looks at 1; row 3's token is new.
    expect(patternScore(W4, 4, [0, 1, 0, 2], 'induction')).toBeCloseTo(0.6, 6);
    // x a a: row 2's earlier a is at 1, right before it: its next position is row 2 itself, which does not count.
    expect(patternScore([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5], 3, [7, 0, 0], 'induction')).toBeNaN();
    expect(patternScore(W4, 4, [0, 1, 2, 3], 'induction')).toBeNaN(); // nothing repeats
  });

  it('give a perfect score to the head that does exactly the pattern', () => {
    const T = 6;
    const onehot = (target: (t: number) => number) => Array.from({ length: T * T }, (_, i) => (Math.floor(i / T) === 0 ? (i === 0 ? 1 : 0) : i % T === target(Math.floor(i / T)) ? 1 : 0));
    const tokens = [1, 2, 3, 1, 2, 3];
    expect(patternScore(onehot((t) => t - 1), T, tokens, 'previous')).toBe(1);
    expect(patternScore(onehot((t) => t - 1), T, tokens, 'self')).toBe(0);
    expect(patternScore(onehot(() => 0), T, tokens, 'start')).toBe(1);
    expect(patternScore(onehot((t) => t), T, tokens, 'self')).toBe(1);
    expect(patternScore(onehot((t) => Math.max(0, t - 3)), T, tokens, { back: 3 })).toBe(1);
    // Rows 3, 4, 5 repeat rows 0, 1, 2: the induction head of row t looks at t − 2.
    expect(patternScore(onehot((t) => (t >= 3 ? t - 2 : 0)), T, tokens, 'induction')).toBe(1);
  });

  it('score a stack of matrices pattern by pattern, in the order asked', () => {
    const uniform = [1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3];
    const diagonal = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const scores = patternScores([...uniform, ...diagonal], 3, [4, 4, 4], ['self', 'start', { back: 2 }, 'induction']);
    const expected = [(0.5 + 1 / 3) / 2, (0.5 + 1 / 3) / 2, 1 / 3, 1 / 3, 1, 0, 0, 0];
    expect(scores).toHaveLength(8);
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
  });

  it('refuse unknown patterns and weights that are not whole matrices', () => {
    expect(() => checkPatterns(['previous', 'sideways' as AttentionPattern])).toThrow("unknown attention pattern 'sideways'; the patterns are previous, self, start, induction and { back: k }");
    expect(() => checkPatterns([{ back: -1 }])).toThrow('an attention pattern { back: k } needs a whole number k >= 0, not {"back":-1}');
    expect(() => checkPatterns([{ back: 1.5 }])).toThrow(/whole number/);
    expect(() => patternScores([1, 0, 0], 2, [0, 0], ['self'])).toThrow('3 weights are not whole 2 × 2 attention matrices');
    expect(patternName({ back: 6 })).toBe('back6');
    expect(patternName('induction')).toBe('induction');
  });
});

describe('the patterns probe in the worker', () => {
  it("gives (B, H, P), (H, P) at [b] and (P) at [b, h], equal to the scores of the recorded weights on the example's tokens", async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'tinyshakespeare-gpt' } });
    const patterns: AttentionPattern[] = ['induction', 'previous', { back: 3 }, 'start'];
    const key = 'block1.attn.weights';
    const probes: Record<string, Probe> = { all: { key, as: 'patterns', patterns }, one: { key, as: 'patterns', patterns, index: [1] }, head: { key, as: 'patterns', patterns, index: [1, 2] }, w: { key, as: 'raw' } };
    const inspect = (requestId: number) => host.receive({ type: 'inspect', jobId: 1, requestId, input: { split: 'dev', count: 2, length: 40 }, probes });
    await inspect(1); // the model makes its causal mask for T = 40 once, and keeps it
    const before = tf.memory().numTensors;
    await inspect(2);
    expect(tf.memory().numTensors).toBe(before);
    const snap = messages.find((m): m is Extract<WorkerResponse, { type: 'snapshot' }> => m.type === 'snapshot' && m.requestId === 2)!;
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    const { all, one, head, w } = snap.arrays;
    expect(all!.shape).toEqual([2, 4, 4]);
    expect(one!.shape).toEqual([4, 4]);
    expect(head!.shape).toEqual([4]);
    expect(all!.info).toEqual({ patterns: 'induction previous back3 start' });
    expect(Array.from(one!.data)).toEqual(Array.from(all!.data.subarray(16, 32)));
    expect(Array.from(head!.data)).toEqual(Array.from(one!.data.subarray(8, 12)));
    // The same scores from the raw weights and the dev text's tokens, read here.
    const dev = await devTokens(2, 40);
    const T = 40;
    for (let b = 0; b < 2; b++) {
      const expected = patternScores(w!.data.subarray(b * 4 * T * T, (b + 1) * 4 * T * T), T, dev.slice(b * T, (b + 1) * T), patterns);
      expect(Array.from(all!.data.subarray(b * 16, (b + 1) * 16))).toEqual(Array.from(expected));
    }
    expect(all!.data.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('says what a patterns probe reads, for another key', async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'tinyshakespeare-gpt' } });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 1, input: { text: 'to be' }, probes: { p: { key: 'block0.attn.scores', as: 'patterns', patterns: ['previous'] } } });
    await host.receive({ type: 'inspect', jobId: 1, requestId: 2, input: { text: 'to be' }, probes: { p: { key: 'block0.attn.weights', as: 'patterns', patterns: [{ back: -2 }] } } });
    const errors = messages.filter((m): m is Extract<WorkerResponse, { type: 'error' }> => m.type === 'error').map((m) => m.message);
    expect(errors).toEqual(["a patterns probe scores attention weights (block{i}.attn.weights), not 'block0.attn.scores'", 'an attention pattern { back: k } needs a whole number k >= 0, not {"back":-2}']);
  });
});

describe('the heads probe texts', () => {
  it("fit the chapter GPTs' blocks and use only characters of their data sets", async () => {
    expect([...HEADS_PROBE_TEXT].length).toBeLessThanOrEqual(64);
    expect([...HEADS_PROBE_TEXT].length).toBeGreaterThanOrEqual(56);
    expect([...HEADS_PROBE_POEM].length).toBe(24); // with the boundary, 25 of tang-wujue-gpt's 26
    const shakespeare = new Set(await readData('tinyshakespeare.txt'));
    const tang = new Set(await readData('tang-wujue.txt'));
    expect([...HEADS_PROBE_TEXT].filter((c) => !shakespeare.has(c))).toEqual([]);
    expect([...HEADS_PROBE_POEM].filter((c) => !tang.has(c))).toEqual([]);
  });
});

/** The repository's `public/` folder, which the site serves checkpoints from. */
const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));
const readPublic = async (path: string) => new Uint8Array(await readFile(`${PUBLIC_DIR}${path}`));

/** The token ids of `count` windows of `length` characters from the start of tinyshakespeare's dev split. */
async function devTokens(count: number, length: number): Promise<number[]> {
  const dataset = await loadDataset('tinyshakespeare', readData);
  return Array.from(runningWindows(dataset.splits.dev, count, length).x);
}
