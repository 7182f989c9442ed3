/**
 * The reference table as the pages see it at build time: the rows `npm run lab -- reference`
 * wrote to public/checkpoints/reference.json, and per recipe what the recipe trainer needs to
 * know before it runs. Build time only (Node): it reads the data sets from the file system.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machinesOf, type ReferenceMachine, type ReferenceRow } from '../../lab/cli/referenceTable';
import { type Dataset, type DatasetId, loadDataset } from '../../lab/data/datasets';
import { RECIPES } from '../../lab/train/recipes';
import { sequenceLength } from '../../lab/train/run';
import reference from '../../public/checkpoints/reference.json';
import type { RecipeFacts } from './recipeSchema';

/** The table and the machine it was measured on. */
export const REFERENCE = reference as { machine: ReferenceMachine; rows: ReferenceRow[] };

/** When the trained rows ran: `2026-11-26`, or `2026-11-26 – 2026-11-30` when they ran on different days. */
export function referenceDates(): string {
  const dates = machinesOf(REFERENCE.rows, REFERENCE.machine)
    .map((m) => m.machine.date)
    .sort();
  const first = dates[0] ?? REFERENCE.machine.date;
  const last = dates.at(-1) ?? first;
  return first === last ? first : `${first} – ${last}`;
}

/** The reference row of a recipe (or of `<data>-count-bigram`), if it has been measured. */
export function referenceRow(id: string): ReferenceRow | undefined {
  return REFERENCE.rows.find((r) => r.id === id);
}

/** Data sets loaded once per build, from the files the site serves. */
const loaded = new Map<DatasetId, Promise<Dataset>>();

/** A data set as the site serves it, loaded once per build. */
export function siteDataset(id: DatasetId): Promise<Dataset> {
  let found = loaded.get(id);
  if (!found) {
    // The build runs from the repository root; public/ is copied to the site as it is.
    found = loadDataset(id, (file) => readFile(join(process.cwd(), 'public', 'data', file), 'utf8'));
    loaded.set(id, found);
  }
  return found;
}

/** Every recipe's facts: tokens per step (as the worker will train), its Node reference, target and floor. */
export async function recipeFacts(): Promise<RecipeFacts[]> {
  return Promise.all(
    RECIPES.map(async (r) => {
      const length = r.plan.sequenceLength ?? sequenceLength(await siteDataset(r.dataset), r.plan.model);
      const row = referenceRow(r.id);
      return {
        id: r.id,
        tokensPerStep: r.plan.batchSize * length,
        referenceDev: row?.dev,
        referenceSteps: row?.steps,
        target: r.target,
        floorDev: referenceRow(`${r.dataset}-count-bigram`)?.dev,
      };
    }),
  );
}
