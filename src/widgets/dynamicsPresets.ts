import { DYNAMICS_SCHEMA, dynamicsPlan, type DynamicsValues } from './dynamicsSchema';
import type { TrainingPlan } from '../../lab/train/run';
import { defaults, withDefaults } from './urlState';

/** An instance's own defaults: the settings it starts from where they differ from the schema's. */
export type DynamicsDefaults = Partial<Record<keyof typeof DYNAMICS_SCHEMA, string | number>>;

/**
 * The trainers of chapter 3's page, by URL prefix, with the settings each starts from. The MDX
 * passes them to `<DynamicsTrainer defaults={…}>`, and scripts/dynamics-curves.ts trains the same
 * plans in Node so that each trainer draws its own default's curve dashed
 * (`public/checkpoints/training-dynamics-<prefix>.curve.json`). 3,000 steps: under two minutes
 * on a laptop's wasm, and the figures of docs/DYNAMICS.md were measured at that length.
 */
export const CHAPTER3_TRAINERS = {
  /** The range test's trainer: chapter 2's lecture MLP from Kaiming's start. */
  dyn: { steps: 3000 },
  /** makemore's first try: every weight N(0, 1). */
  init: { init: 'naive', steps: 3000 },
  /** Three saturating layers without normalization, and the same with LayerNorm. */
  plain: { init: 'large', norm: 'none', depth: 3, steps: 3000 },
  norm: { init: 'large', norm: 'layer', depth: 3, steps: 3000 },
  /** 300 names and 400 units: memorised within a few hundred steps. */
  fit: { subset: '300', steps: 3000, hidden: 400 },
} as const satisfies Record<string, DynamicsDefaults>;

/** The values a trainer with `preset` starts from before the URL is read. */
export function presetValues(preset: DynamicsDefaults): DynamicsValues {
  return defaults(withDefaults(DYNAMICS_SCHEMA, preset)) as DynamicsValues;
}

/** The plan a trainer with `preset` runs when the reader changes nothing. */
export function presetPlan(preset: DynamicsDefaults): TrainingPlan {
  return dynamicsPlan(presetValues(preset));
}
