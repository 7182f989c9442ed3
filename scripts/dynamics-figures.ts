/**
 * Measures, in Node on the wasm backend, every number chapter 3 ("Training dynamics") quotes about
 * the lecture MLP on names (chapter 2's model: block 3, 10-dim embeddings, 200 tanh units, AdamW,
 * lr 0.01 → 0.001 cosine, batch 32), and writes them to docs/dynamics-figures.json and
 * docs/DYNAMICS.md.
 *
 *   nice -n 10 npx tsx scripts/dynamics-figures.ts                 # every group
 *   nice -n 10 npx tsx scripts/dynamics-figures.ts init fit         # some groups; the others are kept from the JSON
 *   nice -n 10 npx tsx scripts/dynamics-figures.ts --steps 3000     # the page's trainers' 3,000 steps (what docs/ holds)
 *   npx tsx scripts/dynamics-figures.ts --tables                    # only docs/DYNAMICS.md again, from the JSON
 *
 * Groups:
 * - `start`: untrained models only: the step-0 dev loss and saturated shares of configurations the
 *   chapter mentions without training them (chapter 2's PyTorch bounds; 3 layers from Kaiming's scale);
 * - `range`: the learning-rate range test as the page's finder runs it, its suggestion, and a run
 *   at the suggested rate;
 * - `lr`: the default run at a too small and a too large constant peak rate;
 * - `init`: the step-0 loss, the saturated share of the tanh at step 0 and at the end, the
 *   update-to-weight ratio at a few steps, and the final losses, for init pytorch / naive /
 *   kaiming / large;
 * - `norm`: a 3-layer MLP with the large init, without and with LayerNorm;
 * - `fit`: 300 training names, 400 hidden units, 3,000 steps: weight decay 0 and 0.1, dropout 0.2.
 *
 * The saturated share is the hidden-layer view's: |tanh| >= 0.97 over every position of the probe
 * batch (the first 32 dev names). The update-to-weight ratio of a matrix is std(w_t − w_{t−1}) /
 * std(w_t), the `update.` key the layer statistics draw.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadLocalDataset, REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import type { Dataset } from '../lab/data/datasets';
import type { MlpConfig } from '../lab/models/mlp';
import type { LanguageModel } from '../lab/models/model';
import { createModel } from '../lab/models/registry';
import { recipe } from '../lab/train/recipes';
import { sequencePass } from '../lab/train/batches';
import { sequenceLength, splitLoss, startTraining, type TrainingPlan } from '../lab/train/run';
import { DivergedError } from '../lab/train/trainer';

const GROUPS = ['start', 'range', 'lr', 'init', 'norm', 'fit'] as const;
type Group = (typeof GROUPS)[number];

const { positionals, values } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string' }, tables: { type: 'boolean' } } });
const chosen = (positionals.length > 0 ? positionals : GROUPS) as Group[];
for (const g of chosen) if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; groups: ${GROUPS.join(', ')}`);

/** The page's |tanh| threshold (src/widgets/hiddenProbes.ts): the gradient 1 − tanh² below 6 %. */
const SATURATION_THRESHOLD = 0.97;
/** The probe batch every view reads: the first 32 dev names. */
const PROBE_NAMES = 32;

const LECTURE = recipe('names-mlp-lecture').plan;
const STEPS = values.steps ? Number(values.steps) : LECTURE.steps;
/** Evaluations per run, as the trainers space them (src/widgets/mlpSchema.ts, lecturePlanWith). */
const EVALUATIONS = Math.round(LECTURE.steps / LECTURE.evalEvery);
const BASE_MODEL: Omit<MlpConfig, 'vocabSize'> = { ...(LECTURE.model.config as Omit<MlpConfig, 'vocabSize'>), init: 'kaiming' };
/** The dynamics trainer's defaults: chapter 2's lecture plan with Kaiming's initialization, `STEPS` long. */
const BASE: TrainingPlan = planWith({});

/**
 * A plan as the dynamics trainer builds it (src/widgets/dynamicsSchema.ts): the lecture's, the
 * schedule's floor a tenth of the peak rate, about 40 evaluations, the model's options changed.
 */
function planWith(model: Partial<MlpConfig>, plan: Partial<TrainingPlan> = {}): TrainingPlan {
  const steps = plan.steps ?? STEPS;
  const learningRate = plan.learningRate ?? LECTURE.learningRate;
  return {
    ...LECTURE,
    evalEvery: Math.max(1, Math.round(steps / EVALUATIONS)),
    minLearningRate: (learningRate * LECTURE.minLearningRate!) / LECTURE.learningRate,
    ...plan,
    steps,
    learningRate,
    model: { kind: 'mlp', config: { ...BASE_MODEL, ...model } },
  };
}

