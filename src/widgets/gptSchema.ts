import type { DatasetId } from '../../lab/data/datasets';
import type { GptConfig } from '../../lab/models/gpt';
import { type Recipe, RECIPES, recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
import { canonicalJson } from './canonicalJson';
import { choice } from './mlpSchema';
import { planWith } from './runPlan';
import { TRAINER_SCHEMA } from './trainerSchema';
import type { Values } from './urlState';

/** A GPT's config as a plan holds it (the vocabulary comes from the data set). */
type GptModel = Omit<GptConfig, 'vocabSize'>;

/** The data sets the GPT trainer offers, and the recipe each starts from when the reader's settings match no other. */
export const GPT_DATA_RECIPES = {
  tinyshakespeare: 'tinyshakespeare-gpt-chapter',
  'tang-wujue': 'tang-wujue-gpt',
  copy: 'copy-attention',
  names: 'names-gpt',
} as const satisfies Partial<Record<DatasetId, string>>;

export type GptDataset = keyof typeof GPT_DATA_RECIPES;

/** The values the GPT trainer's selects offer; the URL may only pick among them. */
export const GPT_CHOICES = {
  data: Object.keys(GPT_DATA_RECIPES) as GptDataset[],
  layers: [1, 2, 3, 4, 6, 8],
  /** 3 and 6 divide only some widths: the trainer says so rather than hiding them. */
  heads: [1, 2, 3, 4, 6, 8],
  embd: [16, 32, 48, 64, 96, 128, 192, 256, 384, 512],
  /** Besides the powers of two, the whole lines of the line data sets: names 16, copy 18, Tang 26. */
  block: [8, 16, 18, 26, 32, 64, 128, 256, 512],
  batch: [4, 8, 12, 16, 24, 32, 48, 64, 128],
  pos: ['on', 'off'],
} as const;

/** Chapter 7's recipe: the defaults of every setting. */
const CHAPTER = recipe(GPT_DATA_RECIPES.tinyshakespeare);
const CHAPTER_MODEL = gptModelOf(CHAPTER);

/**
 * The GPT trainer's settings as they appear in the URL (`gpt.heads=8`): the data set, the
 * model's layers, heads, embedding size (nEmbd), block size, dropout and position embeddings
 * on or off, the peak rate (typed freely), batch, steps (typed: a quick look of 30 steps is as
 * valid as nanoGPT's 2,000), seed (the weights' and the batches') and backend. Defaults:
 * chapter 7's recipe (tinyshakespeare-gpt-chapter); each page instance starts from its preset
 * (gptPresets.ts).
 */
export const GPT_SCHEMA = {
  data: { kind: 'enum', default: CHAPTER.dataset, options: GPT_CHOICES.data },
  layers: choice(GPT_CHOICES.layers, CHAPTER_MODEL.nLayer),
  heads: choice(GPT_CHOICES.heads, CHAPTER_MODEL.nHead),
  embd: choice(GPT_CHOICES.embd, CHAPTER_MODEL.nEmbd),
  block: choice(GPT_CHOICES.block, CHAPTER_MODEL.blockSize),
  /** Dropout on the embeddings, the attention weights and every residual branch while training. */
  dropout: { kind: 'float', default: CHAPTER_MODEL.dropout, min: 0, max: 0.9 },
  pos: { kind: 'enum', default: CHAPTER_MODEL.positions === false ? 'off' : 'on', options: GPT_CHOICES.pos },
  lr: { kind: 'float', default: CHAPTER.plan.learningRate, min: 1e-5, max: 1 },
  batch: choice(GPT_CHOICES.batch, CHAPTER.plan.batchSize),
  steps: { kind: 'int', default: CHAPTER.plan.steps, min: 10, max: 20_000 },
  seed: { kind: 'int', default: CHAPTER.plan.seed, min: 0, max: 2_147_483_647 },
  backend: TRAINER_SCHEMA.backend,
} as const;

export type GptValues = Values<typeof GPT_SCHEMA>;

/** The GPT config of a recipe. */
function gptModelOf(r: Recipe): GptModel {
  if (r.plan.model.kind !== 'gpt') throw new Error(`${r.id} is not a GPT recipe`);
  return r.plan.model.config;
}

/** The settings that reproduce a GPT recipe's plan exactly: a preset, or the schema's defaults. */
export function recipeValues(id: string): Omit<GptValues, 'backend'> {
  const r = recipe(id);
  const model = gptModelOf(r);
  return {
    data: r.dataset,
    layers: String(model.nLayer),
    heads: String(model.nHead),
    embd: String(model.nEmbd),
    block: String(model.blockSize),
    dropout: model.dropout,
    pos: model.positions === false ? 'off' : 'on',
    lr: r.plan.learningRate,
    batch: String(r.plan.batchSize),
    steps: r.plan.steps,
    seed: r.plan.seed,
  };
}

/**
 * Fewest steps between two evaluations of a shortened GPT run: a whole evaluation of
 * Shakespeare's dev split takes as long as about 40 of the chapter GPT's steps in a tab (10 s on
 * wasm, measured 2026-11-30), so a 40-step run that kept the recipe's 15 evaluations would spend
 * most of its time evaluating.
 */
const MIN_EVAL_EVERY = 10;

/**
 * `base`'s plan with the reader's model and run: the layers, heads, width, block, dropout and
 * positions on the recipe's other choices (bias, tying, init), the seed for both the weights and
 * the batches, and planWith's rate (the recipe's schedule scaled), batch, steps and evaluations.
 * A model with positions is written as the recipes write it, without the key.
 */
function planOn(base: Recipe, values: GptValues): TrainingPlan {
  const { positions: _positions, ...rest } = gptModelOf(base);
  const config: GptModel = {
    ...rest,
    blockSize: Number(values.block),
    nLayer: Number(values.layers),
    nHead: Number(values.heads),
    nEmbd: Number(values.embd),
    dropout: values.dropout,
    seed: values.seed,
    ...(values.pos === 'off' ? { positions: false } : {}),
  };
  return planWith(base.plan, { kind: 'gpt', config }, { learningRate: values.lr, batchSize: Number(values.batch), steps: values.steps, seed: values.seed }, MIN_EVAL_EVERY);
}

/**
 * The plan a run of `values` trains. The GPT recipes of its data set whose plan the values
 * reproduce exactly are taken as they are (so a preset's run is its recipe's, and the recipe's
 * Node curve applies); otherwise the data set's chapter recipe ({@link GPT_DATA_RECIPES}) with
 * the reader's settings: its warm-up, weight decay, beta2 and clipping stay.
 */
export function gptPlan(values: GptValues): TrainingPlan {
  for (const r of RECIPES) {
    if (r.dataset !== values.data || r.plan.model.kind !== 'gpt') continue;
    const plan = planOn(r, values);
    if (canonicalJson(plan) === canonicalJson(r.plan)) return r.plan;
  }
  return planOn(recipe(GPT_DATA_RECIPES[values.data as GptDataset]), values);
}

/** What the page knows of a data set the trainer offers: its vocabulary, and for a line data set the tokens of its longest line with its boundaries. */
export interface GptDataFacts {
  vocabSize: number;
  /** Tokens of a whole example (a line data set), which a GPT reads at once; absent for running text. */
  lineLength?: number;
}

/** Why `values` cannot train, besides memory, for the data sets' `facts`: a reason and its numbers, for the widget's words. */
export type GptProblem =
  | { problem: 'heads'; heads: number; embd: number }
  | { problem: 'blockShort'; block: number; line: number; need: number }
  | { problem: 'blockLong'; block: number; line: number; need: number };

/** The block a line data set's longest example of `line` tokens needs: the smallest offered that holds it. */
export function blockFor(line: number): number {
  return GPT_CHOICES.block.find((b) => b >= line) ?? line;
}

/**
 * Whether the sizes go together: the heads must divide the embedding (each head gets nEmbd/nHead
 * channels); on a line data set the block must hold its longest example whole (a GPT reads an
 * example at once), and be no longer than the block that does ({@link blockFor}: a longer one
 * only adds positions no example reaches, whose embeddings stay at their random start). The
 * Tang recipe's block of 26 is one longer than its 25 tokens, the smallest block offered above.
 */
export function gptProblem(values: GptValues, facts: Partial<Record<GptDataset, GptDataFacts>>): GptProblem | undefined {
  const heads = Number(values.heads);
  const embd = Number(values.embd);
  if (embd % heads !== 0) return { problem: 'heads', heads, embd };
  const line = facts[values.data as GptDataset]?.lineLength;
  const block = Number(values.block);
  if (line === undefined) return undefined;
  const need = blockFor(line);
  if (block < line) return { problem: 'blockShort', block, line, need };
  if (block > need) return { problem: 'blockLong', block, line, need };
  return undefined;
}
