import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../lab/data/datasets';
import { CountHost } from '../../../lab/worker/countHost';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { readData } from './helpers';

/** A counting host whose messages are collected, as a widget would receive them. */
function makeHost() {
  const messages: WorkerResponse[] = [];
  const host = new CountHost({ post: (m) => messages.push(m), reader: () => readData });
  return { host, messages, of: <T extends WorkerResponse['type']>(type: T) => messages.filter((m): m is Extract<WorkerResponse, { type: T }> => m.type === type) };
}

describe('CountHost (the counting worker, run in Node)', () => {
  it('is ready at once on the cpu, with nothing probed', async () => {
    const { host, messages } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    expect(messages).toEqual([{ type: 'ready', backend: 'cpu', probe: [] }]);
  });

  it("counts names' bigram to makemore's NLL, with its heatmap, then samples names from it", async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/' });
    await host.handle({ type: 'start', jobId: 1, job: { kind: 'ngram', dataset: 'names', order: 2, smoothing: 1, heatmapSize: 30 } });
    const { result } = of('ngram')[0]!;
    expect(result.nll.train).toBeCloseTo(2.4545, 3);
    expect(result.nll.dev).toBeCloseTo(2.456, 3);
    expect(result.contexts).toBe(27);
    const heatmap = result.heatmap!;
    expect(heatmap.tokens).toHaveLength(27); // names has fewer than 30 tokens
    expect(heatmap.counts[heatmap.tokens.indexOf('a')]![heatmap.tokens.indexOf('n')]).toBeGreaterThan(4000); // "an" is common
    expect(of('state').map((s) => s.state)).toEqual(['loading', 'done']);
    await host.handle({ type: 'sample', jobId: 1, count: 5, temperature: 1, seed: 9, maxLength: 20 });
    const { texts } = of('sample')[0]!;
    expect(texts).toHaveLength(5);
    expect(texts.every((t) => /^[a-z]*$/.test(t))).toBe(true);
  });

  it('keeps the most frequent Tang characters for the heatmap, with their true totals', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/' });
    await host.handle({ type: 'start', jobId: 1, job: { kind: 'ngram', dataset: 'tang-wujue', order: 2, smoothing: 0, heatmapSize: 30 } });
    const heatmap = of('ngram')[0]!.result.heatmap!;
    // Every token of a wrapped line is followed by one token, so its total is how often it occurs.
    const { tokenizer, splits } = await loadDataset('tang-wujue', readData);
    const occurrences = new Array<number>(tokenizer.vocabSize).fill(0);
    for (const line of splits.train.sequences) for (const id of line) occurrences[id]! += 1;
    occurrences[0] = splits.train.sequences.length; // the boundary opens each line
    const thirtieth = [...occurrences].sort((a, b) => b - a)[29]!;
    expect(heatmap.tokens).toHaveLength(30);
    expect(heatmap.rowTotals).toEqual(heatmap.tokenIds.map((id) => occurrences[id]));
    expect(Math.min(...heatmap.rowTotals)).toBeGreaterThanOrEqual(thirtieth);
    heatmap.counts.forEach((row, r) => expect(row.reduce((s, c) => s + c, 0)).toBeLessThanOrEqual(heatmap.rowTotals[r]!));
  });

  it('answers a training job with an error, and a sample without a model too', async () => {
    const { host, of } = makeHost();
    await host.handle({ type: 'init', baseUrl: '/' });
    await host.handle({ type: 'start', jobId: 4, job: { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: 1, learningRate: 0.1, batchSize: 0, evalEvery: 1 } });
    await host.handle({ type: 'sample', jobId: 4, count: 1, temperature: 1, seed: 1, maxLength: 5 });
    expect(of('error').map((e) => [e.jobId, e.message])).toEqual([
      [4, "a counting worker runs n-gram jobs, not 'train' jobs"],
      [4, 'there is no model to sample from yet'],
    ]);
  });

  it('skips a count still queued when a newer one or a stop arrives, as a dragged slider sends them', async () => {
    const { host, of } = makeHost();
    void host.receive({ type: 'init', baseUrl: '/' });
    for (const [jobId, order] of [[1, 1], [2, 2], [3, 3]]) void host.receive({ type: 'start', jobId: jobId!, job: { kind: 'ngram', dataset: 'names', order: order!, smoothing: 1 } });
    void host.receive({ type: 'start', jobId: 4, job: { kind: 'ngram', dataset: 'names', order: 2, smoothing: 1 } });
    void host.receive({ type: 'stop', jobId: 4 });
    void host.receive({ type: 'start', jobId: 5, job: { kind: 'ngram', dataset: 'names', order: 3, smoothing: 1 } });
    await host.idle();
    expect(of('ngram').map((m) => [m.jobId, m.result.order])).toEqual([[5, 3]]);
    expect(of('state').filter((s) => s.state === 'stopped').map((s) => s.jobId)).toEqual([1, 2, 3, 4]);
  });

  it('reports a data set that does not load, and loads it on a retry', async () => {
    const messages: WorkerResponse[] = [];
    let failures = 1;
    const host = new CountHost({
      post: (m) => messages.push(m),
      reader: () => async (file) => {
        if (failures-- > 0) throw new Error(`could not load ${file} (HTTP 503)`);
        return readData(file);
      },
    });
    await host.handle({ type: 'init', baseUrl: '/' });
    const job = { kind: 'ngram', dataset: 'names', order: 1, smoothing: 1 } as const;
    await host.handle({ type: 'start', jobId: 1, job });
    await host.handle({ type: 'start', jobId: 2, job });
    expect(messages.filter((m) => m.type === 'error')).toEqual([{ type: 'error', jobId: 1, message: 'could not load names.txt (HTTP 503)' }]);
    expect(messages.filter((m) => m.type === 'ngram').map((m) => m.jobId)).toEqual([2]);
  });
});
