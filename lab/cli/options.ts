import { type DatasetId, isDatasetId } from '../data/datasets';
import { isModelKind, type ModelSpec } from '../models/registry';
import { type Recipe, RECIPES, recipe } from '../train/recipes';
import type { TrainingPlan } from '../train/run';

/** Every option of every command, for node:util's parseArgs. */
export const commandLineOptions = {
  help: { type: 'boolean' },
  backend: { type: 'string' },
  recipe: { type: 'string' },
  model: { type: 'string' },
  data: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'min-lr': { type: 'string' },
  warmup: { type: 'string' },
  'weight-decay': { type: 'string' },
  'decay-all': { type: 'boolean' },
  beta2: { type: 'string' },
  clip: { type: 'string' },
  'eval-every': { type: 'string' },
  seed: { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  split: { type: 'string' },
  count: { type: 'string' },
  'max-length': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  prompt: { type: 'string' },
  only: { type: 'string' },
  scale: { type: 'string' },
  'out-dir': { type: 'string' },
  table: { type: 'string' },
  subset: { type: 'string' },
  min: { type: 'string' },
  max: { type: 'string' },
} as const;

/** Parsed option values, all strings or booleans as given. */
export type OptionValues = { [K in keyof typeof commandLineOptions]?: (typeof commandLineOptions)[K]['type'] extends 'boolean' ? boolean : string };

/** A finite number from an option, or the fallback when the option is absent. */
export function numberOption(values: OptionValues, name: keyof OptionValues, fallback: number): number;
export function numberOption(values: OptionValues, name: keyof OptionValues, fallback?: number): number | undefined;
export function numberOption(values: OptionValues, name: keyof OptionValues, fallback?: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, not ${String(raw)}`);
  return n;
}

/** `key=value,key=value` into an object of numbers, booleans and strings. */
export function parseConfig(text: string | undefined): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    if (!key || value === undefined) throw new Error(`--config takes key=value pairs, not ${pair}`);
    out[key.trim()] = value === 'true' ? true : value === 'false' ? false : Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}

/** The starting point of a `train` command: a recipe, or the first recipe of that model (on any data set), re-targeted. */
function baseRecipe(values: OptionValues): { dataset: DatasetId; plan: TrainingPlan } {
  if (values.recipe) return recipe(values.recipe);
  const model = values.model;
  const data = values.data;
  if (!model || !isModelKind(model)) throw new Error(`--model must be one of bigram, mlp, rnn, lstm, gru, gpt (or give --recipe)`);
  if (!data || !isDatasetId(data)) throw new Error(`--data must be names, tinyshakespeare or tang-wujue`);
  const sameBoth = RECIPES.find((r) => r.plan.model.kind === model && r.dataset === data);
  const sameModel = RECIPES.find((r) => r.plan.model.kind === model);
  const found: Recipe | undefined = sameBoth ?? sameModel;
  if (found) return { dataset: data, plan: found.plan };
  // The bigram has no recipe of its own: train it like the names models.
  const names = RECIPES[0]!;
  return { dataset: data, plan: { ...names.plan, model: { kind: 'bigram', config: { seed: names.plan.seed, initScale: 1 } } } };
}

/** The data set and plan of a `train` command: a recipe's, with any option given overriding it. */
export function planFromOptions(values: OptionValues): { dataset: DatasetId; plan: TrainingPlan } {
  const { dataset, plan: base } = baseRecipe(values);
  const model = { kind: base.model.kind, config: { ...base.model.config, ...parseConfig(values.config) } } as ModelSpec;
  const seed = numberOption(values, 'seed');
  if (seed !== undefined) (model.config as { seed: number }).seed = seed;
  const plan: TrainingPlan = {
    ...base,
    model,
    steps: numberOption(values, 'steps', base.steps),
    batchSize: numberOption(values, 'batch', base.batchSize),
    learningRate: numberOption(values, 'lr', base.learningRate),
    minLearningRate: numberOption(values, 'min-lr', base.minLearningRate),
    warmupSteps: numberOption(values, 'warmup', base.warmupSteps),
    weightDecay: numberOption(values, 'weight-decay', base.weightDecay),
    decayAll: values['decay-all'] ?? base.decayAll,
    beta2: numberOption(values, 'beta2', base.beta2),
    clipNorm: numberOption(values, 'clip', base.clipNorm),
    evalEvery: numberOption(values, 'eval-every', base.evalEvery),
    seed: seed ?? base.seed,
    trainSubset: numberOption(values, 'subset', base.trainSubset),
  };
  if (!Number.isInteger(plan.steps) || plan.steps < 1) throw new Error('--steps must be a positive integer');
  if (!Number.isInteger(plan.batchSize) || plan.batchSize < 1) throw new Error('--batch must be a positive integer');
  if (plan.trainSubset !== undefined && (!Number.isInteger(plan.trainSubset) || plan.trainSubset < 1)) throw new Error('--subset must be a positive integer');
  return { dataset, plan };
}

/** What a `range` command sweeps: the learning rates from `--min` to `--max` over `--steps` steps. */
export interface RangeSweep {
  minLearningRate: number;
  maxLearningRate: number;
  steps: number;
}

/**
 * The data set, plan and sweep of a `range` command: a recipe's plan (options override it as for
 * `train`), with `--steps` the sweep's steps (default 300) and `--min`, `--max` its rates
 * (default 1e-5 and 1). The sweep is validated where it runs (lrRange.ts).
 */
export function rangeFromOptions(values: OptionValues): { dataset: DatasetId; plan: TrainingPlan; sweep: RangeSweep } {
  const steps = numberOption(values, 'steps', 300);
  const { dataset, plan } = planFromOptions({ ...values, steps: String(steps) });
  return { dataset, plan, sweep: { minLearningRate: numberOption(values, 'min', 1e-5), maxLearningRate: numberOption(values, 'max', 1), steps } };
}
