/**
 * Measures, in Node on the wasm backend, the numbers chapters 4 ("Recurrent networks") and 5 ("LSTM
 * and GRU") quote that no widget's own script measures, and writes them to docs/recurrent-figures.json
 * and docs/RECURRENT.md. (The gradient-flow ratios, the interpretable units, the exploding preset and
 * the Tang LSTM are measured by the scripts that ship them: docs/RECURRENT-FIGURES.md.)
 *
 *   nice -n 10 npx tsx scripts/recurrent-figures.ts                # every group
 *   nice -n 10 npx tsx scripts/recurrent-figures.ts cells emma     # some groups; the others are kept from the JSON
 *   npx tsx scripts/recurrent-figures.ts --tables                  # only docs/RECURRENT.md again, from the JSON
 *
 * Groups:
 * - `cells`: ln 27; the parameters of the three cells at the chapters' size (embeddings 32, 128
 *   units), table by table; each fresh model's dev loss at step 0 (the recipe's seed);
 * - `table`: the names rows of public/checkpoints/reference.json the chapters compare, and the
 *   chapter checkpoints' dev and test losses recomputed from their files;
 * - `emma`: the chapter RNN, LSTM and GRU read "⏎emma": the probability each gives the true next
 *   character, its top three, the size of the RNN's state and its saturated share (|h| ≥ 0.97);
 * - `gates`: the gates of the Shakespeare LSTM on a line of the dev text, and of the names LSTM
 *   and GRU on "emma" (means, shares near 0 and 1, per character);
 * - `jacobian`: the largest singular value of the RNN's recurrent matrix W_h, fresh and trained,
 *   and the mean tanh slope 1 − h² of the trained RNN over the dev names: the two factors of
 *   ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hᵀ;
 * - `text`: facts of the data the chapters lean on: Tiny Shakespeare's longest line (against the
 *   LSTM's 64-character windows), the share of its capitals in the speaker lines ("TRANIO:"), and
 *   the names that begin with "emma".
 *
 * A group that needs a checkpoint that is not there (the chapter checkpoints ship separately) is
 * skipped with a note, and the chapters leave its figures out.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadLocalDataset, REPO_ROOT, shippedCheckpoint as checkpoint, useNodeBackend } from '../lab/cli/environment';
import { openFigures } from '../lab/cli/figuresFile';
import type { Dataset } from '../lab/data/datasets';
import type { LanguageModel } from '../lab/models/model';
import { createModel } from '../lab/models/registry';
import { displayToken } from '../lab/tokenizers/char';
import { recipe } from '../lab/train/recipes';
import { sequencePass } from '../lab/train/batches';
import { sequenceLength, splitLoss } from '../lab/train/run';

const GROUPS = ['cells', 'table', 'emma', 'gates', 'jacobian', 'text'] as const;
type Group = (typeof GROUPS)[number];
const CELLS = ['rnn', 'lstm', 'gru'] as const;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { tables: { type: 'boolean' } } });
const chosen = (positionals.length > 0 ? positionals : GROUPS) as Group[];
for (const g of chosen) if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; groups: ${GROUPS.join(', ')}`);

/** The name the chapters read, as chapter 4's unrolled view opens on it. */
const NAME = 'emma';
/** The Shakespeare line of chapter 5's first gate strips: a line of the dev text (the last 10 %). */
const SHAKESPEARE_LINE = 'Sir, what are you that offer to beat my servant?';
/** The page's saturation threshold (chapter 2): the tanh's slope 1 − h² below 6 %. */
const SATURATION_THRESHOLD = 0.97;
/** Gate values this close to 0 or 1 count as shut or open. */
const NEAR = 0.1;
/** The rows of the reference table the chapters compare. */
const TABLE_ROWS = ['names-count-bigram', 'names-mlp-lecture', 'names-mlp', 'names-rnn', 'names-lstm', 'names-gru', 'names-gpt', 'names-rnn-chapter', 'names-lstm-chapter', 'names-gru-chapter', 'tinyshakespeare-count-bigram', 'tinyshakespeare-gpt', 'tinyshakespeare-lstm'];

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