const backend = await useNodeBackend('wasm');
const names = await loadLocalDataset('names');
const started = performance.now();

/** The saturated share of every hidden layer's tanh on the probe batch. */
function saturatedShares(model: LanguageModel, plan: TrainingPlan): number[] {
  const length = plan.sequenceLength ?? sequenceLength(names, plan.model);
  const { x, y } = sequencePass(names.splits.dev, length, PROBE_NAMES).source.next(); // (32, T) each
  try {
    return tf.tidy(() => {
      const hiddens = model.forward(x, undefined, { record: ['mlp.hiddens'] }).intermediates!['mlp.hiddens']!; // (L, B, T, N)
      const [layers = 0] = hiddens.shape;
      const saturated = hiddens.abs().greaterEqual(SATURATION_THRESHOLD).cast('float32'); // (L, B, T, N)
      const perLayer = saturated.reshape([layers, -1]).mean(1); // (L)
      return Array.from(perLayer.dataSync());
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** std(a) of a tensor's values. */
function std(t: tf.Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]!));
}

interface RunFigures {
  plan: TrainingPlan;
  /** Dev loss before any step (the evaluation at step 0). */
  step0Dev: number;
  /** The first batch's loss. */
  firstBatch: number;
  /** Standard deviation of the batch loss over the last 500 steps: how much it jitters. */
  batchJitter: number;
  /** Evaluations: step, train estimate, dev. */
  evals: { step: number; train: number; dev: number }[];
  /** Full-split losses at the end (train: the subset when there is one). */
  final?: { train: number; dev: number };
  /** The lowest dev loss of the evaluations, and its step. */
  bestDev: { step: number; dev: number };
  saturated: { step0: number[]; end?: number[] };
  /** log10 of std(update) / std(weight) per matrix, at some steps. */
  updateRatio: Record<string, Record<string, number>>;
  diverged?: { step: number; lastGood?: { step: number; loss: number } };
  seconds: number;
}

/** Steps at which to measure the update-to-weight ratio (the step's update). */
function ratioSteps(steps: number): number[] {
  return [1, 10, 100, 1000, steps].filter((s, i, all) => s <= steps && all.indexOf(s) === i);
}

/** Trains a plan and measures what the chapter quotes of it. */
async function measureRun(label: string, plan: TrainingPlan, dataset: Dataset = names): Promise<RunFigures> {
  const t0 = performance.now();
  const fresh = createModel(plan.model, dataset.tokenizer.vocabSize); // the same seed: the run's initial weights
  const step0 = saturatedShares(fresh, plan);
  fresh.dispose();
  const evals: RunFigures['evals'] = [];
  let firstBatch = NaN;
  let lastBatch = NaN;
  const batchLosses: number[] = [];
  const updateRatio: RunFigures['updateRatio'] = {};
  const wanted = new Set(ratioSteps(plan.steps));
  let before: Map<string, tf.Tensor> | undefined;
  const matrices = (m: LanguageModel) => m.namedVariables().filter(([n, v]) => v.rank === 2 && n !== 'embedding');
  let model: LanguageModel | undefined;
  const copyWeights = () => {
    before = new Map(matrices(model!).map(([n, v]) => [n, v.clone()]));
  };
  const run = startTraining(dataset, plan, {
    onStep: (step, loss) => {
      if (step === 1) firstBatch = loss;
      lastBatch = loss;
      if (step > plan.steps - 500) batchLosses.push(loss);
      if (step % 500 === 0) process.stderr.write(`  ${label} step ${step} loss ${loss.toFixed(3)}\r`);
    },
    onEval: (step, { train, dev }) => evals.push({ step, train: train!, dev: dev! }),
  }, {
    between: (step) => {
      if (before && wanted.has(step)) {
        const ratios: Record<string, number> = {};
        for (const [n, v] of matrices(model!)) {
          const prev = before.get(n)!;
          ratios[n] = Math.log10(tf.tidy(() => std(v.sub(prev))) / std(v));
        }
        updateRatio[String(step)] = ratios;
      }
      if (before) tf.dispose([...before.values()]);
      before = undefined;
      if (wanted.has(step + 1)) copyWeights();
    },
  });
  model = run.model;
  if (wanted.has(1)) copyWeights(); // before step 1: run() is waiting on its step-0 evaluation, no step has been taken
  let diverged: RunFigures['diverged'];
  let final: RunFigures['final'];
  let end: number[] | undefined;
  try {
    await run.done;
    const length = plan.sequenceLength ?? sequenceLength(dataset, plan.model);
    final = { train: await subsetLoss(run.model, dataset, plan, length), dev: await splitLoss(run.model, dataset, 'dev', length) };
    end = saturatedShares(run.model, plan);
  } catch (err) {
    if (!(err instanceof DivergedError)) throw err;
    const lastGood = (err as DivergedError & { lastGood?: { step: number; loss: number } }).lastGood;
    diverged = { step: err.step, lastGood };
  } finally {
    if (before) tf.dispose([...before.values()]);
    run.model.dispose();
  }
  const best = evals.reduce((a, b) => (b.dev < a.dev ? b : a), evals[0]!);
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`\n${label}: step 0 dev ${evals[0]?.dev.toFixed(3)}, end dev ${final?.dev.toFixed(3) ?? 'diverged'} (last batch ${lastBatch.toFixed(3)}), ${seconds.toFixed(0)} s\n`);
  const mean = batchLosses.reduce((a, b) => a + b, 0) / batchLosses.length;
  const batchJitter = Math.sqrt(batchLosses.reduce((a, b) => a + (b - mean) ** 2, 0) / batchLosses.length);
  return { plan, step0Dev: evals[0]!.dev, firstBatch, batchJitter, evals, final, bestDev: { step: best.step, dev: best.dev }, saturated: { step0: step0, end }, updateRatio, diverged, seconds };
}

