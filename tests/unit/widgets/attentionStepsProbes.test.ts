import { describe, expect, it } from 'vitest';
import { fitBlock, queryDots, rowOf, STEPS_PROBES, strongestKey } from '../../../src/widgets/attentionStepsProbes';
import { validateKeys } from '../../../lab/models/keys';

const shaped = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });
const letters = (c: string) => /[a-z>]/.test(c);

describe('the step-by-step view’s text', () => {
  it('keeps the start token and block − 1 known characters, the unknown ones in place and taking no room', () => {
    expect(fitBlock('qwhdkzpe>qwh', 18, letters)).toEqual({ text: 'qwhdkzpe>qwh', cut: 0 });
    expect(fitBlock('qwhdkzpe>qwhdkzpeabc', 18, letters)).toEqual({ text: 'qwhdkzpe>qwhdkzpe', cut: 3 });
    expect(fitBlock('qw9hdkzpe>qwhdkzpeXabc', 18, letters)).toEqual({ text: 'qw9hdkzpe>qwhdkzpeX', cut: 3 });
    expect(fitBlock('abcd', 3)).toEqual({ text: 'ab', cut: 2 });
    expect(fitBlock('', 18)).toEqual({ text: '', cut: 0 });
  });
});

describe('the step-by-step view’s numbers', () => {
  it('takes q·k_j for every key from the vectors it shows, and a position’s row', () => {
    const q = shaped([2, 2], [1, 2, 3, -1]);
    const k = shaped([2, 2], [0.5, 0.5, -1, 2]);
    expect(Array.from(queryDots(q, k, 1))).toEqual([1, -5]);
    expect(Array.from(queryDots(q, k, 0))).toEqual([1.5, 3]);
    expect(Array.from(rowOf(q, 1))).toEqual([3, -1]);
  });

  it('finds the earlier position a row of weights favours, never a masked one', () => {
    const weights = shaped([3, 3], [1, 0, 0, 0.3, 0.7, 0, 0.5, 0.1, 0.4]);
    expect(strongestKey(weights, 1)).toEqual({ at: 1, weight: expect.closeTo(0.7, 6) });
    expect(strongestKey(weights, 2)).toEqual({ at: 0, weight: 0.5 });
    expect(strongestKey(shaped([2, 2], [0.2, 0.9, 0.5, 0.5]), 0)).toEqual({ at: 0, weight: expect.closeTo(0.2, 6) });
  });

  it('asks a one-block GPT only for keys it records', () => {
    const spec = { kind: 'gpt' as const, config: { blockSize: 18, nLayer: 1, nHead: 1, nEmbd: 32, dropout: 0, bias: false, tieWeights: true, seed: 1 } };
    expect(() => validateKeys(spec, Object.values(STEPS_PROBES).map((p) => p.key))).not.toThrow();
  });
});
