import { describe, expect, it } from 'vitest';
import type { DatasetId } from '../../../lab/data/datasets';
import { CountHost } from '../../../lab/worker/countHost';
import type { NGramJob, WorkerResponse } from '../../../lab/worker/protocol';
import { SAMPLER_SCHEMA, sampleRequest, samplerJob } from '../../../src/widgets/samplerSchema';
import { defaults } from '../../../src/widgets/urlState';
import { readData } from '../lab/helpers';

/** The order the sampler shows first. */
const ORDER = SAMPLER_SCHEMA.n.default;
/** The model the sampler drew from before: add-0.1 at the same order. */
const addTenth = (dataset: DatasetId): NGramJob => ({ kind: 'ngram', dataset, order: ORDER, smoothing: 0.1 });
const unigram = (dataset: DatasetId): NGramJob => ({ kind: 'ngram', dataset, order: 1, smoothing: 1 });

/**
 * Fits `job` in a counting host, as the sampler's worker does, and draws 40 samples for each
 * seed at the sampler's default temperature and length.
 */
async function fitAndDraw(job: NGramJob, seeds = [1, 2, 3]): Promise<{ dev: number; texts: string[] }> {
  const messages: WorkerResponse[] = [];
  const host = new CountHost({ post: (m) => messages.push(m), reader: () => readData });
  await host.handle({ type: 'init', baseUrl: '/' });
  await host.handle({ type: 'start', jobId: 1, job });
  const texts: string[] = [];
  for (const seed of seeds) {
    await host.handle(sampleRequest(1, { ...defaults(SAMPLER_SCHEMA), data: job.dataset, seed, count: 40 }));
  }
  for (const m of messages) {
    if (m.type === 'error') throw new Error(m.message);
    if (m.type === 'sample') texts.push(...m.texts);
  }
  const result = messages.find((m) => m.type === 'ngram')!.result;
  return { dev: result.nll.dev, texts };
}

const share = (items: readonly unknown[], keep: (item: never) => boolean) => items.filter((x) => keep(x as never)).length / items.length;

describe("the sampler's n-gram, on the real data sets", () => {
  it('beats the unigram on the Tang quatrains, where add-0.1 did worse than it', async () => {
    const sampler = await fitAndDraw(samplerJob('tang-wujue', ORDER));
    const uni = await fitAndDraw(unigram('tang-wujue'), []);
    const before = await fitAndDraw(addTenth('tang-wujue'), [1]);
    expect(sampler.dev).toBeLessThan(uni.dev - 0.5);
    expect(before.dev).toBeGreaterThan(uni.dev);

    // A poem is 5-character clauses, each closed by "，" or "。", and ends on "。": about one
    // character in six is punctuation. Near-uniform draws (add-0.1's) almost never end or punctuate.
    const maxLength = sampleRequest(1, { ...defaults(SAMPLER_SCHEMA), data: 'tang-wujue' }).maxLength;
    const ended = (t: string) => t.length < maxLength;
    const punctuation = (texts: string[]) => share(Array.from(texts.join('')), (c: string) => c === '，' || c === '。');
    expect(share(sampler.texts, ended)).toBeGreaterThan(0.7);
    expect(share(sampler.texts, (t: string) => ended(t) && t.endsWith('。'))).toBeGreaterThan(0.5);
    expect(punctuation(sampler.texts)).toBeGreaterThan(0.1);
    expect(punctuation(sampler.texts)).toBeLessThan(0.25);
    expect(share(before.texts, ended)).toBeLessThan(0.1);
    expect(sampler.texts.every((t) => /^[\p{Script=Han}，。]*$/u.test(t))).toBe(true);
  });

  it('samples names and Shakespeare at least as well as add-0.1 did', async () => {
    const names = new Set((await readData('names.txt')).split('\n'));
    const words = new Set((await readData('tinyshakespeare.txt')).split(/\s+/));
    const realNames = (texts: string[]) => share(texts, (t: string) => names.has(t));
    const realWords = (texts: string[]) => share(texts.flatMap((t) => t.split(/\s+/).filter(Boolean)), (w: string) => words.has(w));
    for (const [dataset, real] of [['names', realNames], ['tinyshakespeare', realWords]] as const) {
      const sampler = await fitAndDraw(samplerJob(dataset, ORDER));
      const before = await fitAndDraw(addTenth(dataset));
      expect(sampler.dev, dataset).toBeLessThan(before.dev + 0.005);
      expect(real(sampler.texts), dataset).toBeGreaterThan(real(before.texts) - 0.05);
      expect(real(sampler.texts), dataset).toBeGreaterThan(0.15); // a fifth of names, a third of words
      if (dataset === 'names') expect(sampler.texts.every((t) => /^[a-z]*$/.test(t))).toBe(true);
    }
  });
});
