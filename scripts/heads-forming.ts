/**
 * Chapter 7's figures of attention heads, measured in Node on wasm through the worker's own
 * snapshot code (`lab/worker/inspect.ts`, the `patterns` probe), each mode writing its section of
 * docs/ATTENTION-FIGURES.md (between its markers; the rest of the file is left alone):
 *
 *   nice -n 10 npx tsx scripts/heads-forming.ts forming [--steps 1500] [--every 50] [--doc-only]
 *     trains the chapter recipe (tinyshakespeare-gpt-chapter) from its seed, scoring every head on
 *     HEADS_PROBE_TEXT at step 0 and every `every` steps; writes
 *     public/checkpoints/tinyshakespeare-gpt-chapter.heads.json (the heads timeline's reference
 *     run) and when each pattern's top head forms (with --doc-only, that section again from the
 *     JSON, without training).
 *   nice -n 10 npx tsx scripts/heads-forming.ts cost [--steps 200] [--every 50] [--rounds 3]
 *     the cost of watching every head (each block's weights and pattern scores on the probe text,
 *     as the timeline asks) every `every` steps: alternating rounds of the same run unwatched and
 *     watched, in one process; the median milliseconds per step of each and their ratio.
 *   nice -n 10 npx tsx scripts/heads-forming.ts top [--windows 32] [--checkpoints public/checkpoints/]
 *     which heads of the shipped GPTs score highest on which pattern, on dev text.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { patternName, patternScores } from '../lab/analysis/attentionPatterns';
import { HEADS_PATTERNS, HEADS_PROBE_TEXT } from '../lab/analysis/headsProbe';
import { loadLocalDataset, REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import type { Dataset } from '../lab/data/datasets';
import type { GptConfig } from '../lab/models/gpt';
import { createModel } from '../lab/models/registry';
import { recipe } from '../lab/train/recipes';
import { type TrainingPlan, startTraining } from '../lab/train/run';
import { inputBatch, type InspectedModel, snapshot } from '../lab/worker/inspect';
import { modelFromCheckpoint } from '../lab/worker/loadModel';
import type { AttentionPattern, InspectInput, Probe } from '../lab/worker/protocol';

const RECIPE = 'tinyshakespeare-gpt-chapter';
const HEADS_FILE = `${REPO_ROOT}public/checkpoints/${RECIPE}.heads.json`;
const DOCS = `${REPO_ROOT}docs/ATTENTION-FIGURES.md`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string' },
    'doc-only': { type: 'boolean', default: false },
    every: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    windows: { type: 'string', default: '32' },
    checkpoints: { type: 'string', default: `${REPO_ROOT}public/checkpoints/` },
  },
});
const mode = positionals[0];
if (mode !== 'forming' && mode !== 'cost' && mode !== 'top') throw new Error('usage: heads-forming.ts forming|cost|top [options] (see the comment at the top)');
const every = Number(values.every);

const backend = await useNodeBackend('wasm');
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs} (${backend})`;
const today = new Date().toISOString().slice(0, 10);

/** The heads timeline's reference run, as `public/checkpoints/<recipe>.heads.json` holds it (src/widgets/headsReference.ts reads it). */
interface HeadsFile {
  recipe: string;
  text: string;
  /** Pattern names (attentionPatterns.ts `patternName`), in the order of each point's scores. */
  patterns: string[];
  layers: number;
  heads: number;
  every: number;
  /** The run's steps (the recipe's, or fewer when asked). */
  steps: number;
  /** Dev loss after the last step. */
  dev: number;
  seconds: number;
  machine: string;
  /** Per snapshot: its step, the batch loss of that step (none at step 0), and the scores, block-major, (L, H, P) flattened, 4 decimals. */
  points: { step: number; loss?: number; scores: number[] }[];
}

/** One `patterns` probe per block, on example 0 (or on every example without `index`). */
function patternProbes(layers: number, patterns: readonly AttentionPattern[], index?: number[]): Record<string, Probe> {
  return Object.fromEntries(Array.from({ length: layers }, (_, i) => [`p${i}`, { key: `block${i}.attn.weights`, as: 'patterns', patterns: [...patterns], ...(index ? { index } : {}) } satisfies Probe]));
}

