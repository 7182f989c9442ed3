/**
 * Measures chapter 4's vanishing gradient in Node, as the gradient chart (lm-gradient-flow) does:
 * g(d) = ‖∂ℓ/∂h_t‖ at distance d = T − 1 − t from the loss (ℓ the cross-entropy at the last
 * position), averaged over 32 windows of 40 tokens of the running dev text of names
 * (`{ split: 'dev', count: 32, length: 40 }`, the `norm` probe with `average` on `rnn.state_grad`),
 * through the worker's own snapshot path. Models: the chapters' shipped checkpoints
 * (names-{rnn,lstm,gru}-chapter), the race's names-rnn and names-lstm, and fresh RNNs of the
 * chapter's size at recurrentScale 0.5, 1, 2 and 4 (and a fresh LSTM). Writes the section
 * "Gradient flow" of docs/RECURRENT-FIGURES.md (the rest of the file is kept) and prints the rows.
 *
 *   nice -n 10 npx tsx scripts/gradient-flow.ts
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { loadLocalDataset, REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import type { ModelSpec } from '../lab/models/registry';
import { recipe } from '../lab/train/recipes';
import { inputBatch, type InspectedModel, snapshot } from '../lab/worker/inspect';
import { freshModel, type LoadedModel, modelFromCheckpoint } from '../lab/worker/loadModel';

/** The chart's input and probe. */
const INPUT = { split: 'dev', count: 32, length: 40 } as const;
const PROBE = { flow: { key: 'rnn.state_grad', as: 'norm', average: true } } as const;
/** Distances the table shows; the ratio is g(1) / g(30). */
const DISTANCES = [0, 1, 2, 5, 10, 20, 30, 39];
const SCALES = [0.5, 1, 2, 4];
const FILE = `${REPO_ROOT}docs/RECURRENT-FIGURES.md`;

const backend = await useNodeBackend('wasm');
const dataset = await loadLocalDataset('names');

/** One model's g(d) for d = 0 … 39. */
async function flow(loaded: LoadedModel): Promise<number[]> {
  const target: InspectedModel = { ...loaded, dataset, datasetKind: dataset.info.kind };
  const batch = inputBatch(target, INPUT); // (32, 40) each
  try {
    const { arrays } = await snapshot(target, batch, PROBE, new Map());
    return Array.from(arrays.flow!.data).reverse(); // position t = 39 − d
  } finally {
    tf.dispose([batch.x, batch.y]);
    loaded.model.dispose();
  }
}

const rows: { label: string; g: number[] }[] = [];
for (const name of ['names-rnn-chapter', 'names-lstm-chapter', 'names-gru-chapter', 'names-rnn', 'names-lstm']) {
  const loaded = modelFromCheckpoint(new Uint8Array(await readFile(`${REPO_ROOT}public/checkpoints/${name}.ckpt`)), name);
  const c = loaded.spec.config as { embedDim: number; hiddenDim: number };
  rows.push({ label: `${name} (${loaded.spec.kind}, ${c.hiddenDim} units, step ${loaded.step})`, g: await flow(loaded) });
}
const chapter = recipe('names-rnn-chapter').plan.model.config;
for (const [kind, scale] of [...SCALES.map((s) => ['rnn', s] as const), ['lstm', 1] as const]) {
  const spec = { kind, config: { ...chapter, recurrentScale: scale } } as ModelSpec;
  rows.push({ label: `fresh ${kind}, recurrentScale ${scale} (128 units, step 0)`, g: await flow(freshModel(spec, 'names', dataset.tokenizer.chars)) });
}

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(Math.log10(Math.abs(x))) >= 3 ? x.toExponential(2) : x.toPrecision(3));
const table = [
  `| model | ${DISTANCES.map((d) => `g(${d})`).join(' | ')} | g(1) / g(30) |`,
  `| --- | ${DISTANCES.map(() => '---').join(' | ')} | --- |`,
  ...rows.map(({ label, g }) => `| ${label} | ${DISTANCES.map((d) => fmt(g[d]!)).join(' | ')} | ${fmt(g[1]! / g[30]!)} |`),
];
const ratio = (name: string) => {
  const g = rows.find((r) => r.label.startsWith(`${name} `))!.g;
  return g[1]! / g[30]!;
};
const [rnnRatio, lstmRatio] = [ratio('names-rnn-chapter'), ratio('names-lstm-chapter')];
const verdict = `The shipped chapter RNN's norms fall ${rnnRatio > lstmRatio ? 'faster' : 'NOT faster'} with distance than the LSTM's of the same size: g(1) / g(30) is ${fmt(rnnRatio)} against ${fmt(lstmRatio)}.`;
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs} (${backend})`;
const section = [
  '## Gradient flow',
  '',
  `Measured by \`scripts/gradient-flow.ts\` on ${new Date().toISOString().slice(0, 10)} (${machine}). g(d) is ‖∂ℓ/∂h_t‖ at`,
  'distance d = 39 − t from the loss, ℓ the mean cross-entropy at the last position of a window,',
  'averaged over the first 32 windows of 40 tokens of the running dev text of names (the names joined',
  "by their boundary token): the gradient chart's input and probe (`rnn.state_grad`, `norm` with",
  '`average`). The fresh models have the chapter\'s size (embedding 32, 128 units, seed 3407).',
  '',
  ...table,
  '',
  verdict,
  '',
].join('\n');

let doc = '# Recurrent chapters: measured figures\n\n';
try {
  doc = await readFile(FILE, 'utf8');
} catch {
  // A new file: the heading above.
}
const start = doc.indexOf('## Gradient flow');
const end = start < 0 ? -1 : doc.indexOf('\n## ', start + 1);
doc = start < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, start)}${section}${end < 0 ? '' : doc.slice(end + 1)}`;
await writeFile(FILE, doc);
console.log([...table, '', verdict].join('\n'));
