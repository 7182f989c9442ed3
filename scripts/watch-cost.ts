/**
 * What watching a run costs: trains makemore's lecture MLP (block 3, 10-dim embeddings, 200 tanh
 * units, no norm; batch 32, AdamW lr 1e-2) on names in Node on wasm, in alternating rounds
 * without and with a watch (the embedding table's projection and a histogram of the hidden layer
 * on 32 dev names every 10 steps, through the worker's own snapshot code), and prints the median
 * milliseconds per step of each and their ratio.
 *
 *   npx tsx scripts/watch-cost.ts [steps per round, default 500] [rounds, default 3]
 */
import * as tf from '@tensorflow/tfjs';
import { loadLocalDataset, useNodeBackend } from '../lab/cli/environment';
import type { Dataset } from '../lab/data/datasets';
import type { TrainingPlan } from '../lab/train/run';
import { startTraining } from '../lab/train/run';
import { inputBatch, type InspectedModel, snapshot } from '../lab/worker/inspect';
import type { Probe } from '../lab/worker/protocol';

const EVERY = 10;
const PROBES: Record<string, Probe> = {
  map: { key: 'embedding', as: 'projection', rows: Array.from({ length: 27 }, (_, i) => i) },
  spread: { key: 'mlp.hidden', as: 'histogram', bins: 40, range: [-1, 1] },
};

/** Milliseconds per step of one round, from the first step's end to the last's (evaluations excluded). */
async function round(dataset: Dataset, plan: TrainingPlan, watched: boolean): Promise<{ msPerStep: number; snapshots: number }> {
  const stepTimes: number[] = [];
  let target: InspectedModel | undefined;
  const bases = new Map<string, Float64Array>();
  let snapshots = 0;
  const run = startTraining(
    dataset,
    plan,
    { onStep: () => stepTimes.push(performance.now()) },
    {
      between: async (step) => {
        if (!watched || !target || step % EVERY !== 0) return;
        const batch = inputBatch(target, { split: 'dev', count: 32 }); // (32, T) each
        await snapshot(target, batch, PROBES, bases);
        tf.dispose([batch.x, batch.y]);
        snapshots++;
      },
    },
  );
  target = { model: run.model, spec: plan.model, plan, vocab: dataset.tokenizer.chars, datasetKind: dataset.info.kind, dataset };
  await run.done;
  run.model.dispose();
  const span = stepTimes.at(-1)! - stepTimes[0]!;
  return { msPerStep: span / (stepTimes.length - 1), snapshots };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 500);
  const rounds = Number(process.argv[3] ?? 3);
  await useNodeBackend('wasm');
  const dataset = await loadLocalDataset('names');
  const plan: TrainingPlan = {
    model: { kind: 'mlp', config: { blockSize: 3, embedDim: 10, hiddenDim: 200, norm: 'none', seed: 42 } },
    steps,
    batchSize: 32,
    learningRate: 1e-2,
    weightDecay: 0.01,
    beta2: 0.99,
    evalEvery: 0,
    seed: 7,
  };
  const plain: number[] = [];
  const watched: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const watch of [false, true]) {
      const { msPerStep, snapshots } = await round(dataset, plan, watch);
      (watch ? watched : plain).push(msPerStep);
      console.error(`round ${r + 1} ${watch ? `watched (${snapshots} snapshots)` : 'plain'}: ${msPerStep.toFixed(2)} ms/step; tensors ${tf.memory().numTensors}`);
    }
  }
  const result = { backend: tf.getBackend(), steps, rounds, every: EVERY, plainMsPerStep: median(plain), watchedMsPerStep: median(watched), ratio: median(watched) / median(plain) };
  console.log(JSON.stringify(result, null, 1));
}

void main();
