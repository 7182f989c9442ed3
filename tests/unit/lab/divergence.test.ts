import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../../lab/models/model';
import type { BatchSource } from '../../../lab/train/batches';
import { SmoothedLoss } from '../../../lab/train/smoothing';
import { DivergedError, Trainer } from '../../../lab/train/trainer';
import { LabHost } from '../../../lab/worker/host';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { readData, useBackend, WASM_DIR } from './helpers';

beforeAll(() => useBackend('cpu'));

/**
 * A model whose loss at step i is `losses[i]` (plus 0 · w, so that the optimizer has a gradient
 * to apply): the trainer sees exactly the curve a test writes.
 */
function scripted(losses: number[]): LanguageModel {
  const w = tf.variable(tf.scalar(0));
  let calls = 0;
  return {
    name: 'scripted',
    vocabSize: 2,
    blockSize: 1,
    forward: (idx) => {
      const loss = tf.tidy(() => w.mul(0).add(losses[Math.min(calls, losses.length - 1)]!) as tf.Scalar); // scalar
      calls += 1;
      return { logits: tf.zeros([idx.shape[0], idx.shape[1], 2]) as tf.Tensor3D, loss };
    },
    trainableVariables: () => [w],
    namedVariables: () => [['w', w]],
    dispose: () => w.dispose(),
  };
}

const batches: BatchSource = {
  next: () => ({ x: tf.zeros([1, 1], 'int32') as tf.Tensor2D, y: tf.zeros([1, 1], 'int32') as tf.Tensor2D }),
  skip: () => {},
  dispose: () => {},
};

/** Runs a trainer over a scripted curve; returns what it threw and the losses it reported. */
async function runScripted(losses: number[]) {
  const model = scripted(losses);
  const optimizer = tf.train.sgd(0.1);
  const seen: number[] = [];
  const before = tf.memory().numTensors;
  const trainer = new Trainer({ model, optimizer, batches, steps: losses.length, evalEvery: 0, callbacks: { onStep: (_, loss) => seen.push(loss) } });
  const outcome = await trainer.run().catch((err: unknown) => err);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  optimizer.dispose();
  return { outcome, seen, leaked };
}

describe('the divergence rule', () => {
  it('ends a run whose loss becomes NaN, keeping the last finite loss', async () => {
    const { outcome, seen, leaked } = await runScripted([3, 2.9, 2.8, 2.7, 2.6, NaN, 2.5]);
    expect(outcome).toBeInstanceOf(DivergedError);
    const error = outcome as DivergedError;
    expect(error.step).toBe(6);
    expect(error.grew).toBe(false);
    expect(error.lastGood).toEqual({ step: 5, loss: expect.closeTo(2.6, 6) as number });
    expect(error.message).toBe('the loss became NaN or infinite at step 6: the learning rate is probably too high');
    expect(seen).toHaveLength(5); // the NaN never reaches the curve
    expect(leaked).toBe(0);
  });

  it('ends a run whose smoothed loss grows past 4 times its lowest, after the first 20 steps', async () => {
    const curve = [...Array.from({ length: 25 }, () => 3), ...Array.from({ length: 30 }, (_, i) => 3 * 1.3 ** (i + 1))];
    // The rule's own arithmetic, done here: the first step whose smoothed loss passes 4 x its lowest.
    const smoothed = new SmoothedLoss(0.9);
    const expected = curve.findIndex((loss, i) => smoothed.add(loss) > 4 * smoothed.lowest && i >= 20) + 1;
    const { outcome, seen } = await runScripted(curve);
    expect(outcome).toBeInstanceOf(DivergedError);
    const error = outcome as DivergedError;
    expect(error.grew).toBe(true);
    expect(error.step).toBe(expected);
    expect(expected).toBeGreaterThan(30);
    expect(error.lastGood).toEqual({ step: expected - 1, loss: expect.closeTo(curve[expected - 2]!, 4) as number });
    expect(error.message).toMatch(/grew past 4 times its lowest at step \d+: the learning rate/);
    expect(seen).toHaveLength(expected); // the step past the bound is on the curve, as the loss went
  });

  it('lets a falling curve from a high start, a brief spike and a blow-up within the first 20 steps run on', async () => {
    const falling = Array.from({ length: 60 }, (_, i) => 3 + 25 * Math.exp(-i / 3));
    falling[40] = 30; // one bad batch
    expect((await runScripted(falling)).outcome).toMatchObject({ steps: 60, stopped: false });
    const early = [3, 3, 30, 50, 3, ...Array.from({ length: 30 }, () => 3)];
    expect((await runScripted(early)).outcome).toMatchObject({ steps: 35 });
  });

  it('smooths with bias correction: the first value is the first loss', () => {
    const s = new SmoothedLoss();
    expect(s.add(5)).toBe(5);
    expect(s.add(3)).toBeCloseTo((0.9 * 0.1 * 5 + 0.1 * 3) / (1 - 0.81), 12);
    expect(s.lowest).toBeCloseTo(s.value, 12);
  });
});

describe('a diverged job in the worker', () => {
  it('posts a `diverged` error with the last good step and its loss, as the curve has it', async () => {
    const messages: WorkerResponse[] = [];
    const host = new LabHost({ post: (m) => messages.push(m), reader: () => readData, wasmDirectory: () => WASM_DIR });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'cpu' });
    const plan = {
      model: { kind: 'mlp', config: { blockSize: 3, embedDim: 4, hiddenDim: 16, norm: 'none', seed: 1 } },
      steps: 300,
      batchSize: 8,
      learningRate: 1e30, // far past any sane rate: the loss explodes, then is NaN or infinite
      weightDecay: 0,
      beta2: 0.99,
      evalEvery: 0,
      seed: 2,
    } as const;
    await host.receive({ type: 'start', jobId: 1, job: { kind: 'plan', dataset: 'names', plan } });
    const error = messages.find((m): m is Extract<WorkerResponse, { type: 'error' }> => m.type === 'error');
    expect(error).toMatchObject({ jobId: 1, code: 'diverged' });
    expect(error!.message).toMatch(/learning rate is probably too high/);
    const curve = messages.flatMap((m) => (m.type === 'progress' ? m.points : []));
    const lastGood = error!.lastGood!;
    expect(Number.isFinite(lastGood.loss)).toBe(true);
    expect(curve.find((p) => p.step === lastGood.step && p.series === 'batch')?.loss).toBe(lastGood.loss);
    expect(messages.some((m) => m.type === 'state' && m.state === 'done')).toBe(false);
  });
});
