import type { CellKind, RecurrentConfig } from '../../lab/models/recurrent';
import type { ModelSpec } from '../../lab/models/registry';
import { recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
import { choice } from './mlpSchema';
import { planWith } from './runPlan';
import { TRAINER_SCHEMA } from './trainerSchema';
import type { Values } from './urlState';

/** The recipe of each cell that chapters 4 and 5's trainers start from; its curve is shipped beside its checkpoint. */
export const chapterRecipeId = (cell: CellKind): string => `names-${cell}-chapter`;

/** The RNN's chapter recipe: the plan every default below comes from (the three cells share it but for the cell). */
const CHAPTER_PLAN: TrainingPlan = recipe(chapterRecipeId('rnn')).plan;
const CHAPTER_MODEL = CHAPTER_PLAN.model.config as Omit<RecurrentConfig, 'vocabSize' | 'cell'>;

/** Tokens of a whole name: the longest (15 letters) and its closing boundary, the recipe's block. */
export const WHOLE_NAME = CHAPTER_MODEL.blockSize;

/** The values the recurrent trainer's selects offer; the URL may only pick among them. */
export const RECURRENT_CHOICES = {
  cell: ['rnn', 'lstm', 'gru'],
  hidden: [16, 32, 64, 128, 256, 512],
  embed: [8, 16, 32, 64, 128],
  clip: ['on', 'off'],
  /** Tokens per training sequence: shorter blocks cut the longer names (see {@link cutShare}). */
  seq: [4, 6, 8, 10, 12, WHOLE_NAME],
  batch: [8, 16, 32, 64, 128, 256],
  steps: [100, 300, 500, 1000, 2000, 3000, 6000, 10000],
} as const;

/**
 * Chapters 4 and 5's trainer settings as they appear in the URL (`rnn.cell=lstm`): the cell,
 * its state and embedding sizes, the rate (typed freely), gradient clipping on or off and its
 * norm, the sequence length, batch, steps, seed, the scale of the recurrent weights' start
 * (`scale`, RecurrentConfig.recurrentScale) and the backend. Defaults: the chapter recipe's
 * plan (names-rnn-chapter); a page gives each instance its own (`data-defaults`, e.g. the cell).
 */
export const RECURRENT_SCHEMA = {
  cell: { kind: 'enum', default: 'rnn', options: RECURRENT_CHOICES.cell },
  hidden: choice(RECURRENT_CHOICES.hidden, CHAPTER_MODEL.hiddenDim),
  embed: choice(RECURRENT_CHOICES.embed, CHAPTER_MODEL.embedDim),
  lr: { kind: 'float', default: CHAPTER_PLAN.learningRate, min: 1e-5, max: 10 },
  clip: { kind: 'enum', default: CHAPTER_PLAN.clipNorm === undefined ? 'off' : 'on', options: RECURRENT_CHOICES.clip },
  /** The global gradient norm clipping cuts to (when `clip` is on). */
  norm: { kind: 'float', default: CHAPTER_PLAN.clipNorm ?? 1, min: 0.01, max: 100 },
  seq: choice(RECURRENT_CHOICES.seq, WHOLE_NAME),
  batch: choice(RECURRENT_CHOICES.batch, CHAPTER_PLAN.batchSize),
  steps: choice(RECURRENT_CHOICES.steps, CHAPTER_PLAN.steps),
  seed: { kind: 'int', default: CHAPTER_PLAN.seed, min: 0, max: 2_147_483_647 },
  /** Multiplies the bound of the recurrent weights' uniform start, U(±scale/√H): above ~1 gradients grow with distance, below they fade faster. */
  scale: { kind: 'float', default: 1, min: 0.05, max: 10 },
  backend: TRAINER_SCHEMA.backend,
} as const;

export type RecurrentValues = Values<typeof RECURRENT_SCHEMA>;

/**
 * The plan a run of `values` trains: the cell's chapter recipe with the reader's model, rate (the
 * cosine schedule ending at a tenth of it, as the recipe's), clipping, batch, steps and seed.
 * What equals the recipe is written as the recipe writes it (no `recurrentScale` at 1, no
 * `sequenceLength` for whole names), so that the defaults' plan is the recipe's, exactly, and
 * its shipped curve applies. A shorter block trains and evaluates on the first `seq` tokens of
 * each name, and samples from the last `seq`.
 */
export function recurrentPlan(values: RecurrentValues): TrainingPlan {
  const cell = values.cell as CellKind;
  const base = recipe(chapterRecipeId(cell)).plan;
  const seq = Number(values.seq);
  const config: Omit<RecurrentConfig, 'vocabSize' | 'cell'> = {
    blockSize: seq,
    embedDim: Number(values.embed),
    hiddenDim: Number(values.hidden),
    seed: values.seed,
    ...(values.scale !== 1 ? { recurrentScale: values.scale } : {}),
  };
  const { clipNorm: _clip, ...unclipped } = planWith(base, { kind: cell, config } as ModelSpec, { learningRate: values.lr, batchSize: Number(values.batch), steps: Number(values.steps), seed: values.seed });
  return {
    ...unclipped,
    ...(values.clip === 'on' ? { clipNorm: values.norm } : {}),
    ...(seq !== WHOLE_NAME ? { sequenceLength: seq } : {}),
  };
}

/**
 * The share of names (by their `lengths`: how many names have each number of letters, index =
 * letters) that a block of `seq` tokens cuts: a name of n letters needs n + 1 targets (its
 * letters and its end), so those of `seq` letters or more lose their end, and their later letters.
 */
export function cutShare(lengths: readonly number[], seq: number): number {
  const total = lengths.reduce((s, n) => s + n, 0);
  const cut = lengths.reduce((s, n, letters) => s + (letters >= seq ? n : 0), 0);
  return total > 0 ? cut / total : 0;
}
