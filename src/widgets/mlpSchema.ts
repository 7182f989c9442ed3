import type { BackendName } from '../../lab/backend/names';
import { PROBE_WORKLOAD } from '../../lab/backend/names';
import { type Footprint, mlpFootprint } from '../../lab/models/footprint';
import type { ModelSpec } from '../../lab/models/registry';
import { recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
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

/**
 * {@link LECTURE_PLAN} with another model, rate (the cosine schedule ends at a tenth of it, as
 * the recipe's does), batch, steps and seed. Evaluations keep the recipe's count, so the curve
 * has as many points whatever the steps.
 */
export function lecturePlanWith(model: ModelSpec, run: Pick<TrainingPlan, 'learningRate' | 'batchSize' | 'steps' | 'seed'>): TrainingPlan {
  const base = LECTURE_PLAN;
  const evaluations = Math.max(1, Math.round(base.steps / base.evalEvery));
  const scheduled = base.minLearningRate !== undefined ? { minLearningRate: (run.learningRate * base.minLearningRate) / base.learningRate } : {};
  return { ...base, ...scheduled, ...run, model, evalEvery: Math.max(1, Math.round(run.steps / evaluations)) };
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

/** Most bytes a run may hold while training: beyond, a browser tab runs out of memory (wasm32 stops at 4 GiB, phones far sooner). */
export const MEMORY_LIMIT_BYTES = 1024 ** 3;

/**
 * Floating-point operations per second assumed where no probe has timed the backend, kept low
 * on purpose (a slow laptop's): an estimate the reader beats rather than one that disappoints.
 */
const ASSUMED_FLOPS: Record<BackendName, number> = { webgpu: 5e9, webgl: 2e9, wasm: 1e9, cpu: 1e8 };

/** What a configuration costs, and whether it may run. */
export interface MlpCost extends Footprint {
  /** Estimated seconds of training, evaluations aside. */
  seconds: number;
  /** Whether the estimate comes from this page's probe of the backend (else an assumed rate). */
  measured: boolean;
  /** Whether it fits in {@link MEMORY_LIMIT_BYTES}. */
  fits: boolean;
}

/**
 * The cost of training `plan` on `vocabSize` tokens and sequences of `length`, on `backend`
 * whose probe took `probeMs` per step when one was timed.
 */
export function mlpCost(plan: TrainingPlan, vocabSize: number, length: number, backend: BackendName, probeMs?: number): MlpCost {
  if (plan.model.kind !== 'mlp') throw new Error('not an MLP plan');
  const footprint = mlpFootprint(plan.model.config, vocabSize, plan.batchSize, length);
  const { model, batch } = PROBE_WORKLOAD;
  const probeFlops = mlpFootprint(model, model.vocabSize, batch.batchSize, batch.length).flopsPerStep;
  const measured = probeMs !== undefined && probeMs > 0;
  const rate = measured ? probeFlops / (probeMs / 1000) : ASSUMED_FLOPS[backend];
  return { ...footprint, seconds: (plan.steps * footprint.flopsPerStep) / rate, measured, fits: footprint.trainingBytes <= MEMORY_LIMIT_BYTES };
}