const figures = await openFigures(`${REPO_ROOT}docs/recurrent-figures.json`, `${REPO_ROOT}docs/RECURRENT.md`, markdown);
const results = figures.results;

if (values.tables) {
  await figures.writeTables();
  process.exit(0);
}

const backend = await useNodeBackend('wasm');
const names = await loadLocalDataset('names');
const started = performance.now();

for (const group of chosen) {
  results[group] = await measureGroup(group);
  await figures.save(backend, started); // after every group: a run stopped halfway keeps what it measured
}
console.log(JSON.stringify(results, null, 1));

/** Measures one group. */
async function measureGroup(group: Group): Promise<unknown> {
  if (group === 'cells') return cells();
  if (group === 'table') return table();
  if (group === 'emma') return emma();
  if (group === 'gates') return gates();
  if (group === 'jacobian') return jacobian();
  return textFacts();
}

/** Parameter counts per table and the dev loss at step 0 of the three fresh chapter models. */
async function cells() {
  const out: Record<string, unknown> = { ln27: round(Math.log(27)), vocab: names.tokenizer.vocabSize };
  for (const cell of CELLS) {
    const plan = recipe(`names-${cell}-chapter`).plan;
    const model = createModel(plan.model, names.tokenizer.vocabSize);
    const tables = Object.fromEntries(model.namedVariables().map(([n, v]) => [n, v.size]));
    const parameters = Object.values(tables).reduce((a, b) => a + b, 0);
    const step0Dev = await splitLoss(model, names, 'dev', sequenceLength(names, plan.model));
    model.dispose();
    out[cell] = { config: plan.model.config, parameters, tables, step0Dev: round(step0Dev) };
  }
  return out;
}

/** The reference rows, and the chapter checkpoints' losses recomputed from their files. */
async function table() {
  const reference = JSON.parse(await readFile(`${REPO_ROOT}public/checkpoints/reference.json`, 'utf8')) as { rows: { id: string; model: string; params: number; steps: number; train: number; dev: number; test?: number }[] };
  const rows: Record<string, unknown> = {};
  for (const id of TABLE_ROWS) {
    const row = reference.rows.find((r) => r.id === id);
    if (row) rows[id] = { model: row.model, params: row.params, steps: row.steps, train: round(row.train), dev: round(row.dev), test: row.test === undefined ? undefined : round(row.test) };
  }
  const recomputed: Record<string, unknown> = {};
  const curves: Record<string, unknown> = {};
  for (const cell of CELLS) {
    const id = `names-${cell}-chapter`;
    const curvePath = `${REPO_ROOT}public/checkpoints/${id}.curve.json`;
    if (existsSync(curvePath)) {
      const curve = JSON.parse(await readFile(curvePath, 'utf8')) as { final: { train: number; dev: number; test?: number }; machine: { seconds: number } };
      curves[id] = { train: round(curve.final.train), dev: round(curve.final.dev), test: curve.final.test === undefined ? undefined : round(curve.final.test), seconds: curve.machine.seconds };
    }
    const loaded = await checkpoint(id);
    if (!loaded) continue;
    const length = sequenceLength(names, loaded.spec);
    recomputed[id] = { step: loaded.step, dev: round(await splitLoss(loaded.model, names, 'dev', length)), test: round(await splitLoss(loaded.model, names, 'test', length)) };
    loaded.model.dispose();
  }
  return { rows, curves, recomputed };
}

