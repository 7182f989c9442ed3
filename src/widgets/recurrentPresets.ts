import type { TrainingPlan } from '../../lab/train/run';
import { RECURRENT_SCHEMA, recurrentPlan, type RecurrentValues } from './recurrentSchema';
import { defaults, withDefaults } from './urlState';

/** An instance's own defaults: the settings it starts from where they differ from the schema's. */
export type RecurrentDefaults = Partial<Record<keyof typeof RECURRENT_SCHEMA, string | number>>;

/**
 * The recurrent trainers of chapters 4 and 5, by the name the MDX uses, with the settings each
 * starts from (`<RecurrentTrainer defaults={RECURRENT_PRESETS.lstm}>`). The three cells start
 * from their chapter recipe (names-<cell>-chapter: the schema's defaults are the RNN's, and a
 * cell's recipe differs from the RNN's by the cell only), so each draws its shipped curve.
 */
export const RECURRENT_PRESETS = {
  rnn: { cell: 'rnn' },
  lstm: { cell: 'lstm' },
  gru: { cell: 'gru' },
  /**
   * Chapter 4's exploding gradients: an RNN whose recurrent weights start 3 times too large,
   * trained at 10 times the recipe's rate for 500 steps. Without clipping its loss blows up and
   * the divergence rule stops it; with clipping at 1 it trains (docs/RECURRENT-FIGURES.md,
   * "Exploding gradients", measured by scripts/explode-preset.ts).
   */
  explode: { cell: 'rnn', scale: 3, lr: 0.03, clip: 'off', steps: 500 },
} as const satisfies Record<string, RecurrentDefaults>;

/** The values a trainer with `preset` starts from before the URL is read. */
export function presetValues(preset: RecurrentDefaults): RecurrentValues {
  return defaults(withDefaults(RECURRENT_SCHEMA, preset)) as RecurrentValues;
}

/** The plan a trainer with `preset` runs when the reader changes nothing. */
export function presetPlan(preset: RecurrentDefaults): TrainingPlan {
  return recurrentPlan(presetValues(preset));
}
