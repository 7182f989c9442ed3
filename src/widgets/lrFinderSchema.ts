import type { LrRangeJob } from '../../lab/worker/protocol';
import { recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
import { TRAINER_SCHEMA } from './trainerSchema';

/** The recipe whose model, data and optimizer the range test sweeps: chapter 2's lecture MLP on names. */
export const LR_FINDER_RECIPE_ID = 'names-mlp-lecture';

/** The lowest and highest rate a range test may sweep: below, nothing moves in 300 steps; above, every model blows up at once. */
export const RATE_LIMITS = { min: 1e-7, max: 10 } as const;

/** The values the steps and batch selects offer; the URL may only pick among them. */
export const LR_FINDER_CHOICES = {
  steps: [100, 200, 300, 500, 1000],
  batch: [16, 32, 64, 128, 256],
} as const;

const choice = (values: readonly number[], fallback: number) => ({ kind: 'enum', default: String(fallback), options: values.map(String) }) as const;
const base = recipe(LR_FINDER_RECIPE_ID).plan;

/**
 * The range test's settings as they appear in the URL (`lrf.max=0.1`): the sweep's ends and
 * length, the batch, the seed of the weights and batches, and the backend. Defaults: 1e-5 to 1
 * over 300 steps (fastai's lr_find sweeps 1e-7 to 10 in 100; the MLP learns nothing below
 * 1e-5), and the recipe's batch and seed.
 */
export const LR_FINDER_SCHEMA = {
  /** The first step's rate. */
  min: { kind: 'float', default: 1e-5, min: RATE_LIMITS.min, max: RATE_LIMITS.max },
  /** The last step's rate. */
  max: { kind: 'float', default: 1, min: RATE_LIMITS.min, max: RATE_LIMITS.max },
  steps: choice(LR_FINDER_CHOICES.steps, 300),
  batch: choice(LR_FINDER_CHOICES.batch, base.batchSize),
  seed: { kind: 'int', default: base.seed, min: 0, max: 2_147_483_647 },
  backend: TRAINER_SCHEMA.backend,
} as const;

/** The range test's values, numbers parsed. */
export interface LrFinderSettings {
  min: number;
  max: number;
  steps: number;
  batch: number;
  seed: number;
}

/** Why a sweep cannot run: a rate outside {@link RATE_LIMITS} (`range`), or the lowest not below the highest (`order`); none when it can. */
export function rangeProblem(settings: Pick<LrFinderSettings, 'min' | 'max'>): 'range' | 'order' | undefined {
  const inside = (x: number) => Number.isFinite(x) && x >= RATE_LIMITS.min && x <= RATE_LIMITS.max;
  if (!inside(settings.min) || !inside(settings.max)) return 'range';
  return settings.min < settings.max ? undefined : 'order';
}

/**
 * The worker's job for these settings: the recipe's model (seeded with the seed) and optimizer
 * with their batch and seed; the plan's own rate and schedule are ignored by the sweep.
 */
export function rangeJob(settings: LrFinderSettings): LrRangeJob {
  if (base.model.kind !== 'mlp') throw new Error(`${LR_FINDER_RECIPE_ID} is not an MLP recipe`);
  const model = { ...base.model, config: { ...base.model.config, seed: settings.seed } };
  const plan: TrainingPlan = { ...base, model, batchSize: settings.batch, steps: settings.steps, seed: settings.seed };
  return { kind: 'lr-range', dataset: 'names', plan, minLearningRate: settings.min, maxLearningRate: settings.max, steps: settings.steps };
}

/** The rate a reader's pick becomes in another widget's setting: two significant digits (0.0031623 → 0.0032). */
export function roundRate(rate: number): number {
  return Number(rate.toPrecision(2));
}
