/**
 * Trains one recipe of lab/train/recipes.ts in Node and ships what a chapter page needs of it:
 * its checkpoint, its reference curve (train and dev loss at every evaluation, step 0 included)
 * and its row of the reference table, merged into public/checkpoints/reference.json and
 * docs/REFERENCE.md without touching the other rows (which take hours to train again).
 *
 *   npx tsx scripts/reference-curve.ts names-mlp-lecture
 *   npx tsx scripts/reference-curve.ts tang-wujue-mlp --no-curve
 *   npx tsx scripts/reference-curve.ts names-mlp-lecture --from out.json
 *   npx tsx scripts/reference-curve.ts names-gpt --no-row --checkpoint /tmp/names-gpt.ckpt
 *
 * `--from out.json` reuses a run already made, the stdout of
 * `npm run lab -- train --recipe <id> --out public/checkpoints/<id>.ckpt`, after checking that
 * its checkpoint holds exactly the recipe's plan.
 *
 * The curve file, `public/checkpoints/<id>.curve.json`:
 *   { recipe, dataset, plan, machine: { cpu, cores, node, backend, tfjs, date, seconds },
 *     final: { train, dev, test }, points: [{ step, train, dev }, ...] }
 * `dev` is the whole dev split; `train` an estimate on 8 batches of 64 training examples
 * (lab/train/run.ts), as the page's trainer measures it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { referenceRowOf, type TrainResult, trainCommand } from '../lab/cli/commands';
import { curveFileOf } from '../lab/cli/curveFile';
import { canonicalJson } from '../src/widgets/canonicalJson';
import { loadLocalDataset, REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import { referenceMarkdown, type ReferenceMachine, type ReferenceRow } from '../lab/cli/referenceTable';
import { DATASET_IDS, type DatasetId } from '../lab/data/datasets';
import { NGramModel } from '../lab/models/ngram';
import { decodeCheckpoint } from '../lab/train/checkpoint';
import { RECIPES, recipe } from '../lab/train/recipes';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, checkpoint: { type: 'string' }, 'no-curve': { type: 'boolean' }, 'no-row': { type: 'boolean' } },
});
const id = positionals[0];
if (!id) throw new Error('usage: npx tsx scripts/reference-curve.ts <recipe id> [--from train-output.json] [--no-curve] [--no-row]');
const r = recipe(id);
const outDir = `${REPO_ROOT}public/checkpoints`;
/** `--checkpoint elsewhere.ckpt` leaves the shipped checkpoint as it is (a curve for a row already trained). */
const checkpointPath = values.checkpoint ?? `${outDir}/${id}.ckpt`;

const backend = await useNodeBackend('wasm');
let result: TrainResult;
if (values.from) {
  const lines = (await readFile(values.from, 'utf8')).trim().split('\n');
  result = JSON.parse(lines[lines.length - 1]!) as TrainResult;
} else {
  result = await trainCommand({ dataset: r.dataset, plan: r.plan }, checkpointPath);
}
const checkpoint = decodeCheckpoint(new Uint8Array(await readFile(checkpointPath)));
const saved = checkpoint.config as { dataset: DatasetId; plan: unknown };
if (saved.dataset !== r.dataset || canonicalJson(saved.plan) !== canonicalJson(r.plan)) throw new Error(`${checkpointPath} was not trained with ${id}'s plan`);
if (canonicalJson(result.model) !== canonicalJson(r.plan.model) || result.steps !== r.plan.steps) throw new Error(`the run is not ${id}'s plan`);

if (!values['no-curve']) {
  const curve = curveFileOf(id, r.dataset, r.plan, result, backend);
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}/${id}.curve.json`, `${JSON.stringify(curve, null, 1)}\n`);
  console.error(`wrote ${outDir}/${id}.curve.json (${curve.points.length} points)`);
}

if (!values['no-row']) {
  const jsonPath = `${outDir}/reference.json`;
  const table = JSON.parse(await readFile(jsonPath, 'utf8')) as { machine: ReferenceMachine; rows: ReferenceRow[] };
  const rows = new Map(table.rows.map((row) => [row.id, row]));
  const bigram = `${r.dataset}-count-bigram`;
  if (!rows.has(bigram)) rows.set(bigram, await countBigramRow(r.dataset));
  rows.set(id, referenceRowOf(r, result));
  // The table keeps its own machine line: the other rows were measured there, and it is the same kind of machine.
  const ordered = [...rows.values()].sort((a, b) => rank(a) - rank(b));
  await writeFile(jsonPath, `${JSON.stringify({ machine: table.machine, rows: ordered }, null, 1)}\n`);
  await writeFile(`${REPO_ROOT}docs/REFERENCE.md`, referenceMarkdown(ordered, table.machine));
  console.error(`merged the ${id} row into ${jsonPath} and docs/REFERENCE.md`);
}

/** Rows by data set (the registry's order), the count bigram first, then the recipes' order. */
function rank(row: ReferenceRow): number {
  const dataset = DATASET_IDS.indexOf(row.dataset as DatasetId);
  const index = RECIPES.findIndex((x) => x.id === row.id);
  return 1000 * (dataset === -1 ? DATASET_IDS.length : dataset) + index;
}

/** The count bigram (add-1) row of a data set, as `npm run lab -- reference` writes it. */
async function countBigramRow(dataset: DatasetId): Promise<ReferenceRow> {
  const data = await loadLocalDataset(dataset);
  const model = new NGramModel(data.tokenizer.vocabSize, { order: 2, smoothing: 1 }).fit(data.splits.train);
  return {
    id: `${dataset}-count-bigram`,
    dataset,
    model: 'count bigram (k=1)',
    params: data.tokenizer.vocabSize ** 2,
    steps: 0,
    tokens: 0,
    seconds: 0,
    train: model.nll(data.splits.train),
    dev: model.nll(data.splits.dev),
    source: 'counted, not trained',
  };
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
