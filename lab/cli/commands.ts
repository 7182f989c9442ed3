import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { DATASET_IDS, type DatasetId, type SplitName } from '../data/datasets';
import { numParams } from '../models/model';
import { NGramModel } from '../models/ngram';
import { createModel, type ModelSpec } from '../models/registry';
import { sample } from '../sample';
import { captureCheckpoint, type CheckpointConfig, decodeCheckpoint, encodeCheckpoint, restoreWeights } from '../train/checkpoint';
import { startPlanRangeTest } from '../train/lrRange';
import { type Recipe, RECIPES } from '../train/recipes';
import { sequenceLength, splitLoss, startTraining, type TrainingPlan } from '../train/run';
import { loadLocalDataset, REPO_ROOT } from './environment';
import { numberOption, type OptionValues, type RangeSweep } from './options';
import { ProgressBar } from './progress';
import { referenceMarkdown, type ReferenceMachine, type ReferenceRow } from './referenceTable';

/** What `train` reports. */
export interface TrainResult {
  dataset: DatasetId;
  model: ModelSpec;
  params: number;
  steps: number;
  /** Tokens per training step: batch x sequence length (padding included). */
  tokensPerStep: number;
  seconds: number;
  tokensPerSecond: number;
  /** Losses at each evaluation. */
  evals: { step: number; train: number; dev: number }[];
  /** Full-split losses at the end. */
  final: Partial<Record<SplitName, number>>;
  checkpoint?: string;
}

/** Trains a plan on a data set with a progress bar; saves a checkpoint to `out` when given. */
export async function trainCommand({ dataset: id, plan }: { dataset: DatasetId; plan: TrainingPlan }, out?: string): Promise<TrainResult> {
  const dataset = await loadLocalDataset(id);
  const length = plan.sequenceLength ?? sequenceLength(dataset, plan.model);
  const tokensPerStep = plan.batchSize * length;
  const bar = new ProgressBar(plan.steps);
  const evals: TrainResult['evals'] = [];
  let lastEval = '';
  const run = startTraining(dataset, plan, {
    onStep: (step, loss, info) => bar.update(step, `loss ${loss.toFixed(3)}${lastEval} lr ${(info.learningRate ?? plan.learningRate).toExponential(1)}`),
    onEval: (step, { train, dev }) => {
      evals.push({ step, train: train!, dev: dev! });
      lastEval = ` dev ${dev!.toFixed(3)}`;
    },
  });
  const params = numParams(run.model);
  console.error(`${plan.model.kind} on ${id}: ${params.toLocaleString('en')} parameters, ${plan.steps} steps of ${tokensPerStep} tokens`);
  try {
    const summary = await run.done;
    bar.finish();
    const final: TrainResult['final'] = {};
    for (const split of ['train', 'dev', 'test'] as const) {
      if (dataset.splits[split].sequences.some((s) => s.length > 0)) final[split] = await splitLoss(run.model, dataset, split, length);
    }
    const result: TrainResult = {
      dataset: id,
      model: plan.model,
      params,
      steps: summary.steps,
      tokensPerStep,
      seconds: summary.elapsedMs / 1000,
      tokensPerSecond: (summary.steps * tokensPerStep) / (summary.elapsedMs / 1000),
      evals,
      final,
    };
    if (out) {
      const config: CheckpointConfig = { dataset: id, plan };
      const checkpoint = await captureCheckpoint(run.model, { config, vocab: [...dataset.tokenizer.chars], step: summary.steps, metrics: final as Record<string, number> });
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, encodeCheckpoint(checkpoint));
      result.checkpoint = out;
    }
    return result;
  } finally {
    run.model.dispose();
  }
}

/**
 * A learning-rate range test of a plan (lrRange.ts) with a progress bar: every point of the
 * sweep, the suggested rate and whether the loss blew up before the last step.
 */
