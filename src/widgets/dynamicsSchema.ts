import type { MlpConfig } from '../../lab/models/mlp';
import type { TrainingPlan } from '../../lab/train/run';
import { choice, LECTURE_PLAN, lecturePlanWith, MLP_CHOICES } from './mlpSchema';
import { TRAINER_SCHEMA } from './trainerSchema';
import type { Values } from './urlState';

/** The values chapter 3's trainer offers besides chapter 2's. */
export const DYNAMICS_CHOICES = {
  /** How the weights start (lab/models/mlp.ts): N(0, 1) everywhere; Kaiming's scale for tanh with a small output layer; five times Kaiming's. */
  init: ['naive', 'kaiming', 'large'],
  norm: ['none', 'layer'],
  /** AdamW's decoupled weight decay. */
  weightDecay: [0, 0.0001, 0.001, 0.01, 0.1, 1],
  /** Names the run trains on: the whole training split, or its first few. */
  subset: ['all', '100', '300', '500', '1000', '3000'],
} as const;

/** The hidden layers a run may stack. */
export const MAX_DEPTH = 5;
/** The largest dropout rate offered: beyond, half the units are silenced at every step. */
export const MAX_DROPOUT = 0.5;

/** The lecture MLP's config, besides what the schema sets. */
const LECTURE_MODEL = LECTURE_PLAN.model.config as Omit<MlpConfig, 'vocabSize'>;

/**
 * Chapter 3's trainer settings as they appear in the URL (`dyn.init=naive`): chapter 2's lecture
 * MLP (3 characters of context, 10-dimensional embeddings) with what training dynamics turn
 * on: the initialization, LayerNorm, the number of hidden layers and their width, dropout,
 * weight decay, a training subset, and a learning rate typed freely (the range test sets any),
 * then batch, steps, seed and backend. A page gives each instance its own defaults
 * (`data-defaults`); these are the plain ones: the lecture's plan with Kaiming's initialization.
 */
export const DYNAMICS_SCHEMA = {
  init: { kind: 'enum', default: 'kaiming', options: DYNAMICS_CHOICES.init },
  norm: { kind: 'enum', default: 'none', options: DYNAMICS_CHOICES.norm },
  depth: { kind: 'int', default: 1, min: 1, max: MAX_DEPTH },
  hidden: choice(MLP_CHOICES.hidden, LECTURE_MODEL.hiddenDim),
  dropout: { kind: 'float', default: 0, min: 0, max: MAX_DROPOUT },
  wd: choice(DYNAMICS_CHOICES.weightDecay, LECTURE_PLAN.weightDecay),
  subset: { kind: 'enum', default: 'all', options: DYNAMICS_CHOICES.subset },
  lr: { kind: 'float', default: LECTURE_PLAN.learningRate, min: 1e-5, max: 10 },
  batch: choice(MLP_CHOICES.batch, LECTURE_PLAN.batchSize),
  steps: choice(MLP_CHOICES.steps, LECTURE_PLAN.steps),
  seed: { kind: 'int', default: LECTURE_PLAN.seed, min: 0, max: 2_147_483_647 },
  backend: TRAINER_SCHEMA.backend,
} as const;

export type DynamicsValues = Values<typeof DYNAMICS_SCHEMA>;

/**
 * The plan a run of `values` trains: the lecture's (its schedule scaled to the rate, as chapter
 * 2's), the model's options written only where they differ from the model's own defaults
 * (one layer, no dropout), so that a plan equals the plan of a Node run of the same
 * configuration.
 */
export function dynamicsPlan(values: DynamicsValues): TrainingPlan {
  const seed = values.seed;
  const depth = values.depth;
  const dropout = values.dropout;
  const config: Omit<MlpConfig, 'vocabSize'> = {
    blockSize: LECTURE_MODEL.blockSize,
    embedDim: LECTURE_MODEL.embedDim,
    hiddenDim: Number(values.hidden),
    norm: values.norm as MlpConfig['norm'],
    init: values.init as MlpConfig['init'],
    seed,
    ...(depth > 1 ? { depth } : {}),
    ...(dropout > 0 ? { dropout } : {}),
  };
  const plan = lecturePlanWith({ kind: 'mlp', config }, { learningRate: values.lr, batchSize: Number(values.batch), steps: Number(values.steps), seed });
  const subset = values.subset === 'all' ? {} : { trainSubset: Number(values.subset) };
  return { ...plan, weightDecay: Number(values.wd), ...subset };
}

/** How far above a uniform guess's ln V a step-0 loss still counts as "near" it (a small output layer's start lands within a few hundredths). */
export const NEAR_UNIFORM = 0.2;
/** From how many times ln V a step-0 loss counts as "far above" it: the hockey stick of a naive output layer. */
export const FAR_ABOVE_UNIFORM = 2;
/**
 * The dev − train gap, as a share of the dev loss, from which the words call a run overfitting:
 * about 0.1 nats at a trained model's 2.2, more early in a run, when the train estimate (8
 * batches) is noisier.
 */
export const OVERFIT_SHARE = 0.05;

/** Where a step-0 loss stands against a uniform guess's loss `uniform` (ln V). */
export function startVerdict(loss: number, uniform: number): 'near' | 'above' | 'far' {
  if (loss <= uniform + NEAR_UNIFORM) return 'near';
  return loss >= FAR_ABOVE_UNIFORM * uniform ? 'far' : 'above';
}

/** Whether a run's end (`train`, `dev`) shows it fitting its training names more than names in general. */
export function overfits(train: number, dev: number): boolean {
  return dev - train > OVERFIT_SHARE * dev;
}
