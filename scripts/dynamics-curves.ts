/**
 * Trains, in Node, the plan each trainer of chapter 3's page runs when the reader changes nothing
 * (src/widgets/dynamicsPresets.ts), and ships its curve as
 * `public/checkpoints/training-dynamics-<prefix>.curve.json`, which that trainer draws dashed.
 * About 1 to 4 minutes per trainer on 2 cores.
 *
 *   npx tsx scripts/dynamics-curves.ts            # every trainer of the page
 *   npx tsx scripts/dynamics-curves.ts init fit   # some of them
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { trainCommand } from '../lab/cli/commands';
import { curveFileOf } from '../lab/cli/curveFile';
import { REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import { CHAPTER3_TRAINERS, presetPlan } from '../src/widgets/dynamicsPresets';

type Prefix = keyof typeof CHAPTER3_TRAINERS;
const all = Object.keys(CHAPTER3_TRAINERS) as Prefix[];
const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !(all as string[]).includes(p));
if (unknown.length > 0) throw new Error(`no trainer ${unknown.join(', ')} on chapter 3's page; there are ${all.join(', ')}`);
const prefixes = asked.length > 0 ? (asked as Prefix[]) : all;

const backend = await useNodeBackend('wasm');
const outDir = `${REPO_ROOT}public/checkpoints`;
await mkdir(outDir, { recursive: true });
for (const prefix of prefixes) {
  const id = `training-dynamics-${prefix}`;
  const plan = presetPlan(CHAPTER3_TRAINERS[prefix]);
  const result = await trainCommand({ dataset: 'names', plan });
  const curve = curveFileOf(id, 'names', plan, result, backend);
  await writeFile(`${outDir}/${id}.curve.json`, `${JSON.stringify(curve, null, 1)}\n`);
  console.error(`wrote ${id}.curve.json: ${curve.points.length} points, dev ${result.final.dev?.toFixed(4)} in ${Math.round(result.seconds)} s`);
}