/** The mean of the numbers that are not NaN (NaN when none is). */
function meanOf(xs: number[]): number {
  const kept = xs.filter((x) => !Number.isNaN(x));
  return kept.length > 0 ? kept.reduce((a, b) => a + b, 0) / kept.length : NaN;
}

/**
 * Every head's pattern scores on `input`, (L, H, P) flattened: each the mean over the input's
 * examples of the example's score (examples with no qualifying row, NaN, left out); and, as a
 * baseline, the (P) scores of a head that spreads every row evenly over the past, on the same tokens.
 */
async function headScores(target: InspectedModel, input: InspectInput, patterns: readonly AttentionPattern[]): Promise<{ scores: number[]; uniform: number[] }> {
  const layers = (target.spec.config as GptConfig).nLayer;
  const batch = inputBatch(target, input); // (B, T) each
  try {
    const { arrays } = await snapshot(target, batch, patternProbes(layers, patterns), new Map());
    const scores = Array.from({ length: layers }, (_, i) => arrays[`p${i}`]!).flatMap(({ shape, data }) => {
      const [examples, heads, count] = shape as [number, number, number];
      return Array.from({ length: heads * count }, (_, j) => meanOf(Array.from({ length: examples }, (_, b) => data[b * heads * count + j]!)));
    });
    const [examples, time] = batch.x.shape;
    const ids = await batch.x.data();
    const even = Float32Array.from({ length: time * time }, (_, i) => (i % time <= Math.floor(i / time) ? 1 / (Math.floor(i / time) + 1) : 0)); // (T, T)
    const perExample = Array.from({ length: examples }, (_, b) => patternScores(even, time, ids.subarray(b * time, (b + 1) * time), patterns)); // B × (P)
    return { scores, uniform: patterns.map((_, p) => meanOf(perExample.map((s) => s[p]!))) };
  } finally {
    tf.dispose([batch.x, batch.y]); // the snapshot is read back
  }
}

/** The inspected model of a run or a checkpoint on `dataset`. */
function inspected(model: InspectedModel['model'], plan: TrainingPlan, dataset: Dataset): InspectedModel {
  return { model, spec: plan.model, plan, vocab: dataset.tokenizer.chars, datasetKind: dataset.info.kind, dataset };
}

/** Replaces the section between `<!-- name:start -->` and `<!-- name:end -->` of the figures doc (appending it when absent). */
async function writeSection(name: string, lines: string[]): Promise<void> {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const doc = existsSync(DOCS) ? await readFile(DOCS, 'utf8') : '# Attention chapters: measured figures\n';
  const section = [start, ...lines, end].join('\n');
  const [before, rest] = doc.includes(start) ? [doc.slice(0, doc.indexOf(start)), doc.slice(doc.indexOf(end) + end.length)] : [`${doc.trimEnd()}\n\n`, '\n'];
  await writeFile(DOCS, `${before}${section}${rest}`);
  console.error(`wrote the ${name} section of ${DOCS}`);
}

const fixed = (x: number, digits = 3) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
const headName = (index: number, heads: number) => `${Math.floor(index / heads)}.${index % heads}`;

