import type { ModelSpec } from '../../lab/models/registry';
import type { TrainingPlan } from '../../lab/train/run';
import { canonicalJson } from './canonicalJson';

/**
 * What the trainers of a model on names share, besides their element (planRunWidget.ts): the
 * Node runs they draw dashed, what the page tells them at build time, and a recipe's plan with
 * the reader's model, rate, batch, steps and seed. Pure, so that the pages' build uses it too.
 */

/** One evaluation of a reference run: its train estimate and dev loss. */
export interface CurvePoint {
  step: number;
  train: number;
  dev: number;
}

/** A run of a configuration trained in Node (public/checkpoints/<id>.curve.json): its plan and its evaluations. */
export interface ReferenceCurve {
  plan: TrainingPlan;
  points: CurvePoint[];
}

/** What the page knows at build time (the markup's `facts` part): the data set's shape, the floor and the reference curves. */
export interface RunFacts {
  vocabSize: number;
  /** Tokens per sequence the trainer trains on unless its plan says fewer (the longest name and its boundaries). */
  length: number;
  /** Dev loss of the count bigram: the floor a neural model must get under. */
  floorDev?: number;
  /** Configurations trained in Node, drawn dashed when they apply. */
  curves: ReferenceCurve[];
}

/** The Node run of exactly `plan`, if one is shipped: its curve is what a run of it should look like. */
export function referenceFor(curves: readonly ReferenceCurve[], plan: TrainingPlan): ReferenceCurve | undefined {
  const wanted = canonicalJson(plan);
  return curves.find((c) => canonicalJson(c.plan) === wanted);
}

/**
 * `base` (a recipe's plan) with another model, rate (the cosine schedule ends at the same share
 * of it as the recipe's does), batch, steps and seed. Evaluations keep the recipe's count, so
 * the curve has as many points whatever the steps, but come at most every `minEvalEvery` steps
 * (or the recipe's own cadence, if shorter): a trainer whose evaluations are slow says so.
 */
export function planWith(base: TrainingPlan, model: ModelSpec, run: Pick<TrainingPlan, 'learningRate' | 'batchSize' | 'steps' | 'seed'>, minEvalEvery = 1): TrainingPlan {
  const evaluations = Math.max(1, Math.round(base.steps / base.evalEvery));
  // The recipe's own rate keeps its floor as written (a product and a quotient may round it off).
  const floor = (min: number) => (run.learningRate === base.learningRate ? min : (run.learningRate * min) / base.learningRate);
  const scheduled = base.minLearningRate !== undefined ? { minLearningRate: floor(base.minLearningRate) } : {};
  const evalEvery = Math.max(Math.min(minEvalEvery, base.evalEvery), Math.round(run.steps / evaluations));
  return { ...base, ...scheduled, ...run, model, evalEvery };
}
