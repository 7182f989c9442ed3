import type { DatasetId } from '../../lab/data/datasets';
import type { ModelSpec } from '../../lab/models/registry';
import { RECIPES, type Recipe } from '../../lab/train/recipes';
import type { TrainingPlan } from '../../lab/train/run';
import type { Locale } from '../i18n/locales';
import { COMMON_TEXT, type CommonKey } from './text/common';
import { type TextKey, type TextVars, translator } from './text/define';
import { RECIPE_TRAINER_TEXT } from './text/recipeTrainer';
import { TRAINER_SCHEMA } from './trainerSchema';

/**
 * The recipe trainer's settings, seed included, as they appear in the URL (`race.recipe=…`).
 * Steps and seed default to 0, which means "the recipe's own", so that a link without them
 * runs the recipe exactly as the reference table did, whichever recipe it picks.
 */
export const RECIPE_SCHEMA = {
  /** A recipe of the reference table, by id. */
  recipe: { kind: 'enum', default: 'names-gpt', options: RECIPES.map((r) => r.id) },
  /** Optimizer steps; 0 runs the recipe's own number. */
  steps: { kind: 'int', default: 0, min: 0, max: 100_000 },
  /** Seed of the initial weights and the batches; 0 uses the recipe's own. */
  seed: { kind: 'int', default: 0, min: 0, max: 999_999 },
  backend: TRAINER_SCHEMA.backend,
} as const;

/** The shares of a recipe's steps the steps menu offers besides the whole run. */
const STEP_FRACTIONS = [
  { label: '1/2', share: 1 / 2 },
  { label: '1/4', share: 1 / 4 },
  { label: '1/10', share: 1 / 10 },
  { label: '1/100', share: 1 / 100 },
] as const;

/** What the page knows of a recipe at build time, beyond its plan: handed to the element as JSON. */
export interface RecipeFacts {
  id: string;
  /** Tokens per optimizer step: batch × the sequence length the plan trains on. */
  tokensPerStep: number;
  /** Dev loss of the Node reference run, when the table has one. */
  referenceDev?: number;
  /** Steps of the Node reference run. */
  referenceSteps?: number;
  /** The dev loss to reach, when the recipe sets one. */
  target?: number;
  /** Dev loss of the data set's count bigram (add-one smoothing): the floor every model must beat. */
  floorDev?: number;
}

/** A string of the recipe trainer (its own or a common one) in `lang`. */
function format(lang: Locale, key: CommonKey | TextKey<typeof RECIPE_TRAINER_TEXT>, vars?: TextVars): string {
  return translator(lang, COMMON_TEXT, RECIPE_TRAINER_TEXT)(key, vars);
}

/** The recipe called `id`, or the default one. */
export function recipeOf(id: string): Recipe {
  return RECIPES.find((r) => r.id === id) ?? RECIPES.find((r) => r.id === RECIPE_SCHEMA.recipe.default)!;
}

/**
 * A recipe's plan with the reader's steps and seed (0: the recipe's own). Fewer steps keep the
 * number of evaluations and shrink the cosine decay with them, as `lab reference --scale` does.
 */
export function planFor(recipe: Recipe, steps: number, seed: number): TrainingPlan {
  const plan = recipe.plan;
  const total = steps || plan.steps;
  const runSeed = seed || plan.seed;
  const model = { ...plan.model, config: { ...plan.model.config, seed: runSeed } } as ModelSpec;
  return { ...plan, model, steps: total, seed: runSeed, evalEvery: Math.max(1, Math.round((plan.evalEvery * total) / plan.steps)) };
}

/**
 * When the reader picks another recipe: the same share of the new recipe's steps if the old
 * value was one of the menu's shares, else the value as it was (0, the whole run, stays 0).
 */
export function carrySteps(steps: number, from: Recipe, to: Recipe): number {
  const share = STEP_FRACTIONS.find((f) => Math.round(from.plan.steps * f.share) === steps);
  return share ? Math.max(1, Math.round(to.plan.steps * share.share)) : steps;
}

/** The steps menu for a recipe, labelled in `lang`; a value from a link that is not a share gets its own entry. */
export function stepOptions(lang: Locale, recipe: Recipe, current: number): { value: string; label: string }[] {
  const n = (x: number) => x.toLocaleString(lang);
  const total = recipe.plan.steps;
  const options = [
    { value: '0', label: format(lang, 'race.stepsFull', { steps: n(total) }) },
    ...STEP_FRACTIONS.map((f) => {
      const steps = Math.max(1, Math.round(total * f.share));
      return { value: String(steps), label: format(lang, 'race.stepsPart', { fraction: f.label, steps: n(steps) }) };
    }),
  ];
  if (!options.some((o) => o.value === String(current))) options.push({ value: String(current), label: format(lang, 'race.stepsOther', { steps: n(current) }) });
  return options;
}

/** A model of the ladder described in `lang`: its kind and size. */
export function modelLabel(lang: Locale, spec: ModelSpec): string {
  switch (spec.kind) {
    case 'bigram':
      return format(lang, 'model.bigram');
    case 'mlp':
      return format(lang, 'model.mlp', { block: spec.config.blockSize, embed: spec.config.embedDim, hidden: spec.config.hiddenDim });
    case 'rnn':
    case 'lstm':
    case 'gru':
      return format(lang, `model.${spec.kind}`, { hidden: spec.config.hiddenDim });
    case 'gpt': {
      const model = format(lang, 'model.gpt', { layers: spec.config.nLayer, heads: spec.config.nHead, dims: spec.config.nEmbd });
      return spec.config.dropout > 0 ? format(lang, 'model.withDropout', { model, rate: spec.config.dropout }) : model;
    }
  }
}

/** The recipe menu, labelled in `lang`: data set and model, and the steps where two recipes share both. */
export function recipeOptions(lang: Locale): { value: string; label: string }[] {
  const labels = RECIPES.map((r) => format(lang, 'race.option', { data: datasetName(lang, r.dataset), model: modelLabel(lang, r.plan.model) }));
  return RECIPES.map((r, i) => {
    const label = labels[i]!;
    const shared = labels.filter((l) => l === label).length > 1;
    return { value: r.id, label: shared ? format(lang, 'race.optionSteps', { recipe: label, steps: r.plan.steps.toLocaleString(lang) }) : label };
  });
}

/** A data set's short name in `lang`, for menus and table headings. */
export function datasetName(lang: Locale, id: DatasetId): string {
  return id === 'tang-wujue' || id === 'copy' ? format(lang, `data.${id}`) : format(lang, `race.data.${id}`);
}