/** Trains the chapter recipe, scoring every head on the probe text every `every` steps. */
async function forming(): Promise<void> {
  const { dataset: datasetId, plan: recipePlan } = recipe(RECIPE);
  if (values['doc-only']) return writeSection('heads-forming', formingSection(JSON.parse(await readFile(HEADS_FILE, 'utf8')) as HeadsFile, recipePlan.steps));
  const dataset = await loadLocalDataset(datasetId);
  const steps = values.steps ? Number(values.steps) : recipePlan.steps;
  // No evaluation but the last: the weights are the same, the run shorter.
  const plan: TrainingPlan = { ...recipePlan, steps, evalEvery: 0 };
  const config = plan.model.config as GptConfig;
  const input = { text: HEADS_PROBE_TEXT };
  const points: HeadsFile['points'] = [];
  const round4 = (scores: number[]) => scores.map((s) => Math.round(s * 1e4) / 1e4);
  const fresh = createModel(plan.model, dataset.tokenizer.vocabSize); // the run's step 0: the same seed gives the same weights
  points.push({ step: 0, scores: round4((await headScores(inspected(fresh, plan, dataset), input, HEADS_PATTERNS)).scores) });
  fresh.dispose();
  const losses = new Map<number, number>();
  let dev = NaN;
  let target: InspectedModel | undefined;
  const started = performance.now();
  const run = startTraining(
    dataset,
    plan,
    {
      onStep: (step, loss) => {
        losses.set(step, loss);
        if (step % 100 === 0) console.error(`step ${step} loss ${loss.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      },
      onEval: (step, result) => {
        if (step === steps) dev = result.dev!;
      },
    },
    {
      between: async (step) => {
        if (step % every === 0 && target) points.push({ step, loss: Math.round(losses.get(step)! * 1e4) / 1e4, scores: round4((await headScores(target, input, HEADS_PATTERNS)).scores) });
      },
    },
  );
  target = inspected(run.model, plan, dataset);
  await run.done;
  run.model.dispose();
  const seconds = (performance.now() - started) / 1000;
  const file: HeadsFile = { recipe: RECIPE, text: HEADS_PROBE_TEXT, patterns: HEADS_PATTERNS.map(patternName), layers: config.nLayer, heads: config.nHead, every, steps, dev, seconds: Math.round(seconds), machine, points };
  await writeFile(HEADS_FILE, `${JSON.stringify(file)}\n`);
  console.error(`wrote ${HEADS_FILE}: ${points.length} snapshots, dev ${dev.toFixed(4)}, ${seconds.toFixed(0)} s`);
  await writeSection('heads-forming', formingSection(file, recipePlan.steps));
}

/** The forming section: per pattern, the heads that end highest and the step each first passes half its final score. */
function formingSection(file: HeadsFile, recipeSteps: number): string[] {
  const { patterns, heads, points } = file;
  const P = patterns.length;
  const last = points.at(-1)!;
  const rows = patterns.flatMap((pattern, p) => {
    const order = Array.from({ length: last.scores.length / P }, (_, h) => h).sort((a, b) => last.scores[b * P + p]! - last.scores[a * P + p]!);
    return order.slice(0, 2).map((h) => {
      const final = last.scores[h * P + p]!;
      const half = points.find((point) => point.scores[h * P + p]! >= final / 2)!;
      const fastest = points.reduce((best, point, i) => (i > 0 && point.scores[h * P + p]! - points[i - 1]!.scores[h * P + p]! > best.rise ? { step: point.step, rise: point.scores[h * P + p]! - points[i - 1]!.scores[h * P + p]! } : best), { step: 0, rise: -Infinity });
      return `| ${pattern} | ${headName(h, heads)} | ${fixed(points[0]!.scores[h * P + p]!)} | ${fixed(final)} | ${half.step} | ${fastest.step} |`;
    });
  });
  const shortened = file.steps < recipeSteps ? ` (fewer than the recipe's ${recipeSteps.toLocaleString('en')}, so its learning rate decays over ${file.steps} steps)` : ' (the recipe\'s whole run)';
  return [
    '## Heads forming during the chapter run',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/heads-forming.ts forming\` on ${today} (${machine}): the recipe \`${file.recipe}\` (4 layers × 4 heads, 64 channels, block 64, batch 16) trained from its seed for ${file.steps.toLocaleString('en')} steps${shortened}, no evaluation but the last (dev ${fixed(file.dev, 4)}), in ${file.seconds} s with the snapshots; every head scored on \`HEADS_PROBE_TEXT\` (${JSON.stringify(file.text)}, \`lab/analysis/headsProbe.ts\`) at step 0 and every ${file.every} steps through the \`patterns\` probe. Written to \`public/checkpoints/${file.recipe}.heads.json\` (${points.length} snapshots), the heads timeline's reference run.`,
    '',
    `Per pattern, the two heads (layer.head, 0-based) with the highest score at the last step; "half" is the first snapshot at which the score reaches half its final value, "steepest" the end of the ${file.every} steps in which it rose most. A head that spreads each row evenly over the past scores the mean of 1/(t + 1) on \`start\`, \`self\` and \`previous\` (0.060 over this text, as every head does at step 0), so a score that ends below twice that is half-way from the start.`,
    '',
    '| pattern | head | step 0 | final | half at step | steepest at step |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** Alternating rounds of the same run, unwatched and watched every `every` steps. */
async function cost(): Promise<void> {
  const { dataset: datasetId, plan: recipePlan } = recipe(RECIPE);
  const dataset = await loadLocalDataset(datasetId);
  const steps = values.steps ? Number(values.steps) : 200;
  const rounds = Number(values.rounds);
  const plan: TrainingPlan = { ...recipePlan, steps, evalEvery: 0 };
  const layers = (plan.model.config as GptConfig).nLayer;
  // What the heads timeline asks for: every block's weights on the probe text, and their scores.
  const probes: Record<string, Probe> = { ...patternProbes(layers, HEADS_PATTERNS, [0]) };
  for (let i = 0; i < layers; i++) probes[`w${i}`] = { key: `block${i}.attn.weights`, as: 'raw', index: [0] };
  const round = async (watched: boolean) => {
    const stepTimes: number[] = [];
    let target: InspectedModel | undefined;
    let snapshots = 0;
    const run = startTraining(dataset, plan, { onStep: () => stepTimes.push(performance.now()) }, {
      between: async (step) => {
        if (!watched || !target || step % every !== 0) return;
        const batch = inputBatch(target, { text: HEADS_PROBE_TEXT }); // (1, T) each
        await snapshot(target, batch, probes, new Map());
        tf.dispose([batch.x, batch.y]);
        snapshots++;
      },
    });
    target = inspected(run.model, plan, dataset);
    await run.done;
    run.model.dispose();
    return { msPerStep: (stepTimes.at(-1)! - stepTimes[0]!) / (stepTimes.length - 1), snapshots };
  };
  const times: Record<'plain' | 'watched', number[]> = { plain: [], watched: [] };
  let snapshots = 0;
  for (let r = 0; r < rounds; r++) {
    for (const watched of [false, true]) {
      const result = await round(watched);
      times[watched ? 'watched' : 'plain'].push(result.msPerStep);
      if (watched) snapshots = result.snapshots;
      console.error(`round ${r + 1} ${watched ? `watched (${result.snapshots} snapshots)` : 'plain'}: ${result.msPerStep.toFixed(1)} ms/step; tensors ${tf.memory().numTensors}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [plain, watched] = [median(times.plain), median(times.watched)];
  const perSnapshot = ((watched - plain) * steps) / snapshots;
  console.log(JSON.stringify({ steps, every, rounds, plain, watched, ratio: watched / plain, perSnapshot, times }, null, 1));
  await writeSection('heads-cost', [
    '## The cost of watching every head',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/heads-forming.ts cost --steps ${steps} --every ${every} --rounds ${rounds}\` on ${today} (${machine}), on a machine other jobs shared, so only the ratio of rounds run side by side means much: the chapter recipe (\`${RECIPE}\`, 4 layers × 4 heads, 64 channels, batch 16) for ${steps} steps from its seed, ${rounds} rounds each unwatched and watched, alternating in one process. Watched: every ${every} steps (${snapshots} snapshots a round), what the heads timeline asks for: every block's \`block{i}.attn.weights\` on \`HEADS_PROBE_TEXT\` (raw, example 0) and its \`patterns\` scores (previous, start, induction, self), through the worker's snapshot code. Milliseconds per step, from the first step's end to the last's; the median of the rounds.`,
    '',
    '| run | ms per step (median) | each round |',
    '| --- | --- | --- |',
    `| not watched | ${plain.toFixed(1)} | ${times.plain.map((t) => t.toFixed(1)).join(', ')} |`,
    `| watched every ${every} steps | ${watched.toFixed(1)} | ${times.watched.map((t) => t.toFixed(1)).join(', ')} |`,
    '',
    `Ratio watched / not watched: **${(watched / plain).toFixed(3)}** (one snapshot of the ${layers} blocks ≈ ${perSnapshot.toFixed(0)} ms, spread over ${every} steps).`,
  ]);
}

/** Which heads of the shipped GPTs score highest on which pattern, on dev text. */
async function top(): Promise<void> {
  const windows = Number(values.windows);
  const lines: string[] = [
    '## Which heads do what in the shipped GPTs',
    '',
    `Measured by \`nice -n 10 npx tsx scripts/heads-forming.ts top --windows ${windows}\` on ${today} (${machine}). Each head's score of each pattern (\`lab/analysis/attentionPatterns.ts\`: the mean over query rows of the weight put where the pattern looks), through the \`patterns\` probe, averaged over dev text: for the Shakespeare GPTs the first ${windows} windows of a block (64 characters) of the running dev text; for the Tang GPT the first ${windows * 2} dev poems, each read after its boundary token, where \`back6\` is one half-line (5 characters and a punctuation mark) back. Heads are layer.head, 0-based; the last row, \`even\`, is what a head that spreads each row evenly over the past would score on the same text: the level a pattern must stand above. "strongest" is the pattern the head scores most above that level, and by what factor.`,
  ];
  for (const name of ['tinyshakespeare-gpt', 'tinyshakespeare-gpt-chapter', 'tang-wujue-gpt']) {
    const path = `${values.checkpoints}${name}.ckpt`;
    if (!existsSync(path)) {
      lines.push('', `### ${name}`, '', `Not measured: ${name}.ckpt was not there yet.`);
      continue;
    }
    const loaded = modelFromCheckpoint(new Uint8Array(await readFile(path)), `the checkpoint ${name}`);
    const dataset = await loadLocalDataset(loaded.datasetId!);
    const config = loaded.spec.config as GptConfig;
    const patterns: AttentionPattern[] = dataset.info.kind === 'lines' ? [...HEADS_PATTERNS, { back: 6 }] : [...HEADS_PATTERNS];
    const input: InspectInput = dataset.info.kind === 'lines' ? { split: 'dev', count: windows * 2 } : { split: 'dev', count: windows, length: config.blockSize };
    const { scores, uniform } = await headScores({ ...inspected(loaded.model, loaded.plan, dataset), vocab: loaded.vocab }, input, patterns);
    loaded.model.dispose();
    const P = patterns.length;
    const heads = scores.length / P;
    const names = patterns.map(patternName);
    const best = names.map((pattern, p) => {
      const order = Array.from({ length: heads }, (_, h) => h).sort((a, b) => scores[b * P + p]! - scores[a * P + p]!);
      return `${pattern}: ${order.slice(0, 2).map((h) => `${headName(h, config.nHead)} (${fixed(scores[h * P + p]!)})`).join(', ')}`;
    });
    lines.push(
      '',
      `### ${name} (${config.nLayer} layers × ${config.nHead} heads, ${config.nEmbd} channels, step ${loaded.step})`,
      '',
      `Highest per pattern: ${best.join('; ')}.`,
      '',
      `| head | ${names.join(' | ')} | strongest |`,
      `| --- | ${names.map(() => '---').join(' | ')} | --- |`,
      ...Array.from({ length: heads }, (_, h) => {
        const row = names.map((_, p) => scores[h * P + p]!);
        const lift = row.map((s, p) => (Number.isNaN(s) ? -1 : s / uniform[p]!));
        const strongest = lift.indexOf(Math.max(...lift));
        return `| ${headName(h, config.nHead)} | ${row.map((s) => fixed(s)).join(' | ')} | ${names[strongest]} (${lift[strongest]!.toFixed(1)}×) |`;
      }),
      `| even (baseline) | ${uniform.map((s) => fixed(s)).join(' | ')} | |`,
    );
    console.error(`${name}: ${best.join('; ')}`);
  }
  await writeSection('heads-top', lines);
}

if (mode === 'forming') await forming();
else if (mode === 'cost') await cost();
else await top();
