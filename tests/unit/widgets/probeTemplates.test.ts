import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../lab/worker/protocol';
import { GRADIENT_RANGES, gradientRange, LAYER_PROBES } from '../../../src/widgets/layerProbes';
import { expandProbes, hiddenLayers, inspectable, matrices, transformerBlocks } from '../../../src/widgets/probeTemplates';

/** An MLP of `depth` layers as the worker describes it. */
function mlp(depth: number): ModelInfo {
  const hidden = Array.from({ length: depth }, (_, l) => [
    { name: l === 0 ? 'hidden.w' : `hidden${l + 1}.w`, shape: [l === 0 ? 30 : 200, 200] },
    { name: l === 0 ? 'hidden.b' : `hidden${l + 1}.b`, shape: [200] },
  ]).flat();
  const parameters = [{ name: 'embedding', shape: [28, 10] }, ...hidden, { name: 'out.w', shape: [200, 27] }, { name: 'out.b', shape: [27] }];
  return { kind: 'mlp', config: { depth }, vocab: [], params: 0, step: 0, origin: 'training', parameters };
}

describe('probes declared per layer and per matrix', () => {
  it('count the layers and the matrices of the model', () => {
    expect(hiddenLayers(mlp(1))).toBe(1);
    expect(hiddenLayers(mlp(3))).toBe(3);
    expect(matrices(mlp(2))).toEqual(['embedding', 'hidden.w', 'hidden2.w', 'out.w']);
  });

  it('expand into one probe per layer, the layer in the index', () => {
    const probes = expandProbes({ 'act:{layer}': { key: 'mlp.hiddens', as: 'histogram', bins: 4, range: [-1, 1], index: ['{layer}'] } }, mlp(3));
    expect(probes).toEqual({
      'act:0': { key: 'mlp.hiddens', as: 'histogram', bins: 4, range: [-1, 1], index: [0] },
      'act:1': { key: 'mlp.hiddens', as: 'histogram', bins: 4, range: [-1, 1], index: [1] },
      'act:2': { key: 'mlp.hiddens', as: 'histogram', bins: 4, range: [-1, 1], index: [2] },
    });
  });

  it('expand into one probe per matrix, in keys and in relativeTo', () => {
    const probes = expandProbes({ 'ratio:{matrix}': { key: 'update.{matrix}', as: 'scale', relativeTo: 'weight.{matrix}' }, plain: { key: 'logits', as: 'raw' } }, mlp(1));
    expect(Object.keys(probes)).toEqual(['ratio:embedding', 'ratio:hidden.w', 'ratio:out.w', 'plain']);
    expect(probes['ratio:out.w']).toEqual({ key: 'update.out.w', as: 'scale', relativeTo: 'weight.out.w' });
  });

  it('expand into one probe per Transformer block of a GPT, however deep the reader made it', () => {
    const gpt = (layers: number): ModelInfo => ({
      kind: 'gpt',
      config: {},
      vocab: [],
      params: 0,
      step: 0,
      origin: 'training',
      parameters: [{ name: 'wte', shape: [65, 64] }, ...Array.from({ length: layers }, (_, i) => [{ name: `block${i}.attn.c_attn.w`, shape: [64, 192] }, { name: `block${i}.ln_1.gain`, shape: [64] }]).flat()],
    });
    expect(transformerBlocks(gpt(3))).toBe(3);
    expect(transformerBlocks(mlp(2))).toBe(0);
    const probes = expandProbes({ 'w{block}': { key: 'block{block}.attn.weights', as: 'raw', index: [0] } }, gpt(2));
    expect(probes).toEqual({ w0: { key: 'block0.attn.weights', as: 'raw', index: [0] }, w1: { key: 'block1.attn.weights', as: 'raw', index: [0] } });
    expect(expandProbes({ 'w{block}': { key: 'block{block}.attn.weights', as: 'raw' } }, mlp(1))).toEqual({});
  });

  it('leave out of an inspect what only a watch can take', () => {
    const all = expandProbes(LAYER_PROBES, mlp(2));
    const inspected = Object.keys(all).filter((name) => inspectable(all[name]!));
    expect(Object.keys(all).filter((n) => n.startsWith('ratio:'))).toHaveLength(4);
    expect(inspected.filter((n) => n.startsWith('ratio:'))).toEqual([]);
    expect(inspected.filter((n) => n.startsWith('act:'))).toEqual(['act:0', 'act:1']);
    expect(inspected.filter((n) => n.startsWith('grad:'))).toHaveLength(4 * GRADIENT_RANGES.length);
  });
});

describe('the range a gradient is drawn over', () => {
  it('is the narrowest that holds four standard deviations', () => {
    expect(GRADIENT_RANGES[gradientRange(1e-3)]).toBe(1e-2);
    expect(GRADIENT_RANGES[gradientRange(2e-4)]).toBe(1e-3);
    expect(GRADIENT_RANGES[gradientRange(0)]).toBe(1e-4);
    expect(GRADIENT_RANGES[gradientRange(100)]).toBe(3);
  });
});