export async function rangeCommand({ dataset: id, plan, sweep }: { dataset: DatasetId; plan: TrainingPlan; sweep: RangeSweep }): Promise<object> {
  const dataset = await loadLocalDataset(id);
  const bar = new ProgressBar(sweep.steps);
  const run = startPlanRangeTest(dataset, plan, sweep, {
    onPoint: (p) => bar.update(p.step, `lr ${p.learningRate.toExponential(2)} loss ${p.loss.toFixed(3)} smoothed ${p.smoothed.toFixed(3)}`),
  });
  const result = await run.done;
  bar.finish();
  if (result.suggestion) console.error(`suggested learning rate: ${result.suggestion.learningRate.toExponential(2)} (${result.suggestion.rule}; smoothed minimum ${result.suggestion.minimum.smoothed.toFixed(3)} at ${result.suggestion.minimum.learningRate.toExponential(2)})`);
  return { dataset: id, model: plan.model, batchSize: plan.batchSize, ...sweep, stoppedEarly: result.stoppedEarly, suggestion: result.suggestion, points: result.points };
}

/** Rebuilds a model from a checkpoint file written by `train`. */
async function loadCheckpoint(path: string) {
  const checkpoint = decodeCheckpoint(new Uint8Array(await readFile(path)));
  const { dataset: id, plan } = checkpoint.config as CheckpointConfig;
  const dataset = await loadLocalDataset(id);
  if (dataset.tokenizer.chars.join('') !== checkpoint.vocab.join('')) throw new Error(`the checkpoint's vocabulary differs from ${id}'s`);
  const model = createModel(plan.model, checkpoint.vocab.length);
  restoreWeights(model, checkpoint);
  return { checkpoint, dataset, plan, model };
}

/** Loss of a checkpoint on one split of its data set. */
export async function evaluateCommand(path: string, split: string): Promise<object> {
  if (split !== 'train' && split !== 'dev' && split !== 'test') throw new Error('--split must be train, dev or test');
  const { dataset, plan, model } = await loadCheckpoint(path);
  try {
    const loss = await splitLoss(model, dataset, split, plan.sequenceLength ?? sequenceLength(dataset, plan.model));
    return { checkpoint: path, dataset: dataset.info.id, model: plan.model.kind, split, loss };
  } finally {
    model.dispose();
  }
}

/** Samples from a checkpoint. */
export async function sampleCommand(path: string, values: OptionValues): Promise<object> {
  const { dataset, plan, model } = await loadCheckpoint(path);
  try {
    const options = {
      count: numberOption(values, 'count', 10),
      maxLength: numberOption(values, 'max-length', dataset.info.kind === 'lines' ? 40 : 300),
      temperature: numberOption(values, 'temperature', 1),
      topK: numberOption(values, 'top-k', 0),
      topP: numberOption(values, 'top-p', 1),
      seed: numberOption(values, 'seed', 1),
    };
    const prompt = values.prompt ? dataset.tokenizer.encode(values.prompt) : undefined;
    const texts = sample(model, { ...options, prompt, stopAtBoundary: dataset.info.kind === 'lines' }).map((ids) => dataset.tokenizer.decode(ids));
    texts.forEach((t) => console.error(values.prompt ? `${values.prompt}${t}` : t));
    return { checkpoint: path, model: plan.model.kind, ...options, samples: texts };
  } finally {
    model.dispose();
  }
}

/** The count bigram (add-1) on a data set: the first row of every ladder. */
async function countBigramRow(id: DatasetId): Promise<ReferenceRow> {
  const dataset = await loadLocalDataset(id);
  const model = new NGramModel(dataset.tokenizer.vocabSize, { order: 2, smoothing: 1 }).fit(dataset.splits.train);
  return {
    id: `${id}-count-bigram`,
    dataset: id,
    model: 'count bigram (k=1)',
    params: dataset.tokenizer.vocabSize ** 2,
    steps: 0,
    tokens: 0,
    seconds: 0,
    train: model.nll(dataset.splits.train),
    dev: model.nll(dataset.splits.dev),
    target: id === 'names' ? 2.48 : undefined,
    source: id === 'names' ? "makemore's count bigram: 2.45-2.48" : 'counted, not trained',
  };
}

/**
 * Trains every recipe of the reference table (or those of `--only`), writes each checkpoint to
 * `--out-dir` and the table to `--table` and `<out-dir>/reference.json`. Rows of recipes not run
 * this time are kept from the last table. `--scale 0.1` trains a tenth of the steps (a dry run).
 */
