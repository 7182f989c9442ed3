import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contextWindows } from '../../../lab/data/contexts';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { NeuralBigram } from '../../../lab/models/bigram';
import { NGramModel } from '../../../lab/models/ngram';
import { sample } from '../../../lab/sample';
import { windowBatches } from '../../../lab/train/batches';
import { evaluateLoss } from '../../../lab/train/evaluate';
import { DivergedError, Trainer, type TrainerOptions } from '../../../lab/train/trainer';
import { readData, useBackend } from './helpers';

let names: Dataset;

beforeAll(async () => {
  await useBackend('wasm');
  names = await loadDataset('names', readData);
});

/** A neural bigram on names with its trainer, sources and optimizer. */
function setup(options: { steps: number; learningRate?: number; evalEvery?: number; seed?: number; sgd?: boolean }, extra: Partial<TrainerOptions> = {}) {
  const model = new NeuralBigram({ vocabSize: names.tokenizer.vocabSize, seed: options.seed ?? 1 });
  const windows = contextWindows(names.splits.train, 1);
  const batches = windowBatches(windows, 4096, options.seed ?? 1);
  const full = { train: windowBatches(windows, 0, 0), dev: windowBatches(contextWindows(names.splits.dev, 1), 0, 0) };
  const optimizer = options.sgd ? tf.train.sgd(options.learningRate ?? 1) : tf.train.adam(options.learningRate ?? 0.1);
  const trainer = new Trainer({
    model,
    optimizer,
    batches,
    steps: options.steps,
    evalEvery: options.evalEvery ?? 0,
    evaluate: async () => ({ train: await evaluateLoss(model, full.train), dev: await evaluateLoss(model, full.dev) }),
    ...extra,
  });
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
    batches.dispose();
    full.train.dispose();
    full.dev.dispose();
  };
  return { model, optimizer, batches, full, trainer, dispose };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('neural bigram', () => {
  it('reaches the count bigram NLL within 0.01 on train and dev (makemore lecture 1)', async () => {
    const counts = new NGramModel(names.tokenizer.vocabSize, { order: 2, smoothing: 1 }).fit(names.splits.train);
    const target = { train: counts.nll(names.splits.train), dev: counts.nll(names.splits.dev) };
    expect(target.train).toBeGreaterThan(2.44);
    expect(target.train).toBeLessThan(2.48);
    const { trainer, dispose } = setup({ steps: 300, evalEvery: 100 });
    const summary = await trainer.run();
    dispose();
    expect(summary.steps).toBe(300);
    expect(Math.abs(summary.lastEval!.train! - target.train)).toBeLessThan(0.01);
    expect(Math.abs(summary.lastEval!.dev! - target.dev)).toBeLessThan(0.01);
  });

  it('leaves tf.memory().numTensors unchanged over 200 training steps', async () => {
    const { model, optimizer, dispose } = setup({ steps: 0 });
    const batches = windowBatches(contextWindows(names.splits.train, 1), 512, 2);
    const train = (steps: number) => new Trainer({ model, optimizer, batches, steps, evalEvery: 0 }).run();
    await train(1); // the first step creates Adam's moment variables, which live on
    const before = tf.memory().numTensors;
    await train(200);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('gives the same losses for the same seed, other losses for another seed', async () => {
    const losses = async (seed: number) => {
      const out: number[] = [];
      const { model, optimizer, batches, dispose } = setup({ steps: 0, seed });
      await new Trainer({ model, optimizer, batches, steps: 5, evalEvery: 0, callbacks: { onStep: (_, loss) => out.push(loss) } }).run();
      dispose();
      return out;
    };
    const a = await losses(7);
    expect(a).toHaveLength(5);
    expect(await losses(7)).toEqual(a);
    expect(await losses(8)).not.toEqual(a);
  });

  it('stops with a clear error when the loss diverges', async () => {
    const { trainer, dispose } = setup({ steps: 50, learningRate: 1e38, sgd: true });
    const outcome = await trainer.run().catch((err: unknown) => err);
    dispose();
    expect(outcome).toBeInstanceOf(DivergedError);
    expect((outcome as DivergedError).message).toMatch(/learning rate/);
  });

  it('pauses, resumes and stops between steps', async () => {
    const { trainer, dispose } = setup({ steps: 10_000 });
    const running = trainer.run();
    trainer.pause();
    expect(trainer.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    trainer.resume();
    await new Promise((r) => setTimeout(r, 30));
    trainer.stop();
    const summary = await running;
    dispose();
    expect(summary.stopped).toBe(true);
    expect(summary.steps).toBeGreaterThan(0);
    expect(summary.steps).toBeLessThan(10_000);
  });
});

describe('trainer lifecycle', () => {
  /** A trainer on a model whose optimizer already made its moments, so tensor counts are flat. */
  async function warmed(options: { steps: number; evalEvery?: number }, extra: Partial<TrainerOptions> = {}) {
    const parts = setup(options, extra);
    await new Trainer({ model: parts.model, optimizer: parts.optimizer, batches: parts.batches, steps: 1, evalEvery: 0 }).run();
    return { ...parts, tensors: tf.memory().numTensors };
  }

  it('a stop during a slow evaluation abandons it: no final evaluation, no onEval, no leak', async () => {
    let evaluations = 0;
    let batchesOfSecond = 0;
    const evals: number[] = [];
    const parts = await warmed({ steps: 10, evalEvery: 2 });
    const trainer = new Trainer({
      model: parts.model,
      optimizer: parts.optimizer,
      batches: parts.batches,
      steps: 10,
      evalEvery: 2,
      // Twenty batches, 10 ms apart; the stop arrives during the second evaluation (step 2).
      evaluate: async (stopped) => {
        evaluations += 1;
        if (evaluations === 2) setTimeout(() => trainer.stop(), 25);
        let loss = NaN;
        for (let i = 0; i < 20; i++) {
          loss = await evaluateLoss(parts.model, parts.full.dev, 1, stopped);
          if (Number.isNaN(loss)) return undefined;
          if (evaluations === 2) batchesOfSecond += 1;
          await sleep(10);
        }
        return { dev: loss };
      },
      callbacks: { onEval: (step) => evals.push(step) },
    });
    const summary = await trainer.run();
    expect(summary).toMatchObject({ steps: 2, stopped: true, evalAbandoned: true });
    expect(evaluations).toBe(2);
    expect(batchesOfSecond).toBeGreaterThan(0);
    expect(batchesOfSecond).toBeLessThan(20);
    expect(evals).toEqual([0]);
    expect(tf.memory().numTensors).toBe(parts.tensors);
    parts.dispose();
  });

  it('evaluateLoss gives up before the next batch once stopped, and returns NaN', async () => {
    const { model, dispose } = setup({ steps: 0 });
    const source = windowBatches(contextWindows(names.splits.dev, 1), 100, 1);
    let asked = 0;
    const before = tf.memory().numTensors;
    expect(await evaluateLoss(model, source, 10, () => ++asked > 3)).toBeNaN();
    expect(asked).toBe(4);
    expect(await evaluateLoss(model, source, 2, () => false)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('fail() rejects run() at once while an evaluation never settles, and tells a live one to stop', async () => {
    const lost = new Error('WebGL context lost');
    const hung = setup({ steps: 10 }, { evaluate: () => new Promise(() => {}) });
    const running = hung.trainer.run();
    setTimeout(() => hung.trainer.fail(lost), 10);
    await expect(running).rejects.toBe(lost);
    hung.dispose();
    let gaveUp: () => void = () => {};
    const evaluate = async (stopped: () => boolean) => {
      while (!stopped()) await sleep(5);
      gaveUp();
      return undefined;
    };
    const polling = setup({ steps: 10 }, { evaluate });
    const evaluationEnded = new Promise<void>((resolve) => (gaveUp = resolve));
    const rejected = expect(polling.trainer.run()).rejects.toBe(lost);
    polling.trainer.fail(lost);
    await rejected;
    await evaluationEnded;
    polling.dispose();
  });

  it('fail() rejects run() at once while a readback never settles, and frees the step', async () => {
    const parts = await warmed({ steps: 10 });
    const hang = vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(() => new Promise(() => {}));
    try {
      const trainer = new Trainer({ model: parts.model, optimizer: parts.optimizer, batches: parts.batches, steps: 10, evalEvery: 0 });
      const running = trainer.run();
      const lost = new Error('WebGL context lost');
      setTimeout(() => trainer.fail(lost), 10);
      await expect(running).rejects.toBe(lost);
    } finally {
      hang.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(parts.tensors);
    parts.dispose();
  });

  it('fail() rejects a paused run, and a run that has not started yet', async () => {
    const paused = setup({ steps: 10 });
    const running = paused.trainer.run();
    paused.trainer.pause();
    await sleep(20);
    const error = new Error('gone');
    paused.trainer.fail(error);
    await expect(running).rejects.toBe(error);
    paused.dispose();
    const early = setup({ steps: 10 });
    early.trainer.fail(error);
    await expect(early.trainer.run()).rejects.toBe(error);
    early.dispose();
  });

  it('awaits between() once per step, after its evaluation, outside elapsedMs, without changing the losses', async () => {
    const run = async (hook: boolean) => {
      const events: string[] = [];
      const losses: number[] = [];
      const between = async (step: number) => {
        events.push(`between ${step}`);
        await sleep(100);
      };
      const { trainer, dispose } = setup(
        { steps: 5, evalEvery: 2 },
        {
          between: hook ? between : undefined,
          evaluate: async () => ({ dev: 0 }),
          callbacks: { onStep: (step, loss) => (losses.push(loss), events.push(`step ${step}`)), onEval: (step) => events.push(`eval ${step}`) },
        },
      );
      const summary = await trainer.run();
      dispose();
      return { events, losses, summary };
    };
    const plain = await run(false);
    const hooked = await run(true);
    expect(hooked.events).toEqual(['eval 0', 'step 1', 'between 1', 'step 2', 'eval 2', 'between 2', 'step 3', 'between 3', 'step 4', 'eval 4', 'between 4', 'step 5', 'eval 5', 'between 5']);
    expect(hooked.losses).toEqual(plain.losses);
    expect(hooked.summary.elapsedMs).toBeLessThan(500); // the hook alone slept 500 ms
  });
});

describe('sampler', () => {
  it('draws the same names from the same seed and stops at the boundary', () => {
    const counts = new NGramModel(names.tokenizer.vocabSize, { order: 3, smoothing: 0.1 }).fit(names.splits.train);
    const draw = (seed: number) => sample(counts, { count: 8, maxLength: 30, temperature: 1, seed, stopAtBoundary: true }).map((s) => names.tokenizer.decode(s));
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(draw(4)).not.toEqual(a);
    expect(a.every((n) => /^[a-z]+$/.test(n) && n.length <= 30)).toBe(true);
  });

  it('is greedy at temperature 0', () => {
    const counts = new NGramModel(names.tokenizer.vocabSize, { order: 2, smoothing: 1 }).fit(names.splits.train);
    const greedy = sample(counts, { count: 3, maxLength: 10, temperature: 0, seed: 1, stopAtBoundary: true });
    expect(greedy[0]).toEqual(greedy[1]);
    expect(names.tokenizer.decode(greedy[0]!).startsWith('a')).toBe(true); // 'a' starts most names
  });
});
