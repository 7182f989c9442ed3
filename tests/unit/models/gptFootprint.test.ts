import { describe, expect, it } from 'vitest';
import { gptFootprint } from '../../../lab/models/footprint';
import { GPT, type GptConfig } from '../../../lab/models/gpt';
import { numParams } from '../../../lab/models/model';

/** A small GPT the footprint is checked against, varied one option at a time. */
const SMALL: Omit<GptConfig, 'vocabSize'> = { blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: false, tieWeights: true, seed: 1 };
const V = 27;

describe('gptFootprint', () => {
  it.each([
    ['nanoGPT’s (no bias, tied)', {}],
    ['with biases', { bias: true }],
    ['untied', { tieWeights: false }],
    ['without positions', { positions: false }],
    ['with biases, untied, without positions, 3 layers of 4 heads', { bias: true, tieWeights: false, positions: false, nLayer: 3, nHead: 4, nEmbd: 24 }],
    ['one block of one head (chapter 6’s)', { nLayer: 1, nHead: 1, nEmbd: 32, blockSize: 18 }],
  ] as const)('counts the parameters a built GPT has: %s', (_name, changes) => {
    const config = { ...SMALL, ...changes };
    const model = new GPT({ ...config, vocabSize: V });
    expect(gptFootprint(config, V, 8, config.blockSize).params).toBe(numParams(model));
    model.dispose();
  });

  it('holds every parameter four times (weights, gradients, two AdamW moments) besides the activations', () => {
    const fp = gptFootprint(SMALL, V, 1, 1);
    const none = gptFootprint(SMALL, V, 0, 1);
    expect(none.trainingBytes).toBe(4 * 4 * fp.params);
    expect(none.flopsPerStep).toBe(0);
  });

  it('grows with the attention matrices, B·H·T² per block, scores and weights each with a gradient', () => {
    const bytes = (nHead: number, length: number) => gptFootprint({ ...SMALL, blockSize: 64, nHead }, V, 4, length).trainingBytes;
    // Doubling the heads adds one more H·T per position per block, 2 (scores, weights) × 2 (gradients).
    expect(bytes(4, 32) - bytes(2, 32)).toBe(4 * 4 * 32 * SMALL.nLayer * 2 * 2 * 2 * 32);
    // Doubling T more than doubles the activations: the T² term.
    expect(bytes(2, 64) - gptFootprint({ ...SMALL, blockSize: 64 }, V, 4, 1).trainingBytes).toBeGreaterThan(2 * (bytes(2, 32) - gptFootprint({ ...SMALL, blockSize: 64 }, V, 4, 1).trainingBytes));
  });

  it('counts a step’s arithmetic: 12C² per block and position, the attention’s 2TC, and the head', () => {
    const fp = gptFootprint(SMALL, V, 2, 10);
    const c = SMALL.nEmbd;
    expect(fp.flopsPerStep).toBe(3 * 2 * 2 * 10 * (SMALL.nLayer * (12 * c * c + 2 * 10 * c) + c * V));
  });

  it('adds dropout’s masks to the memory, not to the parameters', () => {
    const plain = gptFootprint(SMALL, V, 4, 12);
    const dropped = gptFootprint({ ...SMALL, dropout: 0.1 }, V, 4, 12);
    expect(dropped.params).toBe(plain.params);
    expect(dropped.trainingBytes).toBeGreaterThan(plain.trainingBytes);
  });
});
