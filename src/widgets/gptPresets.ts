import type { TrainingPlan } from '../../lab/train/run';
import { GPT_SCHEMA, gptPlan, type GptValues, recipeValues } from './gptSchema';
import { defaults, withDefaults } from './urlState';

/**
 * The GPT trainers of chapters 6 and 7, by the name the MDX uses (`<GptTrainer preset="tang">`),
 * each the settings of one recipe, read from the recipe itself so that they cannot drift apart:
 * a preset's run is its recipe's plan, exactly, and draws the recipe's Node curve dashed.
 */
export const GPT_PRESETS = {
  /** Chapter 7's GPT: 4 layers of 4 heads, 64 channels, block 64, 1,500 steps of 16 on Shakespeare. */
  chapter: recipeValues('tinyshakespeare-gpt-chapter'),
  /** nanoGPT's CPU configuration (128 channels, 2,000 steps of 12): the shipped Shakespeare GPT. */
  nanogpt: recipeValues('tinyshakespeare-gpt'),
  /** Chapter 7's Tang poet: a whole quatrain (26 tokens) at once, dropout 0.1. */
  tang: recipeValues('tang-wujue-gpt'),
  /** Chapter 6's single head on the copy task. */
  copy: recipeValues('copy-attention'),
  /** The same head without position embeddings. */
  'copy-nopos': recipeValues('copy-attention-nopos'),
} as const;

export type GptPresetName = keyof typeof GPT_PRESETS;

/** The URL prefix each preset's trainer takes unless a page gives another. */
export const GPT_PREFIXES: Record<GptPresetName, string> = { chapter: 'gpt', nanogpt: 'nanogpt', tang: 'tang', copy: 'copy', 'copy-nopos': 'nopos' };

/** The values a trainer with `preset` starts from before the URL is read. */
export function presetValues(preset: GptPresetName): GptValues {
  return defaults(withDefaults(GPT_SCHEMA, GPT_PRESETS[preset])) as GptValues;
}

/** The plan a trainer with `preset` runs when the reader changes nothing. */
export function presetPlan(preset: GptPresetName): TrainingPlan {
  return gptPlan(presetValues(preset));
}
