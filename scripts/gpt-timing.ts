/**
 * Measures the GPT slowdown of src/widgets/planCost.ts (`GPT_SLOWDOWN`): how many times fewer
 * floating-point operations per second (as lab/models/footprint.ts counts them) a GPT's training
 * step runs than the MLP the pages' backend probe times (PROBE_WORKLOAD), in Node on wasm. Each
 * model trains a few dozen steps of its recipe's plan; the rate is taken between steps, after a
 * few to warm up, so that neither the first kernels' compilation nor an evaluation counts.
 *
 *   nice -n 10 npx tsx scripts/gpt-timing.ts
 */
import { PROBE_WORKLOAD } from '../lab/backend/names';
import { loadLocalDataset, useNodeBackend } from '../lab/cli/environment';
import type { DatasetId } from '../lab/data/datasets';
import { gptFootprint, mlpFootprint } from '../lab/models/footprint';
import { recipe } from '../lab/train/recipes';
import { sequenceLength, startTraining, type TrainingPlan } from '../lab/train/run';

/** Steps timed per model, after {@link WARMUP} untimed ones. */
const STEPS = 30;
const WARMUP = 5;

await useNodeBackend('wasm');

/** Seconds per step of `plan` on `dataset`, steps WARMUP to WARMUP + STEPS. */
async function secondsPerStep(dataset: DatasetId, plan: TrainingPlan): Promise<{ seconds: number; length: number; vocabSize: number }> {
  const data = await loadLocalDataset(dataset);
  const short = { ...plan, steps: WARMUP + STEPS, evalEvery: 100_000 };
  const times: number[] = [];
  const run = startTraining(data, short, { onStep: () => void times.push(performance.now()) });
  await run.done;
  run.model.dispose();
  return { seconds: (times[WARMUP + STEPS - 1]! - times[WARMUP - 1]!) / 1000 / STEPS, length: plan.sequenceLength ?? sequenceLength(data, plan.model), vocabSize: data.tokenizer.vocabSize };
}

// The probe's MLP, trained on names as scripts/explode-preset.ts --timing does: the rate planCost
// scales. Timed again right before each GPT, so that a machine whose load changes (a shared one)
// compares the two at the same moment.
const { model: probeModel, batch: probeBatch } = PROBE_WORKLOAD;
const mlpPlan: TrainingPlan = { ...recipe('names-mlp-lecture').plan, batchSize: probeBatch.batchSize, model: { kind: 'mlp', config: { blockSize: probeModel.blockSize, embedDim: probeModel.embedDim, hiddenDim: probeModel.hiddenDim, norm: probeModel.norm, seed: 1 } } };
if (mlpPlan.model.kind !== 'mlp') throw new Error('unexpected plan');
const mlpConfig = mlpPlan.model.config;
async function mlpRate(): Promise<number> {
  const mlp = await secondsPerStep('names', mlpPlan);
  return mlpFootprint(mlpConfig, mlp.vocabSize, mlpPlan.batchSize, mlp.length).flopsPerStep / mlp.seconds;
}

const rows = [];
for (const id of ['copy-attention', 'tinyshakespeare-gpt-chapter', 'tang-wujue-gpt', 'tinyshakespeare-gpt']) {
  const r = recipe(id);
  if (r.plan.model.kind !== 'gpt') throw new Error(`${id} is not a GPT`);
  const probe = await mlpRate();
  const timed = await secondsPerStep(r.dataset, r.plan);
  const flops = gptFootprint(r.plan.model.config, timed.vocabSize, r.plan.batchSize, timed.length).flopsPerStep;
  rows.push({ id, secondsPerStep: timed.seconds, flopsPerSecond: flops / timed.seconds, mlpFlopsPerSecond: probe, slowdown: probe / (flops / timed.seconds) });
}
console.log(JSON.stringify(rows, null, 1));