/** One forward pass over `text` read after the boundary, recording `keys`; values as (T, H) arrays. */
function read(model: LanguageModel, ids: number[], keys: string[]): { probs: number[][]; rec: Record<string, number[][]> } {
  return tf.tidy(() => {
    const idx = tf.tensor2d([ids], [1, ids.length], 'int32'); // (1, T)
    const { logits, intermediates } = model.forward(idx, undefined, { record: keys });
    const probs = (tf.softmax(logits.squeeze([0])).arraySync() as number[][]); // (T, V)
    const rec = Object.fromEntries(keys.map((k) => [k, intermediates![k]!.squeeze([0]).arraySync() as number[][]])); // (T, H) each
    return { probs, rec };
  });
}

/** The top `n` next characters of a distribution, as display tokens with probabilities. */
function top(p: number[], vocab: readonly string[], n = 3) {
  return p.map((q, i) => ({ char: displayToken(vocab[i]!), p: round(q, 3) })).sort((a, b) => b.p - a.p).slice(0, n);
}

/** The chapter models reading ⏎emma: the true next character's probability and the top three. */
async function emma() {
  const out: Record<string, unknown> = {};
  for (const cell of CELLS) {
    const loaded = await checkpoint(`names-${cell}-chapter`);
    if (!loaded) continue;
    const vocab = loaded.vocab;
    const ids = [0, ...Array.from(NAME, (c) => vocab.indexOf(c))]; // ⏎ e m m a
    const targets = [...ids.slice(1), 0]; // e m m a ⏎
    const { probs, rec } = read(loaded.model, ids, ['rnn.state']);
    const state = rec['rnn.state']!; // (T, H)
    const steps = ids.map((id, t) => ({
      read: displayToken(vocab[id]!),
      next: displayToken(vocab[targets[t]!]!),
      pNext: round(probs[t]![targets[t]!]!, 3),
      top: top(probs[t]!, vocab),
      stateNorm: round(Math.hypot(...state[t]!), 2),
      meanAbs: round(state[t]!.reduce((a, b) => a + Math.abs(b), 0) / state[t]!.length, 3),
      saturated: round(state[t]!.filter((v) => Math.abs(v) >= SATURATION_THRESHOLD).length / state[t]!.length, 3),
      changed: t === 0 ? undefined : round(Math.hypot(...state[t]!.map((v, j) => v - state[t - 1]![j]!)), 2),
    }));
    const nll = -targets.reduce((a, y, t) => a + Math.log(probs[t]![y]!), 0) / targets.length;
    out[cell] = { name: NAME, nll: round(nll, 3), steps };
    loaded.model.dispose();
  }
  return out;
}

/** Mean, share below NEAR, share above 1 − NEAR of a (T, H) gate, and its mean per character. */
function gateStats(values: number[][]) {
  const all = values.flat();
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  return {
    mean: round(mean, 3),
    shut: round(all.filter((v) => v < NEAR).length / all.length, 3),
    open: round(all.filter((v) => v > 1 - NEAR).length / all.length, 3),
    perChar: values.map((row) => round(row.reduce((a, b) => a + b, 0) / row.length, 3)),
  };
}

