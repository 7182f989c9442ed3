/**
 * What an MLP trainer's markup tells its element at build time (its `facts` part): the names
 * data set's shape, the count bigram's floor, and the runs trained in Node whose curves it may
 * draw. Build time only (Node).
 */
import { sequenceLength } from '../../lab/train/run';
import { recipe } from '../../lab/train/recipes';
import { MLP_RECIPE_ID } from './mlpSchema';
import type { MlpFacts, ReferenceCurve } from './mlpRunWidget';
import { curveFiles } from './referenceCurves';
import { referenceRow, siteDataset } from './referenceData';

/** The shipped Node runs of MLPs on names (public/checkpoints/<id>.curve.json): `only` the one of that recipe, else all of them. */
export function namesMlpCurves(only?: string): ReferenceCurve[] {
  return Object.entries(curveFiles())
    .map(([id, c]) => ({ id, dataset: c.dataset, plan: c.plan as ReferenceCurve['plan'] | undefined, points: c.points }))
    .filter((c) => c.dataset === 'names' && c.plan?.model.kind === 'mlp' && (only === undefined || c.id === only))
    .map((c) => ({ plan: c.plan!, points: c.points }));
}

/** The facts of an MLP trainer on names that may draw `curves`. */
export async function namesMlpFacts(curves: ReferenceCurve[]): Promise<MlpFacts> {
  const names = await siteDataset('names');
  return {
    vocabSize: names.tokenizer.vocabSize,
    length: sequenceLength(names, recipe(MLP_RECIPE_ID).plan.model),
    floorDev: referenceRow('names-count-bigram')?.dev,
    curves,
  };
}
