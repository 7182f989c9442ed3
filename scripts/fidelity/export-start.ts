/**
 * Writes what a fidelity check against nanoGPT's PyTorch code needs (see README.md here):
 * the initial weights of a recipe's GPT for a seed, the first N batches its training draws, and
 * the batch loss, global gradient norm and learning rate of each of those N steps, run by our
 * own Trainer exactly as `startTraining` sets it up (same schedule as the full run).
 *
 *   npx tsx scripts/fidelity/export-start.ts [--recipe tinyshakespeare-gpt] [--seed 1337]
 *     [--steps 20] [--backend wasm] [--gelu tanh|exact] [--out /tmp/fidelity] [--eval] [--grads]
 *
 * With --eval it also measures the full validation loss after the last step (as the trainer's
 * evaluation does); with --steps 2000 that is a whole run of the recipe. With --grads it first
 * writes the gradients of the first batch at the initial weights (`grads-<tag>.bin`, float32, in
 * the JSON's order).
 *
 * Output in --out: `<tag>.json` (names, shapes, per-step figures) and `<tag>.bin` (float32
 * weights in the JSON's order, then int32 x and y of every batch), tag = `<recipe>-s<seed>-<gelu>-<backend>`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadLocalDataset, useNodeBackend } from '../../lab/cli/environment';
import { createModel } from '../../lab/models/registry';
import { type BatchSource, sequenceBatches } from '../../lab/train/batches';
import { AdamW } from '../../lab/train/optim';
import { RECIPES } from '../../lab/train/recipes';
import { scheduleOf, sequenceLength, splitLoss, type TrainingPlan } from '../../lab/train/run';
import { Trainer } from '../../lab/train/trainer';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const recipeId = option('recipe', 'tinyshakespeare-gpt');
  const seed = Number(option('seed', '1337'));
  const steps = Number(option('steps', '20'));
  const backend = await useNodeBackend(option('backend', 'wasm'));
  const gelu = option('gelu', 'tanh');
  const outDir = option('out', '/tmp/fidelity');
  const recipe = RECIPES.find((r) => r.id === recipeId);
  if (!recipe || recipe.plan.model.kind !== 'gpt') throw new Error(`no GPT recipe called ${recipeId}`);
  const model0 = recipe.plan.model;
  const plan: TrainingPlan = { ...recipe.plan, seed, model: { kind: 'gpt', config: { ...model0.config, seed, gelu } } as TrainingPlan['model'] };
  const dataset = await loadLocalDataset(recipe.dataset);
  const length = sequenceLength(dataset, plan.model);
  const model = createModel(plan.model, dataset.tokenizer.vocabSize);
  const named = model.namedVariables();
  const weights = await Promise.all(named.map(async ([name, v]) => ({ name, shape: v.shape, data: (await v.data()) as Float32Array })));
  // The batches startTraining would draw, recorded as they are handed to the trainer.
  const source = sequenceBatches(dataset.splits.train, length, plan.batchSize, plan.seed);
  const xs: Int32Array[] = [];
  const ys: Int32Array[] = [];
  const batches: BatchSource = {
    next: () => {
      const b = source.next();
      xs.push(b.x.dataSync() as Int32Array);
      ys.push(b.y.dataSync() as Int32Array);
      return b;
    },
    skip: (n) => source.skip(n),
    dispose: () => source.dispose(),
  };
  if (process.argv.includes('--grads')) {
    // The gradients of the first batch's loss at the initial weights, per variable, before any step.
    const first = sequenceBatches(dataset.splits.train, length, plan.batchSize, plan.seed).next();
    const { value, grads } = tf.variableGrads(() => model.forward(first.x, first.y, { training: true }).loss!, model.trainableVariables());
    const list = named.map(([, v]) => grads[v.name]!.dataSync() as Float32Array);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(`${outDir}/grads-s${seed}-${gelu}-${backend}.bin`, Buffer.concat(list.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
    process.stderr.write(`step-0 loss ${value.dataSync()[0]}: gradients written\n`);
    tf.dispose([first.x, first.y, value, ...Object.values(grads)]);
  }
  const optimizer = new AdamW({ learningRate: plan.learningRate, beta2: plan.beta2, weightDecay: plan.weightDecay });
  const records: { step: number; loss: number; gradNorm?: number; learningRate?: number; ms: number }[] = [];
  let last = performance.now();
  const trainer = new Trainer({
    model,
    optimizer,
    batches,
    steps,
    evalEvery: 0,
    schedule: scheduleOf(plan), // the full plan's schedule: decay to the plan's last step
    clipNorm: plan.clipNorm,
    callbacks: {
      onStep: (step, loss, info) => {
        const now = performance.now();
        records.push({ step, loss, gradNorm: info.gradNorm, learningRate: info.learningRate, ms: now - last });
        last = now;
        if (step <= 20 || step % 100 === 0) process.stderr.write(`step ${step} loss ${loss.toFixed(6)} norm ${info.gradNorm?.toFixed(6)} lr ${info.learningRate}\n`);
      },
    },
  });
  const started = performance.now();
  await trainer.run();
  const trainSeconds = (performance.now() - started) / 1000;
  const val = process.argv.includes('--eval') ? await splitLoss(model, dataset, 'dev', length) : undefined;
  if (val !== undefined) process.stderr.write(`full validation loss ${val.toFixed(4)} after ${steps} steps (${trainSeconds.toFixed(0)} s of training)\n`);
  const after = await Promise.all(named.map(async ([, v]) => (await v.data()) as Float32Array));
  mkdirSync(outDir, { recursive: true });
  const tag = `${recipeId}-s${seed}-${gelu}-${backend}`;
  const parts: ArrayBufferView[] = [...weights.map((w) => w.data), ...after, ...xs, ...ys];
  writeFileSync(`${outDir}/${tag}.bin`, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  const meta = {
    recipe: recipeId, seed, backend, gelu, steps, batchSize: plan.batchSize, blockSize: length, vocabSize: dataset.tokenizer.vocabSize,
    val, trainSeconds, plan, params: weights.map(({ name, shape }) => ({ name, shape })), records,
    layout: 'float32 initial weights, float32 weights after the steps (same order), int32 x of every batch (steps, B, T), int32 y likewise',
  };
  writeFileSync(`${outDir}/${tag}.json`, JSON.stringify(meta, null, 1));
  model.dispose();
  optimizer.dispose();
  tf.disposeVariables();
  process.stderr.write(`wrote ${outDir}/${tag}.{json,bin}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
