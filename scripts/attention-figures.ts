/**
 * Measures, in Node on the wasm backend, the numbers chapters 6 ("Attention") and 7 ("The
 * Transformer") quote that no widget's own script measures, and writes them to
 * docs/attention-figures.json and docs/ATTENTION.md. (Which heads score highest on which pattern,
 * when they form and what watching them costs are measured by scripts/heads-forming.ts:
 * docs/ATTENTION-FIGURES.md.)
 *
 *   nice -n 10 npx tsx scripts/attention-figures.ts              # every group
 *   nice -n 10 npx tsx scripts/attention-figures.ts copy tang    # some groups; the others are kept from the JSON
 *   npx tsx scripts/attention-figures.ts --tables                # only docs/ATTENTION.md again, from the JSON
 *
 * Groups:
 * - `copy`: the copy task's head (`copy-attention`) and the same head without positions
 *   (`copy-attention-nopos`): parameters, the dev loss per position of a line and per half, where
 *   the head's weight goes (rows of the second half: on t − 8, the letter the next one copies),
 *   the probability the model without positions puts on the letters of the first half, and the
 *   chapter's example `qwhdkzpe>qwh` step by step (q·k, the scaling, the weights, the prediction);
 * - `scaling`: what the division by √hs does to the trained copy head's scores on the dev lines
 *   (their spread, and the largest weight of a row with and without it);
 * - `gpt`: the chapter GPT, nanoGPT's CPU GPT and the Tang GPT: parameters per part of a block,
 *   bytes of the weights and of training's copies, the dev loss recomputed from the checkpoint
 *   file, and its reference curve (first and last loss, seconds in Node);
 * - `positions`: the chapter GPT's recipe cut to {@link SHORT_STEPS} steps, trained with and
 *   without position embeddings (the same seed, data and schedule): what positions are worth on
 *   real text, as chapter 7's trainer lets a reader try;
 * - `sampling`: the chapter GPT's next-character distributions over dev windows at
 *   temperatures 0.5, 1 and 1.5: their entropy, the top character's probability, and how many
 *   characters the nucleus of top-p 0.9 and 0.5 holds;
 * - `grid`: the pattern scores of every head of the shipped Shakespeare GPT and the chapter GPT on
 *   the heads grid's opening prompt, what a reader sees before typing;
 * - `tang`: the Tang GPT on 春晓 (Meng Haoran's "Spring Morning"): each head's mean weight on the
 *   character exactly one line (6 positions) back, and whether the poem is in the training split;
 * - `table`: the reference table's rows the chapters compare.
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
import { patternScores } from '../lab/analysis/attentionPatterns';
import type { AttentionPattern } from '../lab/worker/protocol';
import { HEADS_PROBE_POEM } from '../lab/analysis/headsProbe';
import { COPY_LENGTH } from '../lab/data/copyTask';
import type { Dataset } from '../lab/data/datasets';
import { gptFootprint } from '../lab/models/footprint';
import { GPT_DEFAULTS, type GptConfig } from '../lab/models/gpt';
import { createModel } from '../lab/models/registry';
import { recipe } from '../lab/train/recipes';
import type { LanguageModel } from '../lab/models/model';
import { displayToken } from '../lab/tokenizers/char';
import { sequencePass } from '../lab/train/batches';
import { sequenceLength, splitLoss, startTraining } from '../lab/train/run';
import type { LoadedModel } from '../lab/worker/loadModel';

const GROUPS = ['copy', 'scaling', 'gpt', 'positions', 'sampling', 'grid', 'tang', 'table'] as const;
type Group = (typeof GROUPS)[number];

const { positionals, values } = parseArgs({ allowPositionals: true, options: { tables: { type: 'boolean' } } });
const chosen = (positionals.length > 0 ? positionals : GROUPS) as Group[];
for (const g of chosen) if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; groups: ${GROUPS.join(', ')}`);

/** The text chapter 6's step-by-step view opens on: a line of the copy task, cut after three copied letters. */
const COPY_EXAMPLE = 'qwhdkzpe>qwh';
/** Characters from one line of a quatrain to the same place in the next: five and a mark. */
const LINE_STEP = 6;
/** The GPT checkpoints chapter 7 quotes. */
const GPTS = ['tinyshakespeare-gpt-chapter', 'tinyshakespeare-gpt', 'tang-wujue-gpt'] as const;
/** The reference rows the chapters compare. */
const TABLE_ROWS = ['copy-count-bigram', 'copy-attention', 'copy-attention-nopos', 'tinyshakespeare-count-bigram', 'tinyshakespeare-gpt-chapter', 'tinyshakespeare-gpt', 'tinyshakespeare-lstm', 'tang-wujue-mlp', 'tang-wujue-lstm', 'tang-wujue-gpt', 'names-rnn-chapter', 'names-lstm-chapter', 'names-gpt'];
/** The text chapter 7's heads grid opens on. */
const GRID_TEXT = 'To be, or not to be, that is the question:';
/** The patterns the heads grid labels its heads with. */
const GRID_PATTERNS = ['previous', 'self', 'start', 'induction'] as const;
/** Steps of the `positions` group's two runs: a fifth of the chapter recipe, so both fit in a few minutes. */
const SHORT_STEPS = 300;
/** Temperatures and nucleus sizes the sampling section compares. */
const TEMPERATURES = [0.5, 1, 1.5];
const TOP_PS = [0.5, 0.9];
/** The GPT chapter 7's Shakespeare sampler opens on. */
const SAMPLING_MODEL = 'tinyshakespeare-gpt-chapter';
/** Dev windows of the sampling group: 32 windows of 64 characters, 2,048 distributions. */
const SAMPLING_WINDOWS = 32;

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const figures = await openFigures(`${REPO_ROOT}docs/attention-figures.json`, `${REPO_ROOT}docs/ATTENTION.md`, markdown);
const results = figures.results;

