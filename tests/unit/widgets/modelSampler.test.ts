import { describe, expect, it } from 'vitest';
import { MODEL_SAMPLER_SCHEMA, type ModelSamplerValues, poemLines, readPrompt, drawRequest } from '../../../src/widgets/modelSamplerSchema';
import { defaults } from '../../../src/widgets/urlState';

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
