import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drawnToken, drawSequences, drawTraced, type NextLogits, samplingDistribution } from '../../../lab/draw';
import { LabHost } from '../../../lab/worker/host';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { readData, WASM_DIR } from './helpers';

const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));
const readPublic = async (path: string) => new Uint8Array(await readFile(`${PUBLIC_DIR}${path}`));

/** A made-up model of 6 tokens: its logits depend on the last token of the context, so the draws vary. */
const toyLogits: NextLogits = (contexts) => contexts.map((c) => Array.from({ length: 6 }, (_, i) => Math.sin(3 * i + 7 * c.at(-1)!) * 2 + (i === 0 ? -1 : 0)));

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('a drawn token and its distribution', () => {
  it('lists the most likely tokens descending, ties by id, and puts the rest in one number', () => {
    const token = drawnToken([0.1, 0.4, 0.1, 0.3, 0.1], 2, 3);
    expect(token.top).toEqual([1, 3, 0]);
    expect(token.probs).toEqual([0.4, 0.3, 0.1]);
    expect(token.rest).toBeCloseTo(0.2, 12);
    expect(token.p).toBe(0.1);
    expect(sum(token.probs) + token.rest).toBeCloseTo(1, 12);
    // Fewer tokens than asked: all of them, nothing left.
    expect(drawnToken([0.25, 0.75], 1, 10)).toEqual({ id: 1, p: 0.75, top: [1, 0], probs: [0.75, 0.25], rest: 0 });
  });

  it('draws the same tokens with and without the distributions, each step the one it shows', () => {
    const options = { count: 4, maxLength: 12, temperature: 0.9, seed: 5, stopAtBoundary: true };
    const plain = drawSequences(toyLogits, 4, options);
    const traced = drawTraced(toyLogits, 4, options, 3);
    expect(traced.ids).toEqual(plain);
    expect(drawTraced(toyLogits, 4, options, 0)).toEqual({ ids: plain });
    expect(traced.steps!.map((s) => s.length)).toEqual(plain.map((s) => s.length));
    for (const [i, row] of traced.steps!.entries()) {
      for (const [j, step] of row.entries()) {
        expect(step.id).toBe(plain[i]![j]);
        expect(step.top).toHaveLength(3);
        expect(sum(step.probs) + step.rest).toBeCloseTo(1, 10);
        expect(step.probs).toEqual([...step.probs].sort((a, b) => b - a));
        // The chosen token's probability is the one its distribution gave it.
        const context = [0, ...plain[i]!.slice(0, j)].slice(-4);
        expect(step.p).toBeCloseTo(samplingDistribution(toyLogits([context])[0]!, options)[step.id]!, 12);
      }
    }
  });

  it('shows the cut distribution under top-k and top-p: the kept tokens carry all the mass', () => {
    const base = { count: 3, maxLength: 10, temperature: 1, seed: 2, stopAtBoundary: false };
    const k2 = drawTraced(toyLogits, 4, { ...base, topK: 2 }, 6);
    for (const step of k2.steps!.flat()) {
      expect(step.probs.filter((p) => p > 0)).toHaveLength(2);
      expect(step.top.slice(0, 2)).toContain(step.id);
      expect(step.rest).toBe(0);
      expect(step.probs[0]! + step.probs[1]!).toBeCloseTo(1, 12);
    }
    const p = drawTraced(toyLogits, 4, { ...base, topP: 0.5 }, 6);
    for (const step of p.steps!.flat()) {
      const kept = step.probs.filter((x) => x > 0);
      expect(step.p).toBeGreaterThan(0);
      expect(sum(kept)).toBeCloseTo(1, 12);
      // The smallest set reaching half the mass: dropping its least likely token goes under half of the full distribution.
      expect(kept.length).toBeLessThan(6);
    }
    // Greedy: one token holds everything.
    const greedy = drawTraced(toyLogits, 4, { ...base, temperature: 0 }, 2);
    for (const step of greedy.steps!.flat()) expect(step).toMatchObject({ p: 1, probs: [1, 0], rest: 0 });
  });
});

describe('the worker’s sample answer with distributions', () => {
  it('gives, for each character of a sample, its distribution’s top characters summing to 1 with the rest', async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, bytes: () => readPublic, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    await host.receive({ type: 'load', jobId: 1, source: { checkpoint: 'names-rnn-chapter' } });
    const request = { type: 'sample', jobId: 1, count: 3, temperature: 1, seed: 4, maxLength: 20 } as const;
    await host.receive({ ...request, topK: 5, distributions: 10 });
    await host.receive({ ...request, topK: 5 });
    const [traced, plain] = messages.filter((m): m is Extract<WorkerResponse, { type: 'sample' }> => m.type === 'sample');
    expect(traced!.texts).toEqual(plain!.texts);
    expect(plain!.steps).toBeUndefined();
    expect(traced!.steps!.map((s) => s.map((d) => d.char).join(''))).toEqual(traced!.texts);
    for (const step of traced!.steps!.flat()) {
      expect(step.top).toHaveLength(10);
      expect(step.top).toContain(step.char);
      expect(step.probs.filter((p) => p > 0).length).toBeLessThanOrEqual(5);
      expect(sum(step.probs) + step.rest).toBeCloseTo(1, 6);
      expect(step.p).toBe(step.probs[step.top.indexOf(step.char)]);
    }
  });
});