if (values.tables) {
  await figures.writeTables();
  process.exit(0);
}

const backend = await useNodeBackend('wasm');
const started = performance.now();

for (const group of chosen) {
  results[group] = await measureGroup(group);
  await figures.save(backend, started); // after every group: a run stopped halfway keeps what it measured
}
console.log(JSON.stringify(results, null, 1));

/** Measures one group. */
async function measureGroup(group: Group): Promise<unknown> {
  if (group === 'copy') return copy();
  if (group === 'scaling') return scaling();
  if (group === 'gpt') return gpts();
  if (group === 'positions') return positions();
  if (group === 'sampling') return sampling();
  if (group === 'grid') return grid();
  if (group === 'tang') return tang();
  return table();
}

/** Parameters of a model, table by table, and in all. */
function parameterTables(model: LanguageModel): { parameters: number; tables: Record<string, number> } {
  const tables = Object.fromEntries(model.namedVariables().map(([n, v]) => [n, v.size]));
  return { parameters: Object.values(tables).reduce((a, b) => a + b, 0), tables };
}

/**
 * Every dev line of the copy task through a model at once: the loss at each of the 18 positions
 * (averaged over lines), the head's weights (B, T, T) and the next-token probabilities (B, T, V).
 */
function copyPass(loaded: LoadedModel, dataset: Dataset) {
  const length = sequenceLength(dataset, loaded.spec);
  const lines = dataset.splits.dev.sequences.length;
  const { x, y } = sequencePass(dataset.splits.dev, length, lines).source.next(); // (N, T) each
  try {
    return tf.tidy(() => {
      const { logits, intermediates } = loaded.model.forward(x, undefined, { record: ['block0.attn.weights'] });
      const logp = tf.logSoftmax(logits); // (N, T, V)
      const picked = tf.sum(logp.mul(tf.oneHot(y, logits.shape[2])), 2); // (N, T): log p(target)
      const perPosition = (tf.neg(picked).mean(0).arraySync() as number[]); // (T)
      const weights = intermediates!['block0.attn.weights']!.squeeze([1]).arraySync() as number[][][]; // (N, T, T)
      const probs = tf.exp(logp).arraySync() as number[][][]; // (N, T, V)
      return { perPosition, weights, probs, ids: x.arraySync() as number[][], targets: y.arraySync() as number[][], length };
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** The copy head with and without positions: losses per position and half, where it looks, the example. */
async function copy() {
  const dataset = await loadLocalDataset('copy');
  const out: Record<string, unknown> = {
    vocab: dataset.tokenizer.vocabSize,
    lnVocab: round(Math.log(dataset.tokenizer.vocabSize)),
    ln26: round(Math.log(26)),
    floor: round((COPY_LENGTH * Math.log(26)) / (2 * COPY_LENGTH + 2)),
    devLines: dataset.splits.dev.sequences.length,
  };
  // Positions of a line read after its boundary: 0 is ⏎, 1..8 the first half, 9 the separator,
  // 10..17 the copy. Row t predicts token t + 1: rows 0..7 a random letter, row 8 the separator,
  // rows 9..16 a copied letter (the one at t − 8), row 17 the closing boundary.
  const first = [...Array(COPY_LENGTH).keys()]; // rows 0..7
  const second = first.map((t) => t + COPY_LENGTH + 1); // rows 9..16
  // Two readers that know which letters the first half holds but not their order: one draws each
  // copied letter from the first half's letters not yet copied, one from all eight (repeats counted).
  const orderless = { notYetCopied: [] as number[], anyOfEight: [] as number[] };
  for (const seq of dataset.splits.dev.sequences) {
    const half = Array.from(seq.slice(0, COPY_LENGTH));
    for (let k = 0; k < COPY_LENGTH; k++) {
      const left = half.slice(k);
      orderless.notYetCopied.push(-Math.log(left.filter((c) => c === half[k]).length / left.length));
      orderless.anyOfEight.push(-Math.log(half.filter((c) => c === half[k]).length / COPY_LENGTH));
    }
  }
  out.orderless = { notYetCopied: round(mean(orderless.notYetCopied)), anyOfEight: round(mean(orderless.anyOfEight)) };
  for (const id of ['copy-attention', 'copy-attention-nopos']) {
    const loaded = await checkpoint(id);
    if (!loaded) continue;
    const { perPosition, weights, probs, ids, targets } = copyPass(loaded, dataset);
    const rowsMean = (rows: number[], f: (b: number, t: number) => number) => mean(ids.flatMap((_, b) => rows.map((t) => f(b, t))));
    const back8 = rowsMean(second, (b, t) => weights[b]![t]![t - COPY_LENGTH]!);
    const argmaxBack8 = rowsMean(second, (b, t) => (argmax(weights[b]![t]!) === t - COPY_LENGTH ? 1 : 0));
    // The probability a row gives to the letters of its line's first half (distinct ones, summed).
    const onFirstHalf = rowsMean(second, (b, t) => [...new Set(ids[b]!.slice(1, COPY_LENGTH + 1))].reduce((s, c) => s + probs[b]![t]![c]!, 0));
    // Rows of the first half: the weight on the boundary and on the row's own position.
    const firstStart = rowsMean(first.slice(1), (b, t) => weights[b]![t]![0]!);
    const firstSelf = rowsMean(first.slice(1), (b, t) => weights[b]![t]![t]!);
    const pTarget = rowsMean(second, (b, t) => probs[b]![t]![targets[b]![t]!]!);
    const loss = (rows: number[]) => round(mean(rows.map((t) => perPosition[t]!)));
    out[id] = {
      ...parameterTables(loaded.model),
      step: loaded.step,
      dev: round(await splitLoss(loaded.model, dataset, 'dev', sequenceLength(dataset, loaded.spec))),
      perPosition: perPosition.map((v) => round(v, 3)),
      firstHalf: loss(first),
      separator: round(perPosition[COPY_LENGTH]!),
      secondHalf: loss(second),
      end: round(perPosition[2 * COPY_LENGTH + 1]!),
      secondHalfTarget: round(pTarget),
      secondHalfOnFirstLetters: round(onFirstHalf),
      weightBack8: round(back8),
      argmaxBack8: round(argmaxBack8),
      firstHalfOnStart: round(firstStart),
      firstHalfOnSelf: round(firstSelf),
      example: example(loaded),
    };
    loaded.model.dispose();
  }
  const curves: Record<string, unknown> = {};
  for (const id of ['copy-attention', 'copy-attention-nopos']) curves[id] = await curveSummary(id);
  out.curves = curves;
  return out;
}

/** Index of the largest of `xs`. */
function argmax(xs: number[]): number {
  return xs.reduce((best, v, i) => (v > xs[best]! ? i : best), 0);
}

/** The chapter's example line step by step: per row, where the weight goes and what is predicted; the last row in full. */
function example(loaded: LoadedModel) {
  const ids = [0, ...Array.from(COPY_EXAMPLE, (c) => loaded.vocab.indexOf(c))];
  const keys = ['block0.attn.q', 'block0.attn.k', 'block0.attn.v', 'block0.attn.scores', 'block0.attn.weights'];
  const rec = tf.tidy(() => {
    const idx = tf.tensor2d([ids], [1, ids.length], 'int32'); // (1, T)
    const { logits, intermediates } = loaded.model.forward(idx, undefined, { record: keys });
    const get = (k: string) => intermediates![k]!.squeeze([0, 1]).arraySync() as number[][]; // (T, hs) or (T, T)
    return { q: get(keys[0]!), k: get(keys[1]!), v: get(keys[2]!), scores: get(keys[3]!), weights: get(keys[4]!), probs: tf.softmax(logits.squeeze([0])).arraySync() as number[][] };
  });
  const hs = rec.q[0]!.length;
  const chars = ids.map((id) => displayToken(loaded.vocab[id]!));
  const rows = ids.map((_, t) => {
    const w = rec.weights[t]!.slice(0, t + 1);
    const best = argmax(w);
    const top = rec.probs[t]!.map((p, i) => ({ char: displayToken(loaded.vocab[i]!), p: round(p, 3) })).sort((a, b) => b.p - a.p).slice(0, 3);
    return { read: chars[t], looksAt: best, looksAtChar: chars[best], weight: round(w[best]!, 3), top };
  });
  const last = ids.length - 1;
  const dots = rec.k.slice(0, last + 1).map((k) => k.reduce((s, kj, c) => s + kj * rec.q[last]![c]!, 0));
  const sameKey = (a: number, b: number) => round(Math.max(...rec.k[a]!.map((v, c) => Math.abs(v - rec.k[b]![c]!))), 6);
  return {
    text: COPY_EXAMPLE,
    hs,
    sqrtHs: round(Math.sqrt(hs)),
    rows,
    last: {
      row: last,
      read: chars[last],
      queryNorm: round(Math.hypot(...rec.q[last]!), 2),
      dots: dots.map((d) => round(d, 2)),
      scaled: rec.scores[last]!.slice(0, last + 1).map((s) => round(s, 2)),
      weights: rec.weights[last]!.slice(0, last + 1).map((w) => round(w, 3)),
    },
    // The two q's of the line (positions 1 and 10): without positions their keys are the same vector.
    sameLetterKeyGap: sameKey(1, COPY_LENGTH + 2),
  };
}

/** First and last loss and seconds of a shipped reference curve, or undefined without one. */
async function curveSummary(id: string) {
  const path = `${REPO_ROOT}public/checkpoints/${id}.curve.json`;
  if (!existsSync(path)) return undefined;
  const curve = JSON.parse(await readFile(path, 'utf8')) as { machine: { seconds: number }; final: { train: number; dev: number; test?: number }; points: { step: number; dev?: number }[] };
  const firstDev = curve.points.find((p) => p.dev !== undefined);
  return { seconds: curve.machine.seconds, step0Dev: firstDev?.dev === undefined ? undefined : round(firstDev.dev), train: round(curve.final.train), dev: round(curve.final.dev), test: curve.final.test === undefined ? undefined : round(curve.final.test) };
}

/** The trained copy head's scores on the dev lines, before and after the division by √hs. */
async function scaling() {
  const dataset = await loadLocalDataset('copy');
  const loaded = await checkpoint('copy-attention');
  if (!loaded) return undefined;
  const length = sequenceLength(dataset, loaded.spec);
  const { x } = sequencePass(dataset.splits.dev, length, dataset.splits.dev.sequences.length).source.next(); // (N, T)
  const scaled = tf.tidy(() => loaded.model.forward(x, undefined, { record: ['block0.attn.scores'] }).intermediates!['block0.attn.scores']!.squeeze([1]).arraySync() as number[][][]); // (N, T, T): q·k / √hs
  const hs = (loaded.spec.config as { nEmbd: number }).nEmbd;
  // Every allowed pair (key j ≤ query t), and a row's largest softmax weight with and without the division.
  const below = scaled.flatMap((m) => m.flatMap((row, t) => row.slice(0, t + 1).map((s) => s * Math.sqrt(hs))));
  const sd = Math.sqrt(mean(below.map((v) => v * v)) - mean(below) ** 2);
  const maxWeight = (factor: number) => mean(scaled.flatMap((m) => m.slice(1).map((row, r) => Math.max(...softmax(row.slice(0, r + 2).map((s) => s * factor)))))); // rows t ≥ 1
  const out = { hs, sqrtHs: round(Math.sqrt(hs)), rawMin: round(below.reduce((a, b) => Math.min(a, b)), 1), rawMax: round(below.reduce((a, b) => Math.max(a, b)), 1), rawSd: round(sd, 2), scaledSd: round(sd / Math.sqrt(hs), 2), maxWeightScaled: round(maxWeight(1), 3), maxWeightUnscaled: round(maxWeight(Math.sqrt(hs)), 3) };
  tf.dispose(x);
  loaded.model.dispose();
  return out;
}

/**
 * Chapter 7's GPTs: parameters per part and training memory from their recipes (so they are known
 * before the checkpoints ship), and the dev and test loss recomputed from each checkpoint file
 * with its reference curve, when they are there.
 */
async function gpts() {
  const out: Record<string, unknown> = {};
  const datasets = new Map<string, Dataset>();
  for (const id of GPTS) {
    const { dataset: datasetId, plan } = recipe(id);
    if (!datasets.has(datasetId)) datasets.set(datasetId, await loadLocalDataset(datasetId));
    const dataset = datasets.get(datasetId)!;
    const vocab = dataset.tokenizer.vocabSize;
    const fresh = createModel(plan.model, vocab);
    const { parameters, tables } = parameterTables(fresh);
    fresh.dispose();
    const sum = (test: (name: string) => boolean) => Object.entries(tables).filter(([n]) => test(n)).reduce((a, [, v]) => a + v, 0);
    const config = { ...GPT_DEFAULTS, ...(plan.model.config as Partial<GptConfig>) };
    const length = sequenceLength(dataset, plan.model);
    const footprint = gptFootprint(config, vocab, plan.batchSize, length);
    const entry: Record<string, unknown> = {
      config: { nLayer: config.nLayer, nHead: config.nHead, nEmbd: config.nEmbd, blockSize: config.blockSize, dropout: config.dropout },
      training: { batchSize: plan.batchSize, steps: plan.steps, learningRate: plan.learningRate, length },
      vocab,
      lnVocab: round(Math.log(vocab)),
      parameters,
      parts: {
        tokenEmbedding: tables.wte ?? 0,
        positionEmbedding: tables.wpe ?? 0,
        attentionPerBlock: sum((n) => n.startsWith('block0.attn.')),
        mlpPerBlock: sum((n) => n.startsWith('block0.mlp.')),
        normsPerBlock: sum((n) => n.startsWith('block0.ln')),
        finalNorm: sum((n) => n.startsWith('lnf')),
      },
      weightBytes: parameters * 4,
      trainingBytes: footprint.trainingBytes,
      flopsPerStep: footprint.flopsPerStep,
      footprintParams: footprint.params,
      curve: await curveSummary(id),
    };
    const loaded = await checkpoint(id);
    if (loaded) {
      entry.step = loaded.step;
      entry.dev = round(await splitLoss(loaded.model, dataset, 'dev', length));
      if (dataset.splits.test.sequences.length > 0) entry.test = round(await splitLoss(loaded.model, dataset, 'test', length));
      loaded.model.dispose();
    }
    out[id] = entry;
  }
  return out;
}

/** The chapter GPT's recipe, cut short, trained with and without position embeddings. */
async function positions() {
  const dataset = await loadLocalDataset('tinyshakespeare');
  const base = recipe('tinyshakespeare-gpt-chapter').plan;
  const out: Record<string, unknown> = { steps: SHORT_STEPS };
  for (const withPositions of [true, false]) {
    const config = { ...(base.model.config as Partial<GptConfig>), positions: withPositions };
    const plan = { ...base, steps: SHORT_STEPS, evalEvery: SHORT_STEPS, model: { kind: 'gpt', config } } as typeof base;
    const run = startTraining(dataset, plan);
    const summary = await run.done;
    out[withPositions ? 'with' : 'without'] = { parameters: parameterTables(run.model).parameters, dev: round(summary.lastEval?.dev ?? NaN), train: round(summary.lastEval?.train ?? NaN), seconds: round(summary.elapsedMs / 1000, 1) };
    run.model.dispose();
    process.stderr.write(`positions ${withPositions}: ${JSON.stringify(out[withPositions ? 'with' : 'without'])}\n`);
  }
  return out;
}

/** The chapter GPT's next-character distributions over dev windows at several temperatures. */
async function sampling() {
  const loaded = await checkpoint(SAMPLING_MODEL);
  if (!loaded) return undefined;
  const dataset = await loadLocalDataset('tinyshakespeare');
  const length = sequenceLength(dataset, loaded.spec);
  const { x } = sequencePass(dataset.splits.dev, length, SAMPLING_WINDOWS).source.next(); // (W, T)
  const logits = tf.tidy(() => loaded.model.forward(x).logits.reshape([-1, loaded.vocab.length]).arraySync() as number[][]); // (W*T, V)
  tf.dispose(x);
  loaded.model.dispose();
  const out: Record<string, unknown> = { model: SAMPLING_MODEL, distributions: logits.length, vocab: loaded.vocab.length };
  for (const temperature of TEMPERATURES) {
    const dists = logits.map((row) => softmax(row.map((v) => v / temperature)));
    const sorted = dists.map((p) => [...p].sort((a, b) => b - a));
    const nucleus = (p: number) => sorted.map((s) => {
      let acc = 0;
      let n = 0;
      while (acc < p && n < s.length) acc += s[n++]!;
      return n;
    });
    const entropy = mean(dists.map((p) => -p.reduce((s, q) => (q > 0 ? s + q * Math.log(q) : s), 0)));
    out[`t${temperature}`] = {
      entropy: round(entropy, 3),
      top1: round(mean(sorted.map((s) => s[0]!)), 3),
      top5: round(mean(sorted.map((s) => s.slice(0, 5).reduce((a, b) => a + b, 0))), 3),
      ...Object.fromEntries(TOP_PS.map((p) => {
        const sizes = nucleus(p).sort((a, b) => a - b);
        return [`topP${p}`, { mean: round(mean(sizes), 2), median: sizes[Math.floor(sizes.length / 2)], max: sizes.at(-1) }];
      })),
    };
  }
  return out;
}

/** A numerically safe softmax of one row. */
function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * The scores of a head that spreads its weight evenly over every position it may see (row t:
 * 1/(t + 1) each): what a pattern scores by chance, the baseline a head's score is read against.
 */
function evenScores(ids: number[], patterns: readonly AttentionPattern[]): number[] {
  const time = ids.length;
  const even = new Float32Array(time * time); // (T, T)
  for (let t = 0; t < time; t++) for (let j = 0; j <= t; j++) even[t * time + j] = 1 / (t + 1);
  return Array.from(patternScores(even, time, ids, patterns), (v) => round(v, 3));
}

/** Every block's attention weights (H, T, T each, flat) of a GPT reading `ids`. */
function blockWeights(loaded: LoadedModel, ids: number[]): Float32Array[] {
  const { nLayer } = loaded.spec.config as { nLayer: number };
  const keys = Array.from({ length: nLayer }, (_, i) => `block${i}.attn.weights`);
  return tf.tidy(() => {
    const idx = tf.tensor2d([ids], [1, ids.length], 'int32'); // (1, T)
    const rec = loaded.model.forward(idx, undefined, { record: keys }).intermediates!;
    return keys.map((k) => rec[k]!.squeeze([0]).dataSync() as Float32Array); // per block (H, T, T), flat
  });
}

/** The heads of the Shakespeare GPTs on the grid's prompt: each head's scores, and the best head per pattern. */
async function grid() {
  const out: Record<string, unknown> = { text: GRID_TEXT };
  for (const id of ['tinyshakespeare-gpt', 'tinyshakespeare-gpt-chapter']) {
    const loaded = await checkpoint(id);
    if (!loaded) continue;
    // Running text, as the grid reads it: no boundary before the prompt (a line data set would have one).
    const ids = Array.from(GRID_TEXT, (c) => loaded.vocab.indexOf(c));
    const heads = blockWeights(loaded, ids).flatMap((block, layer) => {
      const scores = patternScores(block, ids.length, ids, GRID_PATTERNS); // (H, P), flat
      return Array.from({ length: scores.length / GRID_PATTERNS.length }, (_, head) => ({ layer, head, ...Object.fromEntries(GRID_PATTERNS.map((p, k) => [p, round(scores[head * GRID_PATTERNS.length + k]!, 3)])) }));
    }) as ({ layer: number; head: number } & Record<(typeof GRID_PATTERNS)[number], number>)[];
    loaded.model.dispose();
    const best = Object.fromEntries(GRID_PATTERNS.map((p) => {
      const top = [...heads].sort((a, b) => b[p] - a[p])[0]!;
      return [p, { layer: top.layer, head: top.head, score: top[p] }];
    }));
    out[id] = { heads, best, even: Object.fromEntries(GRID_PATTERNS.map((p, k) => [p, evenScores(ids, GRID_PATTERNS)[k]])) };
  }
  return out;
}

/** The Tang GPT's heads on 春晓: each head's score one line back, on the previous character and on the start (lab/analysis/attentionPatterns.ts). */
async function tang() {
  const loaded = await checkpoint('tang-wujue-gpt');
  if (!loaded) return undefined;
  const dataset = await loadLocalDataset('tang-wujue');
  const ids = [0, ...Array.from(HEADS_PROBE_POEM, (c) => loaded.vocab.indexOf(c))];
  if (ids.includes(-1)) throw new Error('a character of 春晓 is not in the Tang vocabulary');
  const weights = blockWeights(loaded, ids);
  const patterns = [{ back: LINE_STEP }, 'previous', 'start'] as const;
  const heads = weights.flatMap((block, layer) => {
    const scores = patternScores(block, ids.length, ids, patterns); // (H, 3), flat
    return Array.from({ length: scores.length / patterns.length }, (_, head) => ({ layer, head, oneLineBack: round(scores[head * 3]!, 3), previous: round(scores[head * 3 + 1]!, 3), start: round(scores[head * 3 + 2]!, 3) }));
  });
  const poem = dataset.tokenizer.encode(HEADS_PROBE_POEM).join(',');
  const inSplit = (['train', 'dev', 'test'] as const).find((s) => dataset.splits[s].sequences.some((seq) => Array.from(seq).join(',') === poem));
  loaded.model.dispose();
  const best = [...heads].sort((a, b) => b.oneLineBack - a.oneLineBack);
  const [evenBack, evenPrevious, evenStart] = evenScores(ids, patterns);
  return { text: HEADS_PROBE_POEM, positions: ids.length, split: inSplit ?? 'none', heads, bestOneLineBack: best.slice(0, 3), even: { oneLineBack: evenBack, previous: evenPrevious, start: evenStart } };
}

/** The reference rows the chapters compare. */
async function table() {
  const reference = JSON.parse(await readFile(`${REPO_ROOT}public/checkpoints/reference.json`, 'utf8')) as { rows: { id: string; model: string; params: number; steps: number; seconds: number; train: number; dev: number; test?: number }[] };
  const rows: Record<string, unknown> = {};
  for (const id of TABLE_ROWS) {
    const row = reference.rows.find((r) => r.id === id);
    if (row) rows[id] = { model: row.model, params: row.params, steps: row.steps, seconds: round(row.seconds, 1), train: round(row.train), dev: round(row.dev), test: row.test === undefined ? undefined : round(row.test) };
  }
  return { rows };
}

/** docs/ATTENTION.md: the chapters' figures as tables. */
function markdown(r: Record<string, unknown>): string {
  const f = (x: number | undefined, d = 3) => (x === undefined ? '—' : x.toFixed(d));
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);
  const m = (r.machine ?? {}) as Record<string, unknown>;
  const parts = [
    '# Chapters 6 and 7: figures (attention, the Transformer)',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/attention-figures.ts\` on ${String(m.cpu)} (${String(m.cores)} cores), Node ${String(m.node)}, tfjs ${String(m.tfjs)} on ${String(m.backend)}, ${String(m.date)}. The raw numbers are in \`docs/attention-figures.json\`. Which heads score highest on which pattern, when they form during training and what watching them costs are in \`docs/ATTENTION-FIGURES.md\`, measured by \`scripts/heads-forming.ts\`.`,
    '',
  ];
  type Example = { text: string; hs: number; sqrtHs: number; rows: { read: string; looksAt: number; looksAtChar: string; weight: number; top: { char: string; p: number }[] }[]; last: { row: number; read: string; queryNorm: number; dots: number[]; scaled: number[]; weights: number[] }; sameLetterKeyGap: number };
  type CopyModel = { parameters: number; tables: Record<string, number>; step: number; dev: number; perPosition: number[]; firstHalf: number; separator: number; secondHalf: number; end: number; secondHalfTarget: number; secondHalfOnFirstLetters: number; weightBack8: number; argmaxBack8: number; firstHalfOnStart: number; firstHalfOnSelf: number; example: Example };
  type Curve = { seconds: number; step0Dev?: number; train: number; dev: number; test?: number } | undefined;
  const copyR = r.copy as (Record<string, unknown> & { vocab: number; lnVocab: number; ln26: number; floor: number; devLines: number; orderless: { notYetCopied: number; anyOfEight: number }; curves: Record<string, Curve> }) | undefined;
  if (copyR) {
    const models = (['copy-attention', 'copy-attention-nopos'] as const).filter((id) => copyR[id]);
    const cm = (id: string) => copyR[id] as CopyModel;
    parts.push(`## The copy task's head (chapter 6)\n\nV = ${copyR.vocab} (ln V = ${f(copyR.lnVocab, 4)}); ln 26 = ${f(copyR.ln26, 4)}; the floor 8 ln 26 / 18 = ${f(copyR.floor, 4)}; ${copyR.devLines} dev lines. Row t of a line (0 = ⏎, 1–8 the first half, 9 = >, 10–17 the copy) predicts token t + 1: rows 0–7 a random letter, row 8 the separator, rows 9–16 the copied letter at t − 8, row 17 the closing ⏎.\n\nAn orderless reader at its best, on the dev lines' copied letters: uniform over the first half's letters not yet copied ${f(copyR.orderless.notYetCopied)} a letter, over all eight ${f(copyR.orderless.anyOfEight)}.\n\n| | ${models.join(' | ')} |\n|---|${models.map(() => '---').join('|')}|\n${[
      ['parameters', (x: CopyModel) => String(x.parameters)],
      ['step', (x: CopyModel) => String(x.step)],
      ['dev (recomputed)', (x: CopyModel) => f(x.dev)],
      ['rows 0–7 (first half)', (x: CopyModel) => f(x.firstHalf)],
      ['row 8 (separator)', (x: CopyModel) => f(x.separator)],
      ['rows 9–16 (the copy)', (x: CopyModel) => f(x.secondHalf)],
      ['row 17 (end)', (x: CopyModel) => f(x.end)],
      ['copy rows: p(the right letter)', (x: CopyModel) => f(x.secondHalfTarget)],
      ['copy rows: p(any first-half letter)', (x: CopyModel) => f(x.secondHalfOnFirstLetters)],
      ['copy rows: weight on t − 8', (x: CopyModel) => f(x.weightBack8)],
      ['copy rows: largest weight on t − 8', (x: CopyModel) => pct(x.argmaxBack8)],
      ['first-half rows 1–7: weight on ⏎', (x: CopyModel) => f(x.firstHalfOnStart)],
      ['first-half rows 1–7: weight on itself', (x: CopyModel) => f(x.firstHalfOnSelf)],
    ].map(([label, g]) => `| ${label as string} | ${models.map((id) => (g as (x: CopyModel) => string)(cm(id))).join(' | ')} |`).join('\n')}\n`);
    for (const id of models) parts.push(`Loss per row, ${id}: ${cm(id).perPosition.map((v) => f(v, 2)).join(' ')}.\n`);
    const curveRows = Object.entries(copyR.curves ?? {}).filter(([, c]) => c);
    if (curveRows.length > 0) parts.push(`Reference curves: ${curveRows.map(([id, c]) => `${id} dev ${f(c!.step0Dev)} at step 0, ${f(c!.dev)} at the end, ${c!.seconds} s in Node`).join('; ')}.\n`);
    for (const id of models) {
      const e = cm(id).example;
      parts.push(`### ${id} on "⏎${e.text}" (hs = ${e.hs}, √hs = ${f(e.sqrtHs, 2)})\n\n| row | reads | most weight on | weight | top three next |\n|---|---|---|---|---|\n${e.rows.map((row, t) => `| ${t} | ${row.read} | ${row.looksAt} (${row.looksAtChar}) | ${f(row.weight)} | ${row.top.map((x) => `${x.char} ${f(x.p)}`).join(', ')} |`).join('\n')}\n\nRow ${e.last.row} (${e.last.read}), ‖q‖ = ${f(e.last.queryNorm, 2)}: q·k ${e.last.dots.map((v) => f(v, 1)).join(' ')}; ÷√hs ${e.last.scaled.map((v) => f(v, 2)).join(' ')}; weights ${e.last.weights.map((v) => f(v)).join(' ')}. Largest difference between the keys of the two q's (rows 1 and 10): ${e.sameLetterKeyGap}.\n`);
    }
  }
  const sc = r.scaling as { hs: number; sqrtHs: number; rawMin: number; rawMax: number; rawSd: number; scaledSd: number; maxWeightScaled: number; maxWeightUnscaled: number } | undefined;
  if (sc) parts.push(`## The scaling by √hs (copy-attention, every dev line, every allowed query–key pair)\n\nq·k from ${f(sc.rawMin, 1)} to ${f(sc.rawMax, 1)}, standard deviation ${f(sc.rawSd, 2)}; divided by √${sc.hs} = ${f(sc.sqrtHs, 2)}: standard deviation ${f(sc.scaledSd, 2)}. A row's largest weight (rows 1–17), on average: ${f(sc.maxWeightScaled)} with the division, ${f(sc.maxWeightUnscaled)} without it.\n`);
  type Gpt = { config: { nLayer: number; nHead: number; nEmbd: number; blockSize: number; dropout: number }; training: { batchSize: number; steps: number; learningRate: number; length: number }; vocab: number; lnVocab: number; parameters: number; parts: Record<string, number>; weightBytes: number; trainingBytes: number; flopsPerStep: number; step?: number; dev?: number; test?: number; curve: Curve };
  const gptR = r.gpt as Record<string, Gpt> | undefined;
  if (gptR && Object.keys(gptR).length > 0) {
    const ids = Object.keys(gptR);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
    parts.push(`## Chapter 7's GPTs\n\n| | ${ids.join(' | ')} |\n|---|${ids.map(() => '---').join('|')}|\n${[
      ['layers × heads × channels, block', (x: Gpt) => `${x.config.nLayer} × ${x.config.nHead} × ${x.config.nEmbd}, ${x.config.blockSize}`],
      ['dropout', (x: Gpt) => String(x.config.dropout)],
      ['vocabulary (ln V)', (x: Gpt) => `${x.vocab} (${f(x.lnVocab)})`],
      ['token embedding (tied with the head)', (x: Gpt) => String(x.parts.tokenEmbedding)],
      ['position embedding', (x: Gpt) => String(x.parts.positionEmbedding)],
      ['attention, per block', (x: Gpt) => String(x.parts.attentionPerBlock)],
      ['MLP, per block', (x: Gpt) => String(x.parts.mlpPerBlock)],
      ['LayerNorms, per block', (x: Gpt) => String(x.parts.normsPerBlock)],
      ['final LayerNorm', (x: Gpt) => String(x.parts.finalNorm)],
      ['parameters', (x: Gpt) => String(x.parameters)],
      ['weights', (x: Gpt) => mb(x.weightBytes)],
      ['training memory (gptFootprint: weights, gradients, moments, one batch\'s activations)', (x: Gpt) => mb(x.trainingBytes)],
      ['floating-point operations per step (gptFootprint)', (x: Gpt) => `${(x.flopsPerStep / 1e9).toFixed(2)} G`],
      ['recipe: batch × length, steps, learning rate', (x: Gpt) => `${x.training.batchSize} × ${x.training.length}, ${x.training.steps}, ${x.training.learningRate}`],
      ['checkpoint steps', (x: Gpt) => (x.step === undefined ? '— (not shipped yet)' : String(x.step))],
      ['dev (recomputed)', (x: Gpt) => f(x.dev)],
      ['test (recomputed)', (x: Gpt) => f(x.test)],
      ['reference curve: dev at step 0', (x: Gpt) => f(x.curve?.step0Dev)],
      ['reference curve: final train', (x: Gpt) => f(x.curve?.train)],
      ['reference curve: final dev', (x: Gpt) => f(x.curve?.dev)],
      ['reference curve: seconds in Node', (x: Gpt) => (x.curve ? String(x.curve.seconds) : '—')],
    ].map(([label, g]) => `| ${label as string} | ${ids.map((id) => (g as (x: Gpt) => string)(gptR[id]!)).join(' | ')} |`).join('\n')}\n`);
  }
  const po = r.positions as { steps: number; with?: { parameters: number; dev: number; train: number; seconds: number }; without?: { parameters: number; dev: number; train: number; seconds: number } } | undefined;
  if (po) parts.push(`## Positions on real text (tinyshakespeare-gpt-chapter's recipe, ${po.steps} steps)\n\n| | parameters | train | dev | seconds |\n|---|---|---|---|---|\n${(['with', 'without'] as const).filter((k) => po[k]).map((k) => `| ${k} position embeddings | ${po[k]!.parameters} | ${f(po[k]!.train)} | ${f(po[k]!.dev)} | ${po[k]!.seconds} |`).join('\n')}\n`);
  type Temp = { entropy: number; top1: number; top5: number } & Record<string, { mean: number; median: number; max: number }>;
  const sa = r.sampling as (Record<string, unknown> & { distributions: number; vocab: number }) | undefined;
  if (sa) {
    parts.push(`## Sampling (${String(sa.model)}, ${sa.distributions} next-character distributions of the dev text, V = ${sa.vocab})\n\n| temperature | entropy (nats) | top character | top five | top-p 0.9: characters (mean, median, max) | top-p 0.5: characters |\n|---|---|---|---|---|---|\n${TEMPERATURES.map((t) => {
      const x = sa[`t${t}`] as Temp;
      return `| ${t} | ${f(x.entropy)} | ${f(x.top1)} | ${f(x.top5)} | ${f(x['topP0.9']!.mean, 2)}, ${x['topP0.9']!.median}, ${x['topP0.9']!.max} | ${f(x['topP0.5']!.mean, 2)}, ${x['topP0.5']!.median}, ${x['topP0.5']!.max} |`;
    }).join('\n')}\n`);
  }
  const gr = r.grid as (Record<string, unknown> & { text: string }) | undefined;
  if (gr) {
    for (const [id, x] of Object.entries(gr)) {
      if (id === 'text' || !x) continue;
      const g = x as { heads: ({ layer: number; head: number } & Record<string, number>)[]; best: Record<string, { layer: number; head: number; score: number }>; even?: Record<string, number> };
      parts.push(`## ${id}'s heads on the grid's prompt "${gr.text}"\n\nPattern scores (lab/analysis/attentionPatterns.ts), layer.head counted from 0. Best per pattern: ${Object.entries(g.best).map(([p, b]) => `${p} ${b.layer}.${b.head} (${f(b.score)})`).join(', ')}. A head spreading its weight evenly would score ${Object.entries(g.even ?? {}).map(([p, v]) => `${p} ${f(v)}`).join(', ')}.\n\n| head | ${GRID_PATTERNS.join(' | ')} |\n|---|${GRID_PATTERNS.map(() => '---').join('|')}|\n${g.heads.map((h) => `| ${h.layer}.${h.head} | ${GRID_PATTERNS.map((p) => f(h[p])).join(' | ')} |`).join('\n')}\n`);
    }
  }
  const tg = r.tang as { text: string; positions: number; split: string; heads: { layer: number; head: number; oneLineBack: number; previous: number; start: number }[]; even?: { oneLineBack: number; previous: number; start: number } } | undefined;
  if (tg) parts.push(`## The Tang GPT on 春晓\n\n"${tg.text}", ${tg.positions} positions with the boundary; in the ${tg.split} split. Pattern scores (lab/analysis/attentionPatterns.ts): { back: ${LINE_STEP} } (one line back), previous, start:\n\n| head | one line back | previous | start |\n|---|---|---|---|\n${tg.even ? `| even spread | ${f(tg.even.oneLineBack)} | ${f(tg.even.previous)} | ${f(tg.even.start)} |\n` : ''}${tg.heads.map((h) => `| ${h.layer}.${h.head} | ${f(h.oneLineBack)} | ${f(h.previous)} | ${f(h.start)} |`).join('\n')}\n`);
  const tb = r.table as { rows: Record<string, { model: string; params: number; steps: number; seconds: number; train: number; dev: number; test?: number }> } | undefined;
  if (tb) parts.push(`## The reference table's rows (public/checkpoints/reference.json)\n\n| row | model | parameters | steps | seconds | train | dev | test |\n|---|---|---|---|---|---|---|---|\n${Object.entries(tb.rows).map(([id, x]) => `| ${id} | ${x.model} | ${x.params} | ${x.steps} | ${x.seconds} | ${f(x.train)} | ${f(x.dev)} | ${f(x.test)} |`).join('\n')}\n`);
  parts.push(`## Cited in the chapters from other measurements\n\n- docs/ATTENTION-FIGURES.md, "Which heads do what in the shipped GPTs" (scripts/heads-forming.ts, 32 dev windows): tinyshakespeare-gpt's head 0.2 on the previous character 0.319 and head 2.1 on itself 0.372 against an even head's 0.059; its best induction score 0.102 (even 0.077).\n- public/checkpoints/<id>.curve.json (the lead's reference runs): the chapter GPT's dev 2.662 at step 100, 2.404 at 300 and 2.064 at 1,000; the copy head's dev 2.990 at step 50, 2.875 at 100, 2.102 at 150, 1.579 at 200, 1.494 at 250.\n`);
  return `${parts.join('\n')}\n`;
}
