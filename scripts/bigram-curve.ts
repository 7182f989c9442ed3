/**
 * Trains chapter 1's neural bigram with the trainer's default settings in Node, through the same
 * worker code the page runs (LabHost on tfjs's wasm backend), and writes its reference curve,
 * which the trainer draws dashed: `public/checkpoints/names-bigram-trainer.curve.json`.
 *
 *   npx tsx scripts/bigram-curve.ts
 *
 * The file: { widget, dataset, job, machine: { cpu, cores, node, backend, tfjs, date, seconds },
 *   final: { train, dev }, points: [{ step, train, dev }, ...] }, train and dev being the whole
 * splits' losses at every evaluation, step 0 included, as the page measures them.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { REPO_ROOT } from '../lab/cli/environment';
import { LabHost } from '../lab/worker/host';
import type { LossPoint, WorkerResponse } from '../lab/worker/protocol';
import { defaults } from '../src/widgets/urlState';
import { bigramJob, TRAINER_SCHEMA } from '../src/widgets/trainerSchema';

const out = `${REPO_ROOT}public/checkpoints/names-bigram-trainer.curve.json`;
const job = bigramJob(defaults(TRAINER_SCHEMA));
const messages: WorkerResponse[] = [];
const host = new LabHost({
  post: (m) => messages.push(m),
  reader: () => (file) => readFile(`${REPO_ROOT}public/data/${file}`, 'utf8'),
  wasmDirectory: () => `${REPO_ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
});
const started = performance.now();
await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm' });
await host.handle({ type: 'start', jobId: 1, job });
const failure = messages.find((m) => m.type === 'error');
if (failure) throw new Error(`the run failed: ${failure.message}`);

const points = messages.flatMap((m) => (m.type === 'progress' ? m.points : []));
const at = (series: LossPoint['series']) => new Map(points.filter((p) => p.series === series).map((p) => [p.step, p.loss]));
const [train, dev] = [at('train'), at('dev')];
const curve = [...dev.keys()].map((step) => ({ step, train: round(train.get(step) ?? NaN), dev: round(dev.get(step)!) }));
if (curve[0]?.step !== 0 || curve.at(-1)?.step !== job.steps) throw new Error('the run lacks its first or last evaluation');
const ready = messages.find((m) => m.type === 'ready');
const file = {
  widget: 'lm-bigram-trainer',
  dataset: job.dataset,
  job,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    backend: ready?.type === 'ready' ? ready.backend : tf.getBackend(),
    tfjs: tf.version.tfjs,
    date: new Date().toISOString().slice(0, 10),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  },
  final: { train: curve.at(-1)!.train, dev: curve.at(-1)!.dev },
  points: curve,
};
await writeFile(out, `${JSON.stringify(file, null, 1)}\n`);
console.error(`wrote ${out} (${curve.length} points, dev ${file.final.dev})`);

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
