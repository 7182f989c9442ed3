import type { ModelSpec } from '../../lab/models/registry';
import { recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
import { planWith } from './runPlan';
import { TRAINER_SCHEMA } from './trainerSchema';

/** The recipe whose plan chapter 2's trainer starts from: makemore's MLP lecture, its reference curve shipped beside it. */
export const MLP_RECIPE_ID = 'names-mlp-lecture';

/** The plan chapter 2's trainer and chapter 3's start from: makemore's lecture MLP, its curve shipped. */
export const LECTURE_PLAN: TrainingPlan = recipe(MLP_RECIPE_ID).plan;

/** The values the MLP trainer's selects offer; the URL may only pick among them. */
export const MLP_CHOICES = {
  block: [1, 2, 3, 4, 5, 6, 8, 12, 16],
  embed: [2, 3, 5, 10, 16, 32, 64, 128, 256, 512],
  hidden: [10, 50, 100, 200, 400, 800, 1600, 3200, 6400],
  init: [0.1, 0.2, 0.5, 1, 2, 5, 10],
  lr: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
  batch: [8, 16, 32, 64, 128, 256, 1024, 4096, 16384],
  steps: [100, 300, 1000, 3000, 6000, 10000, 20000, 50000],
  temperature: [0.5, 0.8, 1, 1.2, 1.5, 2],
} as const;

/** The settings of the sampler under the trainer: changing them draws again, and stops no run. */
export const SAMPLER_KEYS = ['temp', 'draw'] as const;

/** A select among `values` (numbers, kept as their strings in the URL), `fallback` by default. */
export const choice = (values: readonly number[], fallback: number) => ({ kind: 'enum', default: String(fallback), options: values.map(String) }) as const;

/**
 * Chapter 2's MLP trainer settings as they appear in the URL (`mlp.hidden=400`): the model's
 * shape, the scale of its initial weights, the optimizer's rate, batch and steps, seed, backend.
 * Defaults are those of {@link MLP_RECIPE_ID}, whose curve the chart draws as the reference.
 */
export function mlpSchema(plan: TrainingPlan) {
  if (plan.model.kind !== 'mlp') throw new Error(`${MLP_RECIPE_ID} is not an MLP recipe`);
  const config = plan.model.config;
  return {
    block: choice(MLP_CHOICES.block, config.blockSize),
    embed: choice(MLP_CHOICES.embed, config.embedDim),
    hidden: choice(MLP_CHOICES.hidden, config.hiddenDim),
    init: choice(MLP_CHOICES.init, config.initScale ?? 1),
    lr: choice(MLP_CHOICES.lr, plan.learningRate),
    batch: choice(MLP_CHOICES.batch, plan.batchSize),
    steps: choice(MLP_CHOICES.steps, plan.steps),
    seed: { kind: 'int', default: plan.seed, min: 0, max: 2_147_483_647 },
    backend: TRAINER_SCHEMA.backend,
    /** Temperature of the samples. */
    temp: choice(MLP_CHOICES.temperature, 1),
    /** Seed of the samples. */
    draw: { kind: 'int', default: 1, min: 0, max: 999_999 },
  } as const;
}

/** The schema of the page's MLP trainer. */
export const MLP_SCHEMA = mlpSchema(LECTURE_PLAN);
export type MlpValues = { [K in keyof typeof MLP_SCHEMA]: (typeof MLP_SCHEMA)[K] extends { kind: 'int' } ? number : string };

/** {@link LECTURE_PLAN} with another model, rate, batch, steps and seed ({@link planWith}). */
export function lecturePlanWith(model: ModelSpec, run: Pick<TrainingPlan, 'learningRate' | 'batchSize' | 'steps' | 'seed'>): TrainingPlan {
  return planWith(LECTURE_PLAN, model, run);
}

/** The plan chapter 2's trainer runs for the reader's settings: the lecture's, with their model shape and initial scale. */
export function mlpPlan(values: MlpValues): TrainingPlan {
  const seed = values.seed as number;
  const model: ModelSpec = {
    kind: 'mlp',
    config: { blockSize: Number(values.block), embedDim: Number(values.embed), hiddenDim: Number(values.hidden), norm: 'none', initScale: Number(values.init), seed },
  };
  return lecturePlanWith(model, { learningRate: Number(values.lr), batchSize: Number(values.batch), steps: Number(values.steps), seed });
}