/** The full train loss: on the subset the run trained on, when it had one. */
async function subsetLoss(model: LanguageModel, dataset: Dataset, plan: TrainingPlan, length: number): Promise<number> {
  if (plan.trainSubset === undefined) return splitLoss(model, dataset, 'train', length);
  const train = dataset.splits.train;
  const subset: Dataset = { ...dataset, splits: { ...dataset.splits, train: { ...train, sequences: train.sequences.slice(0, plan.trainSubset) } } };
  return splitLoss(model, subset, 'train', length);
}

const jsonPath = `${REPO_ROOT}docs/dynamics-figures.json`;
const previous = await readFile(jsonPath, 'utf8').then((s) => JSON.parse(s) as Record<string, unknown>, () => ({}) as Record<string, unknown>);
const results: Record<string, unknown> = { ...previous };

if (values.tables) {
  await writeFile(`${REPO_ROOT}docs/DYNAMICS.md`, markdown(results));
  process.exit(0);
}
for (const group of chosen) {
  await measureGroup(group);
  await save(); // after every group: a long run stopped halfway keeps what it measured
}
console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, strip(v)])), null, 1));

/** Measures one group into `results`. */
async function measureGroup(group: Group): Promise<void> {
  if (group === 'start') {
    const start = async (model: Partial<MlpConfig>) => {
      const plan = planWith(model);
      const fresh = createModel(plan.model, names.tokenizer.vocabSize);
      const length = sequenceLength(names, plan.model);
      const figures = { model: plan.model.config, step0Dev: Math.round((await splitLoss(fresh, names, 'dev', length)) * 1e4) / 1e4, saturated: saturatedShares(fresh, plan).map((x) => Math.round(x * 1e4) / 1e4) };
      fresh.dispose();
      return figures;
    };
    results.start = {
      pytorch: await start({ init: 'pytorch' }),
      kaimingDepth3: await start({ init: 'kaiming', depth: 3 }),
      largeDepth3: await start({ init: 'large', depth: 3 }),
    };
  }
  if (group === 'range') {
    // The finder's job (src/widgets/lrFinderSchema.ts): the recipe's plan, 1e-5 to 1 in 300 steps.
    const sweep = { minLearningRate: 1e-5, maxLearningRate: 1, steps: 300 };
    const { startPlanRangeTest } = await import('../lab/train/lrRange'); // loaded only for this group
    const range = await startPlanRangeTest(names, LECTURE, sweep).done;
    const suggestion = range.suggestion!;
    // "Train with this rate" sets the trainer's peak rate to two significant digits; its schedule ends at a tenth.
    const suggested = Number(suggestion.learningRate.toPrecision(2));
    const atSuggestion = await measureRun(`range lr ${suggested}`, planWith({}, { learningRate: suggested }));
    const round = (x: number) => Number(x.toPrecision(4));
    results.range = {
      sweep,
      stoppedEarly: range.stoppedEarly,
      suggestion,
      trainedRate: suggested,
      points: range.points.map((p) => ({ step: p.step, learningRate: round(p.learningRate), loss: round(p.loss), smoothed: round(p.smoothed) })),
      atSuggestion: summary(atSuggestion),
    };
  }
  if (group === 'lr') {
    const out: Record<string, unknown> = {};
    // 0.01, the default, is the `init` group's Kaiming run.
    for (const lr of [1e-4, 0.1, 0.3]) out[String(lr)] = summary(await measureRun(`lr ${lr}`, planWith({}, { learningRate: lr })));
    results.lr = out;
  }
  if (group === 'init') {
    const out: Record<string, unknown> = {};
    for (const init of ['naive', 'kaiming', 'large'] as const) out[init] = summary(await measureRun(`init ${init}`, planWith({ init })));
    results.init = out;
  }
  if (group === 'norm') {
    const out: Record<string, unknown> = {};
    for (const norm of ['none', 'layer'] as const) out[norm] = summary(await measureRun(`depth 3 large ${norm}`, planWith({ init: 'large', norm, depth: 3 })));
    results.norm = out;
  }
  if (group === 'fit') {
    const fit = (model: Partial<MlpConfig>, plan: Partial<TrainingPlan>) => planWith({ hiddenDim: 400, ...model }, { steps: 3000, trainSubset: 300, ...plan });
    const subset = names.splits.train.sequences.slice(0, 300);
    const fresh = createModel(fit({}, {}).model, names.tokenizer.vocabSize);
    results.fitSize = { names: subset.length, predictions: subset.reduce((n, q) => n + q.length + 1, 0), parameters: fresh.trainableVariables().reduce((n, v) => n + v.size, 0) };
    fresh.dispose();
    results.fit = {
      plain: summary(await measureRun('fit wd 0', fit({}, { weightDecay: 0 }))),
      decay: summary(await measureRun('fit wd 0.1', fit({}, { weightDecay: 0.1 }))),
      dropout: summary(await measureRun('fit dropout 0.2', fit({ dropout: 0.2 }, { weightDecay: 0 }))),
    };
  }
}

