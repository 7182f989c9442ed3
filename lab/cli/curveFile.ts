import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import type { DatasetId } from '../data/datasets';
import type { TrainingPlan } from '../train/run';
import type { TrainResult } from './commands';

/**
 * A reference curve file, `public/checkpoints/<id>.curve.json`: what a trainer of the site draws
 * dashed when the reader runs exactly `plan` (pages match the plan, not the id).
 * `dev` is the whole dev split; `train` the estimate the page's trainer measures too.
 */
export interface CurveFileContents {
  /** The recipe or page trainer it belongs to, for people reading the file. */
  recipe: string;
  dataset: DatasetId;
  plan: TrainingPlan;
  machine: { cpu: string; cores: number; node: string; backend: string; tfjs: string; date: string; seconds: number };
  final: TrainResult['final'];
  points: { step: number; train: number; dev: number }[];
}

/**
 * The curve file of a Node run of `plan` (trainCommand's result) on `backend`.
 * @throws when the run has no step-0 evaluation (a page's curve starts at step 0).
 */
export function curveFileOf(id: string, dataset: DatasetId, plan: TrainingPlan, result: TrainResult, backend: string): CurveFileContents {
  if (result.evals[0]?.step !== 0) throw new Error('the run has no step-0 evaluation');
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  return {
    recipe: id,
    dataset,
    plan,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      backend,
      tfjs: tf.version.tfjs,
      date: new Date().toISOString().slice(0, 10),
      seconds: Math.round(result.seconds * 10) / 10,
    },
    final: result.final,
    points: result.evals.map((e) => ({ step: e.step, train: round(e.train), dev: round(e.dev) })),
  };
}
