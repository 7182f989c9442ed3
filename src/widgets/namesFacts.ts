/**
 * What a trainer of a model on names tells its element at build time (its `facts` part): the
 * data set's shape, the count bigram's floor, and the runs trained in Node whose curves it may
 * draw. Build time only (Node).
 */
import type { ModelKind } from '../../lab/models/registry';
import { sequenceLength } from '../../lab/train/run';
import { recipe } from '../../lab/train/recipes';
import { MLP_RECIPE_ID } from './mlpSchema';
import type { ReferenceCurve, RunFacts } from './runPlan';
import { curveFiles } from './referenceCurves';
import { referenceRow, siteDataset } from './referenceData';

/** The shipped Node runs on names of models of `kinds` (public/checkpoints/<id>.curve.json): `only` the one of that recipe, else all of them. */
export function namesCurves(kinds: readonly ModelKind[], only?: string): ReferenceCurve[] {
  return Object.entries(curveFiles())
    .map(([id, c]) => ({ id, dataset: c.dataset, plan: c.plan as ReferenceCurve['plan'] | undefined, points: c.points }))
    .filter((c) => c.dataset === 'names' && c.plan !== undefined && kinds.includes(c.plan.model.kind) && (only === undefined || c.id === only))
    .map((c) => ({ plan: c.plan!, points: c.points }));
}

/** The shipped Node runs of MLPs on names: `only` the one of that recipe, else all of them. */
export function namesMlpCurves(only?: string): ReferenceCurve[] {
  return namesCurves(['mlp'], only);
}

/** The facts of a trainer on names that may draw `curves` (a whole name is as long for every model of the ladder). */
export async function namesRunFacts(curves: ReferenceCurve[]): Promise<RunFacts> {
  const names = await siteDataset('names');
  return {
    vocabSize: names.tokenizer.vocabSize,
    length: sequenceLength(names, recipe(MLP_RECIPE_ID).plan.model),
    floorDev: referenceRow('names-count-bigram')?.dev,
    curves,
  };
}

/** How many training names have each number of letters (index = letters): what a shorter block cuts. */
export async function namesLengths(): Promise<number[]> {
  const names = await siteDataset('names');
  const counts: number[] = [];
  for (const name of names.splits.train.sequences) counts[name.length] = (counts[name.length] ?? 0) + 1;
  return Array.from(counts, (n) => n ?? 0);
}
