import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { patternScores } from '../../../lab/analysis/attentionPatterns';
import { HEADS_PATTERNS, HEADS_PROBE_TEXT } from '../../../lab/analysis/headsProbe';
import type { TrainingPlan } from '../../../lab/train/run';
import { LabHost } from '../../../lab/worker/host';
import type { Probe, WorkerResponse } from '../../../lab/worker/protocol';
import { readData, WASM_DIR } from './helpers';

/** A small GPT on Shakespeare whose block holds the heads probe text: 2 layers of 2 heads, 200 steps. */
const SMALL_GPT: TrainingPlan = {
  model: { kind: 'gpt', config: { blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: false, tieWeights: true, seed: 5 } },
  steps: 200,
  batchSize: 4,
  learningRate: 3e-3,
  weightDecay: 0.01,
  beta2: 0.99,
  evalEvery: 0,
  seed: 9,
};

/** What the heads timeline watches: every block's weights on the probe text, and their pattern scores. */
const PROBES: Record<string, Probe> = Object.fromEntries(
  [0, 1].flatMap((i) => [
    [`w${i}`, { key: `block${i}.attn.weights`, as: 'raw', index: [0] }],
    [`p${i}`, { key: `block${i}.attn.weights`, as: 'patterns', patterns: [...HEADS_PATTERNS], index: [0] }],
  ]),
);

describe('watching the heads while a GPT trains', () => {
  it.each([20])('every %i steps for 200 steps gives 200 / N snapshots of every block, leaves the tensor count flat and does not change the losses', async (every) => {
    const messages: WorkerResponse[] = [];
    const tensors: number[] = [];
    const host = new LabHost({
      post: (m) => {
        messages.push(m);
        if (m.type === 'snapshot') tensors.push(tf.memory().numTensors);
      },
      reader: () => readData,
      bytes: () => () => Promise.reject(new Error('no checkpoint is read here')),
      wasmDirectory: () => WASM_DIR,
    });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm' });
    const job = { kind: 'plan', dataset: 'tinyshakespeare', plan: SMALL_GPT } as const;
    await host.receive({ type: 'watch', jobId: 1, requestId: 3, every, input: { text: HEADS_PROBE_TEXT }, probes: PROBES });
    await host.receive({ type: 'start', jobId: 1, job });
    await host.receive({ type: 'start', jobId: 2, job }); // the same run, unwatched
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    const snaps = messages.filter((m): m is Extract<WorkerResponse, { type: 'snapshot' }> => m.type === 'snapshot');
    expect(snaps).toHaveLength(200 / every);
    expect(snaps.map((s) => s.step)).toEqual(Array.from({ length: 200 / every }, (_, i) => (i + 1) * every));
    expect(new Set(tensors).size).toBe(1);
    const T = [...HEADS_PROBE_TEXT].length;
    for (const snap of snaps) {
      for (const i of [0, 1]) {
        expect(snap.arrays[`w${i}`]!.shape).toEqual([2, T, T]);
        expect(snap.arrays[`p${i}`]!.shape).toEqual([2, HEADS_PATTERNS.length]);
        expect(Array.from(snap.arrays[`p${i}`]!.data)).toEqual(Array.from(patternScores(snap.arrays[`w${i}`]!.data, T, snap.text!.tokens.map((c) => vocabIndex(messages, c)), HEADS_PATTERNS)));
      }
    }
    // The heads change as the model trains: the first and the last frames differ.
    expect(Array.from(snaps[0]!.arrays.w0!.data)).not.toEqual(Array.from(snaps.at(-1)!.arrays.w0!.data));
    const losses = (jobId: number) => messages.flatMap((m) => (m.type === 'progress' && m.jobId === jobId ? m.points : [])).map((p) => `${p.series}@${p.step}=${p.loss}`);
    expect(losses(1)).toHaveLength(204); // 200 batches, train and dev at steps 0 and 200
    expect(losses(1)).toEqual(losses(2));
  });
});

/** The id of character `c` in the vocabulary of the model the host built (its `model` message). */
function vocabIndex(messages: WorkerResponse[], c: string): number {
  const model = messages.find((m): m is Extract<WorkerResponse, { type: 'model' }> => m.type === 'model')!;
  return model.info.vocab.indexOf(c);
}
