/**
 * Measures chapter 4's `explode` preset (src/widgets/recurrentPresets.ts): the plan the page's
 * recurrent trainer runs for it, trained in Node on wasm once without clipping and once with
 * clipping at the recipe's norm. Prints per run how it ended (diverged at which step, after which
 * last good loss; or its final train and dev loss), its lowest smoothed batch loss and, with
 * clipping, the largest gradient norm it clipped; the figures of docs/RECURRENT-FIGURES.md,
 * "Exploding gradients".
 *
 *   nice -n 10 npx tsx scripts/explode-preset.ts
 *   nice -n 10 npx tsx scripts/explode-preset.ts --scale 6 --lr 0.05 --steps 500 --seed 1   # another candidate
 *   nice -n 10 npx tsx scripts/explode-preset.ts --timing   # the recurrent slowdown of planCost.ts
 */
import { parseArgs } from 'node:util';
import { PROBE_WORKLOAD } from '../lab/backend/names';
import { loadLocalDataset, useNodeBackend } from '../lab/cli/environment';
import { mlpFootprint, recurrentFootprint } from '../lab/models/footprint';
import { recipe } from '../lab/train/recipes';
import { startTraining, type TrainingPlan } from '../lab/train/run';
import { DivergedError } from '../lab/train/trainer';
import { RECURRENT_PRESETS, presetValues } from '../src/widgets/recurrentPresets';
import { recurrentPlan } from '../src/widgets/recurrentSchema';

const { values } = parseArgs({ options: { scale: { type: 'string' }, lr: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, timing: { type: 'boolean' } } });
await useNodeBackend('wasm');
const names = await loadLocalDataset('names');

/** How one run ended. */
interface Outcome {
  clip: string;
  seconds: number;
  diverged?: { step: number; lastGood?: { step: number; loss: number }; grew: boolean };
  final?: { train: number; dev: number };
  /** The highest batch loss after the first fifth of the run (the start's own high loss left out), and the last one. */
  maxLoss: number;
  lastLoss: number;
  /** Steps whose batch loss jumped past 1.5 times the smoothed loss before them (β 0.9): the spikes. */
  spikes: number;
  /** The largest global gradient norm before clipping (clipped runs only). */
  maxGradNorm?: number;
}

async function run(plan: TrainingPlan): Promise<Outcome> {
  let maxLoss = 0;
  let lastLoss = NaN;
  let spikes = 0;
  let smoothed: number | undefined;
  let maxGradNorm: number | undefined;
  const evals: { train: number; dev: number }[] = [];
  const started = performance.now();
  const training = startTraining(names, plan, {
    onStep: (step, loss, info) => {
      if (Number.isFinite(loss) && step > plan.steps / 5) maxLoss = Math.max(maxLoss, loss);
      if (smoothed !== undefined && step > 20 && loss > 1.5 * smoothed) spikes += 1;
      smoothed = smoothed === undefined ? loss : 0.9 * smoothed + 0.1 * loss;
      lastLoss = loss;
      if (info.gradNorm !== undefined) maxGradNorm = Math.max(maxGradNorm ?? 0, info.gradNorm);
    },
    onEval: (_step, losses) => evals.push({ train: losses.train!, dev: losses.dev! }),
  });
  const outcome: Outcome = { clip: plan.clipNorm === undefined ? 'off' : `on (${plan.clipNorm})`, seconds: 0, maxLoss, lastLoss, spikes };
  try {
    await training.done;
    outcome.final = evals.at(-1);
  } catch (err) {
    if (!(err instanceof DivergedError)) throw err;
    outcome.diverged = { step: err.step, ...(err.lastGood ? { lastGood: err.lastGood } : {}), grew: err.grew };
  } finally {
    training.model.dispose();
  }
  return { ...outcome, seconds: (performance.now() - started) / 1000, maxLoss, lastLoss, spikes, ...(maxGradNorm !== undefined ? { maxGradNorm } : {}) };
}

if (values.timing) {
  // Seconds per step of an MLP and an RNN on names, against the arithmetic footprint.ts counts.
  const rate = async (plan: TrainingPlan, flops: number) => {
    const short = { ...plan, steps: 60, evalEvery: 1000 };
    const { seconds } = await run(short);
    return { id: plan.model.kind, secondsPerStep: seconds / short.steps, flopsPerSecond: (flops * short.steps) / seconds };
  };
  // The MLP the pages' backend probe times (PROBE_WORKLOAD), on names: the rate planCost scales.
  const { model: probeModel, batch: probeBatch } = PROBE_WORKLOAD;
  const mlp: TrainingPlan = { ...recipe('names-mlp-lecture').plan, batchSize: probeBatch.batchSize, model: { kind: 'mlp', config: { blockSize: probeModel.blockSize, embedDim: probeModel.embedDim, hiddenDim: probeModel.hiddenDim, norm: probeModel.norm, seed: 1 } } };
  const rnn = recipe('names-rnn-chapter').plan;
  if (mlp.model.kind !== 'mlp' || rnn.model.kind !== 'rnn') throw new Error('unexpected recipes');
  const a = await rate(mlp, mlpFootprint(mlp.model.config, 27, mlp.batchSize, 16).flopsPerStep);
  const b = await rate(rnn, recurrentFootprint('rnn', rnn.model.config, 27, rnn.batchSize, 16).flopsPerStep);
  console.log(JSON.stringify({ mlp: a, rnn: b, slowdown: a.flopsPerSecond / b.flopsPerSecond }));
} else {
  const preset = { ...RECURRENT_PRESETS.explode, ...(values.scale ? { scale: Number(values.scale) } : {}), ...(values.lr ? { lr: Number(values.lr) } : {}), ...(values.steps ? { steps: Number(values.steps) } : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) };
  const plainValues = presetValues(preset);
  for (const clip of ['off', 'on'] as const) {
    const plan = recurrentPlan({ ...plainValues, clip });
    console.log(JSON.stringify({ preset, ...(await run(plan)) }));
  }
}
