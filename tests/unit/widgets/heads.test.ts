import { describe, expect, it } from 'vitest';
import type { ShapedArray } from '../../../lab/worker/protocol';
import { FRAME_BUDGET_BYTES, frameBytes, HeadsFrames } from '../../../src/widgets/headsFrames';
import { parseHeadsFile } from '../../../src/widgets/headsReference';
import { evenScores, fitToBlock, headPatterns, headsFrame, headSummary, patternId, patternScores } from '../../../src/widgets/headsProbes';

/** A (H, T, T) array whose head h puts all of every row t ≥ h on key t − h (head 0: itself), else on key 0. */
function shifted(heads: number, size: number): ShapedArray {
  const data = new Float32Array(heads * size * size);
  for (let h = 0; h < heads; h++) for (let t = 0; t < size; t++) data[(h * size + t) * size + (t >= h ? t - h : 0)] = 1;
  return { shape: [heads, size, size], data };
}

function frameAt(step: number, layers = 2, heads = 2, size = 4) {
  const arrays: Record<string, ShapedArray> = {};
  for (let l = 0; l < layers; l++) {
    arrays[`weights${l}`] = shifted(heads, size);
    arrays[`patterns${l}`] = { shape: [heads, 2], data: Float32Array.from({ length: heads * 2 }, (_, i) => l + i / 10) };
  }
  return headsFrame(step, arrays)!;
}

describe('the heads views’ probes', () => {
  it('name the patterns and add one line back for verse', () => {
    expect(headPatterns().map(patternId)).toEqual(['previous', 'start', 'induction', 'self']);
    expect(headPatterns(6).map(patternId)).toEqual(['previous', 'start', 'induction', 'self', 'back6']);
  });

  it('cut a text to the block, counting only the characters the model reads, and the boundary of a line model', () => {
    const vocab = ['\n', 'a', 'b', ' '];
    expect(fitToBlock('ab ab', vocab, 8, false)).toEqual({ text: 'ab ab', cut: false });
    expect(fitToBlock('ab ab', vocab, 3, false)).toEqual({ text: 'ab ', cut: true });
    expect(fitToBlock('ab ab', vocab, 3, true)).toEqual({ text: 'ab', cut: true });
    // Unknown characters are skipped, not read, so they take no position.
    expect(fitToBlock('aéb', vocab, 2, false)).toEqual({ text: 'aéb', cut: false });
    expect(fitToBlock('aébb', vocab, 2, false)).toEqual({ text: 'aéb', cut: true });
  });

  it('read a snapshot into a frame of every block, and refuse blocks of different sizes', () => {
    const frame = frameAt(30);
    expect([frame.layers, frame.heads, frame.size, frame.step]).toEqual([2, 2, 4, 30]);
    expect(headsFrame(0, { weights0: shifted(2, 4), weights1: shifted(2, 5) })).toBeUndefined();
    expect(headsFrame(0, {})).toBeUndefined();
  });

  it('say where a head looks: its best pattern and the key with most of its weight', () => {
    const frame = frameAt(0);
    // Head 0 attends to itself: every key gets one row's weight; the first key wins ties.
    expect(headSummary(frame, 0, 0, 2)).toEqual({ best: 1, score: expect.closeTo(0.1, 6), top: 0, share: 0.25 });
    // Head 1: rows 0 and 1 on key 0, row 2 on 1, row 3 on 2: key 0 has half the weight.
    expect(headSummary(frame, 1, 1, 2)).toMatchObject({ best: 1, top: 0, share: 0.5 });
    expect(patternScores(frame, 0, 2).map((x) => Math.round(x * 10) / 10)).toEqual([0, 0.2, 1, 1.2]);
  });
});

describe('a head against an even spread', () => {
  it('is named by the pattern that lifts it most above an even head, and by none when none does', () => {
    const tokens = ['a', 'b', 'a', 'b'];
    const patterns = headPatterns();
    const baseline = evenScores(tokens, patterns);
    // An even head: 1/(t+1) on the previous character (mean over rows 1..3 of 1/2, 1/3, 1/4).
    expect(baseline[0]).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 4) / 3, 5);
    const size = 4;
    const even = new Float32Array(size * size);
    for (let t = 0; t < size; t++) for (let j = 0; j <= t; j++) even[t * size + j] = 1 / (t + 1);
    const evenFrame = { step: 0, layers: 1, heads: 1, size, weights: [even], scores: [Float32Array.from(baseline)] };
    expect(headSummary(evenFrame, 0, 0, patterns.length, baseline).best).toBe(-1);
    const previous = frameAt(0, 1, 2, 4);
    previous.scores = [Float32Array.from([...baseline, 1, ...baseline.slice(1)])];
    expect(headSummary(previous, 0, 1, patterns.length, baseline)).toMatchObject({ best: 0, score: 1 });
  });
});

describe('the timeline’s frames', () => {
  it('keep every snapshot until the budget, then every other one, evenly, the newest always', () => {
    const size = frameBytes({ layers: 2, heads: 2, size: 4 });
    const store = new HeadsFrames(size * 8);
    for (let s = 1; s <= 20; s++) store.add(frameAt(s * 10));
    expect(store.taken).toBe(20);
    expect(store.scores.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
    const steps = store.frames.map((f) => f.step);
    expect(steps.length).toBeLessThanOrEqual(8);
    expect(steps[0]).toBe(10);
    expect(steps.at(-1)).toBe(200);
    expect(store.stride).toBe(4);
    // Evenly spread: every 4th snapshot, then the newest.
    expect(steps).toEqual([10, 50, 90, 130, 170, 200]);
  });

  it('replace a snapshot of the same step, refuse another shape, and keep what came before a resumed step', () => {
    const store = new HeadsFrames(FRAME_BUDGET_BYTES);
    store.add(frameAt(10));
    store.add(frameAt(20));
    expect(store.add(frameAt(20))).toBe(true);
    expect(store.add(frameAt(30, 3))).toBe(false);
    expect(store.frames.map((f) => f.step)).toEqual([10, 20]);
    store.add(frameAt(30));
    store.keepThrough(20);
    expect(store.frames.map((f) => f.step)).toEqual([10, 20]);
    expect(store.taken).toBe(2);
    store.clear();
    expect(store.frames).toEqual([]);
  });
});

describe('the reference run of heads forming', () => {
  it('reads scripts/heads-forming.ts’s file, one line back as `line`, and refuses what does not fit', () => {
    const file = { recipe: 'x', patterns: ['previous', 'back6'], layers: 1, heads: 2, every: 50, points: [{ step: 0, scores: [0.1, 0.2, 0.3, 0.4] }, { step: 50, loss: 2, scores: [0.5, 0.6, 0.7, 0.8] }, { step: 100, scores: [1] }] };
    expect(parseHeadsFile(file)).toEqual({ patterns: ['previous', 'line'], layers: 1, heads: 2, points: [{ step: 0, scores: [0.1, 0.2, 0.3, 0.4] }, { step: 50, scores: [0.5, 0.6, 0.7, 0.8] }] });
    expect(parseHeadsFile({ ...file, patterns: ['previous', 'sideways'] })).toBeUndefined();
    expect(parseHeadsFile(null)).toBeUndefined();
  });
});