/** The gates of the Shakespeare LSTM on a dev line, and of the names LSTM and GRU on ⏎emma. */
async function gates() {
  const out: Record<string, unknown> = {};
  const shakespeare = await checkpoint('tinyshakespeare-lstm');
  if (shakespeare) {
    const dataset = await loadLocalDataset('tinyshakespeare');
    const devText = dataset.tokenizer.decode(dataset.splits.dev.sequences[0]!);
    if (!devText.includes(SHAKESPEARE_LINE)) throw new Error(`the line ${SHAKESPEARE_LINE} is not in the dev text`);
    const ids = Array.from(SHAKESPEARE_LINE, (c) => shakespeare.vocab.indexOf(c));
    const keys = ['lstm.gate.input', 'lstm.gate.forget', 'lstm.gate.output', 'lstm.cell'];
    const { rec } = read(shakespeare.model, ids, keys);
    const cell = rec['lstm.cell']!.flat();
    /** A gate's mean at the spaces of the line and at its other characters. */
    const atSpaces = (key: string) => {
      const perChar = gateStats(rec[key]!).perChar;
      const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 3);
      const chars = Array.from(SHAKESPEARE_LINE);
      return { spaces: mean(perChar.filter((_, t) => chars[t] === ' ')), others: mean(perChar.filter((_, t) => chars[t] !== ' ')) };
    };
    out.shakespeare = {
      text: SHAKESPEARE_LINE,
      units: rec['lstm.cell']![0]!.length,
      input: gateStats(rec['lstm.gate.input']!),
      forget: gateStats(rec['lstm.gate.forget']!),
      output: gateStats(rec['lstm.gate.output']!),
      cell: { maxAbs: round(Math.max(...cell.map(Math.abs)), 2), beyondOne: round(cell.filter((v) => Math.abs(v) > 1).length / cell.length, 3) },
      atSpaces: Object.fromEntries(['input', 'forget', 'output'].map((g) => [g, atSpaces(`lstm.gate.${g}`)])),
    };
    shakespeare.model.dispose();
  }
  for (const cell of ['lstm', 'gru'] as const) {
    const loaded = await checkpoint(`names-${cell}-chapter`);
    if (!loaded) continue;
    const ids = [0, ...Array.from(NAME, (c) => loaded.vocab.indexOf(c))];
    const keys = cell === 'lstm' ? ['lstm.gate.input', 'lstm.gate.forget', 'lstm.gate.output'] : ['gru.gate.update', 'gru.gate.reset'];
    const { rec } = read(loaded.model, ids, keys);
    out[`names-${cell}`] = { text: `⏎${NAME}`, ...Object.fromEntries(keys.map((k) => [k.split('.').at(-1)!, gateStats(rec[k]!)])) };
    loaded.model.dispose();
  }
  // The fresh LSTM's forget gate: its bias of 1 starts it near σ(1) ≈ 0.73.
  const fresh = createModel(recipe('names-lstm-chapter').plan.model, names.tokenizer.vocabSize);
  const ids = [0, ...names.tokenizer.encode(NAME)];
  out.freshLstmForget = gateStats(read(fresh, ids, ['lstm.gate.forget']).rec['lstm.gate.forget']!);
  out.sigmoid1 = round(1 / (1 + Math.exp(-1)), 3);
  fresh.dispose();
  return out;
}

/** The largest singular value of an (H, H) matrix, by power iteration on WᵀW. */
function largestSingularValue(w: tf.Tensor2D): number {
  return tf.tidy(() => {
    let v: tf.Tensor2D = tf.ones([w.shape[1], 1]); // (H, 1)
    let sigma = 0;
    for (let i = 0; i < 500; i++) {
      const wv = tf.matMul(w, v); // (H, 1)
      const next = tf.matMul(w, wv, true); // (H, 1) WᵀW v
      const norm = next.norm().dataSync()[0]!;
      v = next.div(norm);
      sigma = Math.sqrt(norm);
    }
    return sigma;
  });
}

/**
 * The two factors of the RNN's step Jacobian, fresh and trained: W_h's largest singular value (the
 * most it stretches a vector), its RMS gain ‖W_h‖_F / √H (how much it stretches a random direction
 * on average, in the root-mean-square sense) and the mean tanh slope.
 */
async function jacobian() {
  const factors = (model: LanguageModel) => {
    const wh = model.namedVariables().find(([n]) => n === 'cell.wh')![1] as tf.Variable<tf.Rank.R2>; // (H, H)
    const rmsGain = tf.tidy(() => wh.norm().dataSync()[0]! / Math.sqrt(wh.shape[0]));
    return { largest: round(largestSingularValue(wh), 3), rmsGain: round(rmsGain, 3), slope: round(meanSlope(model, names), 3) };
  };
  const fresh = createModel(recipe('names-rnn-chapter').plan.model, names.tokenizer.vocabSize);
  const out: Record<string, unknown> = { fresh: factors(fresh) };
  fresh.dispose();
  const trained = await checkpoint('names-rnn-chapter');
  if (trained) {
    out.trained = factors(trained.model);
    trained.model.dispose();
  }
  return out;
}