export async function referenceCommand(values: OptionValues): Promise<object> {
  const outDir = values['out-dir'] ?? `${REPO_ROOT}public/checkpoints`;
  const tablePath = values.table ?? `${REPO_ROOT}docs/REFERENCE.md`;
  const scale = numberOption(values, 'scale', 1);
  const only = values.only?.split(',').filter(Boolean);
  const chosen = RECIPES.filter((r) => !only || only.includes(r.id));
  if (only && chosen.length !== only.length) throw new Error(`unknown recipe in --only; there are ${RECIPES.map((r) => r.id).join(', ')}`);
  const jsonPath = `${outDir}/reference.json`;
  const previous: { machine?: ReferenceMachine; rows: ReferenceRow[] } = await readFile(jsonPath, 'utf8').then((t) => JSON.parse(t), () => ({ rows: [] }));
  // A kept row keeps the machine it was trained on (older tables name one for all their rows).
  const rows = new Map<string, ReferenceRow>(previous.rows.map((r) => [r.id, { ...r, machine: r.machine ?? previous.machine }]));
  for (const id of new Set(chosen.map((r) => r.dataset))) {
    const row = await countBigramRow(id);
    rows.set(row.id, row);
  }
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, backend: tf.getBackend(), scale, date: new Date().toISOString().slice(0, 10) };
  const ordered = () => [...rows.values()].sort((a, b) => order(a) - order(b));
  // Written after every row, so that a long run stopped half-way keeps what it measured.
  const save = async () => {
    await mkdir(outDir, { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify({ machine, rows: ordered() }, null, 1)}\n`);
    await mkdir(dirname(tablePath), { recursive: true });
    await writeFile(tablePath, referenceMarkdown(ordered(), machine));
  };
  await save();
  for (const r of chosen) {
    const plan: TrainingPlan = { ...r.plan, steps: Math.max(1, Math.round(r.plan.steps * scale)), evalEvery: Math.max(1, Math.round(r.plan.evalEvery * scale)) };
    console.error(`\n== ${r.id}`);
    const result = await trainCommand({ dataset: r.dataset, plan }, scale === 1 ? `${outDir}/${r.id}.ckpt` : undefined);
    rows.set(r.id, { ...referenceRowOf(r, result), machine });
    await save();
  }
  console.error(referenceMarkdown(ordered(), machine));
  return { machine, rows: ordered() };
}

/** Rows in ladder order: by data set (names, Shakespeare, ...), its count bigram first, then the recipes' order. */
function order(row: ReferenceRow): number {
  const datasetRank = 1000 * DATASET_IDS.indexOf(row.dataset as DatasetId);
  const recipeRank = RECIPES.findIndex((r) => r.id === row.id);
  return datasetRank + (recipeRank === -1 ? -1 : recipeRank);
}

/** `gpt 4L 4H 64d`, `lstm 200h`, `mlp block 8, 640h`. */
export function describeModel(spec: ModelSpec): string {
  switch (spec.kind) {
    case 'gpt':
      return [
        `GPT ${spec.config.nLayer} layers, ${spec.config.nHead} heads, ${spec.config.nEmbd} dims`,
        ...(spec.config.init === 'pytorch' ? ['PyTorch init'] : []),
        ...(spec.config.dropout > 0 ? [`dropout ${spec.config.dropout}`] : []),
      ].join(', ');
    case 'mlp':
      return `MLP block ${spec.config.blockSize}, ${spec.config.embedDim}-dim embeddings, ${spec.config.hiddenDim} hidden`;
    case 'bigram':
      return 'neural bigram';
    default:
      return `${spec.kind.toUpperCase()} ${spec.config.hiddenDim} hidden`;
  }
}

/** The reference table's row of a recipe trained to `result`. */
export function referenceRowOf(recipe: Recipe, result: TrainResult): ReferenceRow {
  return {
    id: recipe.id,
    dataset: recipe.dataset,
    model: describeModel(recipe.plan.model),
    params: result.params,
    steps: result.steps,
    tokens: result.steps * result.tokensPerStep,
    seconds: result.seconds,
    train: result.final.train!,
    dev: result.final.dev!,
    test: result.final.test,
    target: recipe.target,
    source: recipe.source,
  };
}