/** A run's figures without its plan's repetition, and its curve thinned. */
function summary(r: RunFigures) {
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    model: r.plan.model.config,
    plan: { steps: r.plan.steps, learningRate: r.plan.learningRate, minLearningRate: r.plan.minLearningRate, weightDecay: r.plan.weightDecay, trainSubset: r.plan.trainSubset },
    step0Dev: round(r.step0Dev),
    firstBatch: round(r.firstBatch),
    batchJitter: round(r.batchJitter),
    final: r.final && { train: round(r.final.train), dev: round(r.final.dev), gap: round(r.final.dev - r.final.train) },
    bestDev: { step: r.bestDev.step, dev: round(r.bestDev.dev) },
    saturated: { step0: r.saturated.step0.map(round), end: r.saturated.end?.map(round) },
    updateRatio: Object.fromEntries(Object.entries(r.updateRatio).map(([s, m]) => [s, Object.fromEntries(Object.entries(m).map(([n, v]) => [n, Math.round(v * 100) / 100]))])),
    diverged: r.diverged,
    evals: r.evals.map((e) => ({ step: e.step, train: round(e.train), dev: round(e.dev) })),
    seconds: Math.round(r.seconds),
  };
}

/** Writes the JSON and the Markdown tables with what is measured so far. */
async function save(): Promise<void> {
  results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, backend, tfjs: tf.version.tfjs, date: new Date().toISOString().slice(0, 10), steps: STEPS };
  results.seconds = Math.round((performance.now() - started) / 1000);
  await writeFile(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
  await writeFile(`${REPO_ROOT}docs/DYNAMICS.md`, markdown(results));
}