/** Mean of 1 − h² over every real position of the first 64 dev names. */
function meanSlope(model: LanguageModel, dataset: Dataset): number {
  const length = sequenceLength(dataset, { kind: 'rnn', config: { blockSize: 16 } } as never);
  const { x, y } = sequencePass(dataset.splits.dev, length, 64).source.next(); // (64, T) each
  try {
    return tf.tidy(() => {
      const h = model.forward(x, undefined, { record: ['rnn.state'] }).intermediates!['rnn.state']!; // (B, T, H)
      const real = y.greaterEqual(0).cast('float32').expandDims(2); // (B, T, 1): padded targets are -1
      const slope = tf.sub(1, h.square()).mul(real); // (B, T, H)
      return slope.sum().dataSync()[0]! / (real.sum().dataSync()[0]! * h.shape[2]!);
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** Facts of the data sets that the chapters' explanations rest on. */
async function textFacts() {
  const shakespeare = await readFile(`${REPO_ROOT}public/data/tinyshakespeare.txt`, 'utf8');
  const lines = shakespeare.split('\n').filter((l) => l.length > 0);
  const speaker = (l: string) => /^[A-Z][A-Za-z ']*:$/.test(l);
  const capitals = (l: string) => Array.from(l).filter((c) => c >= 'A' && c <= 'Z').length;
  const allCapitals = lines.reduce((n, l) => n + capitals(l), 0);
  const nameLines = (await readFile(`${REPO_ROOT}public/data/names.txt`, 'utf8')).split('\n').map((l) => l.trim());
  return {
    shakespeareLines: lines.length,
    longestLine: Math.max(...lines.map((l) => l.length)),
    capitalsInSpeakerLines: round(lines.filter(speaker).reduce((n, l) => n + capitals(l), 0) / allCapitals, 3),
    emma: nameLines.filter((l) => l === NAME).length,
    longerThanEmma: nameLines.filter((l) => l.startsWith(NAME) && l.length > NAME.length).length,
  };
}

/** docs/RECURRENT.md: the chapters' figures as tables. */
function markdown(r: Record<string, unknown>): string {
  const f = (x: number | undefined, d = 3) => (x === undefined ? '—' : x.toFixed(d));
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);
  const m = (r.machine ?? {}) as Record<string, unknown>;
  const parts = [
    '# Chapters 4 and 5: figures (recurrent networks, LSTM and GRU)',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/recurrent-figures.ts\` on ${String(m.cpu)} (${String(m.cores)} cores), Node ${String(m.node)}, tfjs ${String(m.tfjs)} on ${String(m.backend)}, ${String(m.date)}. The raw numbers are in \`docs/recurrent-figures.json\`. The gradient-flow ratios, the interpretable units, the exploding preset and the Tang LSTM are in \`docs/RECURRENT-FIGURES.md\`, measured by the scripts that ship them.`,
    '',
  ];
  type Cell = { parameters: number; tables: Record<string, number>; step0Dev: number };
  const cellsR = r.cells as (Record<string, Cell | number> & { ln27: number }) | undefined;
  if (cellsR) {
    const tableNames = [...new Set(CELLS.flatMap((c) => Object.keys((cellsR[c] as Cell).tables)))];
    parts.push(`## The three cells at the chapters' size (names, V = 27, embeddings 32, 128 units)\n\nln 27 = ${f(cellsR.ln27, 4)}.\n\n| cell | ${tableNames.join(' | ')} | parameters | dev at step 0 |\n|---|${tableNames.map(() => '---').join('|')}|---|---|\n${CELLS.map((c) => {
      const x = cellsR[c] as Cell;
      return `| ${c} | ${tableNames.map((t) => x.tables[t] ?? '—').join(' | ')} | ${x.parameters} | ${f(x.step0Dev, 4)} |`;
    }).join('\n')}\n`);
  }
  const tableR = r.table as { rows: Record<string, { model: string; params: number; steps: number; train: number; dev: number; test?: number }>; recomputed: Record<string, { step: number; dev: number; test: number }>; curves?: Record<string, { train: number; dev: number; test?: number; seconds: number }> } | undefined;
  if (tableR) {
    parts.push(`## The reference table's rows (public/checkpoints/reference.json)\n\n| row | model | parameters | steps | train | dev | test |\n|---|---|---|---|---|---|---|\n${Object.entries(tableR.rows).map(([id, x]) => `| ${id} | ${x.model} | ${x.params} | ${x.steps} | ${f(x.train)} | ${f(x.dev)} | ${f(x.test)} |`).join('\n')}\n`);
    const curveRows = Object.entries(tableR.curves ?? {});
    if (curveRows.length > 0) parts.push(`The chapter checkpoints' reference curves (public/checkpoints/<id>.curve.json, final evaluation):\n\n| checkpoint | train | dev | test | seconds in Node |\n|---|---|---|---|---|\n${curveRows.map(([id, x]) => `| ${id} | ${f(x.train)} | ${f(x.dev)} | ${f(x.test)} | ${x.seconds} |`).join('\n')}\n`);
    const rec = Object.entries(tableR.recomputed);
    parts.push(rec.length > 0 ? `Recomputed from the checkpoint files:\n\n| checkpoint | step | dev | test |\n|---|---|---|---|\n${rec.map(([id, x]) => `| ${id} | ${x.step} | ${f(x.dev)} | ${f(x.test)} |`).join('\n')}\n` : 'The chapter checkpoints were not there when this ran.\n');
  }
  type Step = { read: string; next: string; pNext: number; top: { char: string; p: number }[]; stateNorm: number; meanAbs: number; saturated: number; changed?: number };
  const emmaR = r.emma as Record<string, { nll: number; steps: Step[] }> | undefined;
  if (emmaR && Object.keys(emmaR).length > 0) {
    parts.push(`## Reading "⏎${NAME}" (the chapter checkpoints)\n`);
    for (const [cell, x] of Object.entries(emmaR)) {
      parts.push(`### ${cell}: mean NLL over the five predictions ${f(x.nll)}\n\n| read | next | p(next) | top three | ‖h‖ | mean abs h | saturated | ‖h_t − h_{t−1}‖ |\n|---|---|---|---|---|---|---|---|\n${x.steps.map((s) => `| ${s.read} | ${s.next} | ${f(s.pNext)} | ${s.top.map((t) => `${t.char} ${f(t.p)}`).join(', ')} | ${f(s.stateNorm, 2)} | ${f(s.meanAbs)} | ${pct(s.saturated)} | ${f(s.changed, 2)} |`).join('\n')}\n`);
    }
  }
  type G = { mean: number; shut: number; open: number; perChar: number[] };
  const gatesR = r.gates as Record<string, unknown> | undefined;
  if (gatesR) {
    const rows: string[] = [];
    for (const [model, x] of Object.entries(gatesR)) {
      if (!x || typeof x !== 'object' || !('text' in x)) continue;
      for (const [gate, g] of Object.entries(x as Record<string, G>)) if (g && typeof g === 'object' && 'mean' in g) rows.push(`| ${model} | ${JSON.stringify((x as { text: string }).text)} | ${gate} | ${f(g.mean)} | ${pct(g.shut)} | ${pct(g.open)} |`);
    }
    const fresh = gatesR.freshLstmForget as G | undefined;
    parts.push(`## Gates\n\nShut: below ${NEAR}; open: above ${1 - NEAR}; over every unit and character.\n\n| model | text | gate | mean | shut | open |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
    if (fresh) parts.push(`A fresh chapter LSTM's forget gate on "⏎${NAME}": mean ${f(fresh.mean)} (σ(1) = ${f(gatesR.sigmoid1 as number)}), open ${pct(fresh.open)}.\n`);
    const sh = gatesR.shakespeare as { cell: { maxAbs: number; beyondOne: number }; forget: G; atSpaces?: Record<string, { spaces: number; others: number }> } | undefined;
    if (sh) parts.push(`Shakespeare LSTM's cell on the line: largest |c| ${f(sh.cell.maxAbs, 2)}, ${pct(sh.cell.beyondOne)} of the values beyond ±1. Forget gate per character: ${sh.forget.perChar.map((v) => f(v, 2)).join(' ')}.\n`);
    if (sh?.atSpaces) parts.push(`Mean over the units at the line's spaces and at its other characters: ${Object.entries(sh.atSpaces).map(([g, x]) => `${g} ${f(x.spaces)} and ${f(x.others)}`).join('; ')}.\n`);
  }
  type J = { largest: number; rmsGain: number; slope: number };
  const jac = r.jacobian as { fresh?: J; trained?: J } | undefined;
  const jrow = (name: string, j: J | undefined) => `| ${name} | ${f(j?.largest)} | ${f(j?.rmsGain)} | ${f(j?.slope)} |`;
  if (jac) parts.push(`## The RNN's step Jacobian, ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hᵀ\n\n| model | largest singular value of W_h | RMS gain ‖W_h‖_F / √H | mean tanh slope 1 − h² (64 dev names) |\n|---|---|---|---|\n${jrow("fresh (names-rnn-chapter's seed)", jac.fresh)}\n${jrow('trained (names-rnn-chapter)', jac.trained)}\n`);
  parts.push(`## Cited in the chapters from other measurements\n\n- The reference table's rows (public/checkpoints/reference.json, written by the lab's reference runs): the race's names rows above, \`tinyshakespeare-lstm\` 1.785 and \`tinyshakespeare-gpt\` 1.919, and \`tang-wujue-lstm\` (665,830 parameters, 800 steps, dev 5.304) against \`tang-wujue-mlp\` (5.281) and chapter 1's Witten-Bell trigram (5.48).\n- docs/RECURRENT-FIGURES.md, "Gradient flow" (scripts/gradient-flow.ts): ‖g(1)‖ / ‖g(30)‖ of the chapter RNN (8.30e+3), LSTM (29.9) and GRU (16.6), the race's RNN (7.77) and LSTM (10.2), fresh RNNs at recurrent scales 0.5, 1, 2 and 4 (4.65e+16, 1.50e+8, 17.3, 0.00522) and a fresh LSTM (258). The chapter derives the RNN's factors per step from them: (1 / ratio)^(1/29), 0.73 trained and 0.52 fresh.\n- docs/RECURRENT-FIGURES.md, "Exploding gradients" (scripts/explode-preset.ts): the \`explode\` preset diverges at step 106 (last good loss 12.53 at step 105; seed 1: step 131) without clipping, trains to dev 2.705 with clipping at 1 (largest gradient norm 6.68); at rates 0.03 and 0.1 with scales 3 and 6 both runs train and end within 0.06; at rate 1 both diverge.\n- docs/RECURRENT-FIGURES.md, "Interpretable units" (scripts/lstm-units.ts): the Shakespeare LSTM's units and their correlations.\n`);
  const text = r.text as { shakespeareLines: number; longestLine: number; capitalsInSpeakerLines: number; emma: number; longerThanEmma: number } | undefined;
  if (text) parts.push(`## The data\n\nTiny Shakespeare: ${text.shakespeareLines} non-empty lines, the longest ${text.longestLine} characters; ${pct(text.capitalsInSpeakerLines)} of its capitals are in speaker lines ("TRANIO:"). Names: "${NAME}" ${text.emma} times, ${text.longerThanEmma} longer names that begin with it.\n`);
  return `${parts.join('\n')}\n`;
}
