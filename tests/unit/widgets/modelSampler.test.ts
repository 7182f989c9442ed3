import { describe, expect, it } from 'vitest';
import { MODEL_SAMPLER_SCHEMA, type ModelSamplerValues, pickAfterKey, poemLines, readPrompt, drawRequest } from '../../../src/widgets/modelSamplerSchema';
import { defaults, readState, writeState } from '../../../src/widgets/urlState';

const NAMES_VOCAB = ['\n', ...'abcdefghijklmnopqrstuvwxyz'];

describe('the model sampler’s prompt', () => {
  it('keeps the characters the model knows and names the others once each', () => {
    expect(readPrompt('em', NAMES_VOCAB)).toEqual({ known: 'em', skipped: [] });
    expect(readPrompt('Em-mA!', NAMES_VOCAB)).toEqual({ known: 'mm', skipped: ['E', '-', 'A', '!'] });
    expect(readPrompt('a\nb', NAMES_VOCAB)).toEqual({ known: 'ab', skipped: ['\n'] });
    expect(readPrompt('', NAMES_VOCAB)).toEqual({ known: '', skipped: [] });
  });

  it('starts every sample at the boundary, then the prompt', () => {
    const values = defaults(MODEL_SAMPLER_SCHEMA) as ModelSamplerValues;
    expect(drawRequest(3, values, 'em', 30)).toEqual({ type: 'sample', jobId: 3, count: 10, temperature: 1, seed: 1, maxLength: 30, prompt: '\nem' });
    expect(drawRequest(3, { ...values, temp: 0 }, '', 40)).not.toHaveProperty('prompt');
  });
});

describe('a sampled poem', () => {
  it('breaks after each punctuation mark the model wrote, wherever it wrote them', () => {
    expect(poemLines('四时运灰琯，一夕变冬春。送寒余雪尽，迎岁早梅新。')).toEqual(['四时运灰琯，', '一夕变冬春。', '送寒余雪尽，', '迎岁早梅新。']);
    expect(poemLines('山中无一事，水流')).toEqual(['山中无一事，', '水流']);
    expect(poemLines('')).toEqual([]);
  });
});

describe('the model sampler’s top-k, top-p and distributions', () => {
  const values = defaults(MODEL_SAMPLER_SCHEMA) as ModelSamplerValues;

  it('asks for top-k and top-p only when they cut something, and for the distributions when the sampler shows them', () => {
    expect(drawRequest(1, values, '', 30, 10)).toEqual({ type: 'sample', jobId: 1, count: 10, temperature: 1, seed: 1, maxLength: 30, distributions: 10 });
    expect(drawRequest(1, { ...values, topk: 5, topp: 0.9 }, 'a', 30)).toEqual({ type: 'sample', jobId: 1, count: 10, temperature: 1, seed: 1, maxLength: 30, prompt: '\na', topK: 5, topP: 0.9 });
    expect(drawRequest(1, { ...values, topk: 0, topp: 1 }, '', 30)).not.toHaveProperty('topK');
    expect(drawRequest(1, { ...values, topk: 0, topp: 1 }, '', 30)).not.toHaveProperty('topP');
  });

  it('keeps top-k and top-p in the URL, clamped into range', () => {
    const params = new URLSearchParams('sample.topk=3&sample.topp=0.01');
    const { values: read, notices } = readState(MODEL_SAMPLER_SCHEMA, params, 'sample');
    expect(read).toMatchObject({ topk: 3, topp: 0.05 });
    expect(notices.map((n) => n.param)).toEqual(['sample.topp']);
    const written = new URLSearchParams();
    writeState(MODEL_SAMPLER_SCHEMA, { ...values, topk: 40, topp: 0.9 }, written, 'sample');
    expect(written.toString()).toBe('sample.topk=40&sample.topp=0.9');
  });

  it('moves the picked character with the arrow keys, across samples, past empty ones', () => {
    const lengths = [3, 0, 2];
    expect(pickAfterKey({ sample: 0, char: 0 }, 'ArrowRight', lengths)).toEqual({ sample: 0, char: 1 });
    expect(pickAfterKey({ sample: 0, char: 2 }, 'ArrowRight', lengths)).toEqual({ sample: 2, char: 0 });
    expect(pickAfterKey({ sample: 2, char: 0 }, 'ArrowLeft', lengths)).toEqual({ sample: 0, char: 2 });
    expect(pickAfterKey({ sample: 0, char: 2 }, 'ArrowDown', lengths)).toEqual({ sample: 2, char: 1 });
    expect(pickAfterKey({ sample: 2, char: 1 }, 'ArrowUp', lengths)).toEqual({ sample: 0, char: 1 });
    expect(pickAfterKey({ sample: 0, char: 1 }, 'End', lengths)).toEqual({ sample: 0, char: 2 });
    expect(pickAfterKey({ sample: 0, char: 1 }, 'Home', lengths)).toEqual({ sample: 0, char: 0 });
    expect(pickAfterKey({ sample: 2, char: 1 }, 'ArrowRight', lengths)).toBeUndefined();
    expect(pickAfterKey({ sample: 0, char: 0 }, 'ArrowUp', lengths)).toBeUndefined();
    expect(pickAfterKey({ sample: 0, char: 0 }, 'Enter', lengths)).toBeUndefined();
  });
});