/** The JSON without curves, for the console. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.length > 12 ? `[${v.length} items]` : v.map(strip);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'evals' && k !== 'points').map(([k, x]) => [k, strip(x)]));
  return v;
}

/** docs/DYNAMICS.md: the chapter's figures as tables. */
function markdown(r: Record<string, unknown>): string {
  type S = ReturnType<typeof summary>;
  const f = (x: number | undefined, d = 3) => (x === undefined ? '—' : x.toFixed(d));
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);
  const row = (name: string, s: S) =>
    `| ${name} | ${f(s.step0Dev)} | ${f(s.final?.train)} | ${f(s.final?.dev)} | ${f(s.final?.gap)} | ${f(s.bestDev.dev)} (step ${s.bestDev.step}) | ${s.saturated.step0.map(pct).join(', ')} | ${(s.saturated.end ?? []).map(pct).join(', ') || '—'} | ${s.diverged ? `diverged at step ${s.diverged.step}` : ''} |`;
  const head = '| run | dev at step 0 | train (end) | dev (end) | dev − train | best dev | saturated at step 0 | saturated at end | note |\n|---|---|---|---|---|---|---|---|---|';
  /** Rows of full runs (the `init` group's `pytorch` entry has only its start). */
  const table = (title: string, rows: Record<string, S> | undefined) =>
    rows ? `## ${title}\n\n${head}\n${Object.entries(rows).filter(([, s]) => 'bestDev' in s).map(([k, s]) => row(k, s)).join('\n')}\n` : '';
  const m = r.machine as Record<string, unknown>;
  const parts = [
    '# Chapter 3\'s figures (training dynamics)',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/dynamics-figures.ts\` on ${String(m.cpu)} (${String(m.cores)} cores), Node ${String(m.node)}, tfjs ${String(m.tfjs)} on ${String(m.backend)}, ${String(m.date)}; the default run is ${String(m.steps)} steps. The raw numbers, curves included, are in \`docs/dynamics-figures.json\`.`,
    '',
    'The model is chapter 2\'s lecture MLP on names (block 3, embeddings 10, 200 tanh units, AdamW, lr 0.01 cosine to 0.001, batch 32, seed 2147483647) unless a row says otherwise. Saturated: |tanh| ≥ 0.97 over every position of the first 32 dev names, per hidden layer. Train (end) is the full training split (the subset, for the overfitting rows); dev is the whole dev split.',
    '',
  ];
  const range = r.range as { suggestion: { learningRate: number; rule: string; minimum: { learningRate: number; smoothed: number } }; atSuggestion: S } | undefined;
  if (range) parts.push(`## Learning-rate range test\n\nSuggested rate ${range.suggestion.learningRate.toPrecision(3)} (rule \`${range.suggestion.rule}\`); the smoothed loss is lowest at ${range.suggestion.minimum.learningRate.toPrecision(3)} (${f(range.suggestion.minimum.smoothed)}).\n\n${head}\n${row(`peak lr ${range.suggestion.learningRate.toPrecision(3)}`, range.atSuggestion)}\n`);
  parts.push(table('Learning rate (peak; cosine to a tenth)', r.lr as Record<string, S> | undefined));
  const start = r.start as Record<string, { model: unknown; step0Dev: number; saturated: number[] }> | undefined;
  if (start) parts.push(`## Untrained models\n\n| configuration | dev at step 0 | saturated at step 0, per layer |\n|---|---|---|\n${Object.entries(start).map(([k, x]) => `| ${k} | ${f(x.step0Dev)} | ${x.saturated.map(pct).join(', ')} |`).join('\n')}\n\n(\`pytorch\` is chapter 2's initialization; its trained run is \`public/checkpoints/names-mlp-lecture.curve.json\`.)\n`);
  parts.push(table('Initialization', r.init as Record<string, S> | undefined));
  const init = r.init as Record<string, S> | undefined;
  const fit = r.fitSize as { names: number; predictions: number; parameters: number } | undefined;
  if (init) {
    const names = Object.keys(init);
    const steps = Object.keys(init[names[0]!]!.updateRatio);
    const mats = Object.keys(init[names[0]!]!.updateRatio[steps[0]!] ?? {});
    parts.push(`### Update-to-weight ratio, log10 std(Δw)/std(w)\n\n| init | matrix | ${steps.map((s) => `step ${s}`).join(' | ')} |\n|---|---|${steps.map(() => '---').join('|')}|\n${names.flatMap((n) => mats.map((mat) => `| ${n} | ${mat} | ${steps.map((s) => f(init[n]!.updateRatio[s]?.[mat], 2)).join(' | ')} |`)).join('\n')}\n`);
  }
  parts.push(table('Three hidden layers, large init: without and with LayerNorm', r.norm as Record<string, S> | undefined));
  parts.push(table('Overfitting: 300 training names, 400 hidden units, 3,000 steps', r.fit as Record<string, S> | undefined));
  if (fit) parts.push(`The subset: ${fit.names} names, ${fit.predictions} predictions; the model: ${fit.parameters} parameters.\n`);
  return `${parts.join('\n')}\n`;
}
