import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextWindows } from '../../../lab/data/contexts';
import { type Dataset, loadDataset } from '../../../lab/data/datasets';
import { NeuralBigram } from '../../../lab/models/bigram';
import { NGramModel } from '../../../lab/models/ngram';
import { sample } from '../../../lab/sample';
import { windowBatches } from '../../../lab/train/batches';
import { evaluateLoss } from '../../../lab/train/evaluate';
import { DivergedError, Trainer } from '../../../lab/train/trainer';
import { readData, useBackend } from './helpers';

let names: Dataset;

beforeAll(async () => {
  await useBackend('wasm');
  names = await loadDataset('names', readData);
});

/** A neural bigram on names with its trainer, sources and optimizer. */
function setup(options: { steps: number; learningRate?: number; evalEvery?: number; seed?: number; sgd?: boolean }) {
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
  });
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
    batches.dispose();
    full.train.dispose();
    full.dev.dispose();
  };
  return { model, optimizer, batches, trainer, dispose };
}

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
