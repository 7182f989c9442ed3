/**
 * Searches the shipped Shakespeare LSTM (public/checkpoints/tinyshakespeare-lstm.ckpt) for units
 * that track a readable property of the text (lab/analysis/textProperties.ts): runs it over a
 * long stretch of the dev split, records every cell unit (`lstm.cell`) and hidden unit
 * (`rnn.state`) at every character, and keeps, per property, the unit whose values correlate
 * best with it (Pearson's |r|). Writes public/checkpoints/tinyshakespeare-lstm.units.json, which
 * chapter 5's `lm-lstm-units` reads, and the "Interpretable units" section of
 * docs/RECURRENT-FIGURES.md (between its markers; the rest of the file is left alone).
 *
 *   nice -n 10 npx tsx scripts/lstm-units.ts [--chars 12000] [--window 256] [--warmup 64]
 *
 * What the model saw in training: blocks of 64 characters, each read from its learned start
 * state. The model keeps no state between calls, so the text is read in windows of `window`
 * characters that overlap by `warmup`: every window after the first is measured only after its
 * first `warmup` characters, so that each measured character has at least that much context
 * (a line of verse is shorter) and the measured stretches join without a gap. The script also
 * reports the model's loss by position in the window, to show that reading past 64 characters
 * does not derail it.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TEXT_PROPERTIES, textProperties } from '../lab/analysis/textProperties';
import { correlateUnits, type UnitCorrelation } from '../lab/analysis/unitCorrelation';
import { loadLocalDataset, REPO_ROOT, useNodeBackend } from '../lab/cli/environment';
import { CharTokenizer } from '../lab/tokenizers/char';
import { modelFromCheckpoint } from '../lab/worker/loadModel';
import { type FoundUnit, UNIT_KEYS, type UnitKey, type UnitsFile } from '../src/widgets/lstmUnitsFile';

const CHECKPOINT = 'tinyshakespeare-lstm';
/** Windows per forward pass: 16 × 256 steps of 384 units stay well within memory. */
const BATCH = 16;
/** The dev excerpt the page colours by default: a few speeches, starting at a speaker's line. */
const EXCERPT_CHARS = 480;
const DOCS = `${REPO_ROOT}docs/RECURRENT-FIGURES.md`;
const START = '<!-- lstm-units:start -->';
const END = '<!-- lstm-units:end -->';

const { values } = parseArgs({ options: { chars: { type: 'string', default: '12000' }, window: { type: 'string', default: '256' }, warmup: { type: 'string', default: '64' } } });
const chars = Number(values.chars);
const window = Number(values.window);
const warmup = Number(values.warmup);
if (!(warmup >= 0 && window > warmup && chars >= window)) throw new Error('need 0 <= warmup < window <= chars');

const backend = await useNodeBackend('wasm');
const loaded = modelFromCheckpoint(new Uint8Array(await readFile(`${REPO_ROOT}public/checkpoints/${CHECKPOINT}.ckpt`)), `the checkpoint ${CHECKPOINT}`);
const dataset = await loadLocalDataset('tinyshakespeare');
const text = dataset.tokenizer.decode(dataset.splits.dev.sequences[0]!.subarray(0, chars));
const ids = CharTokenizer.fromChars(loaded.vocab).encode(text);

/** Window starts: the first at 0, each next `window − warmup` further, the last flush with the text's end. */
const stride = window - warmup;
const starts: number[] = [];
for (let s = 0; s + window <= ids.length; s += stride) starts.push(s);
if (starts.at(-1)! + window < ids.length) starts.push(ids.length - window);

/** Per key, (T, H) values at every measured character, and the loss by position in the window. */
const hidden = loaded.spec.kind === 'lstm' ? (loaded.spec.config as { hiddenDim: number }).hiddenDim : 0;
if (!hidden) throw new Error(`${CHECKPOINT} is not an LSTM`);
const recorded: Record<UnitKey, Float32Array> = { 'lstm.cell': new Float32Array(ids.length * hidden), 'rnn.state': new Float32Array(ids.length * hidden) };
const lossByPosition = new Float64Array(window);
const t0 = performance.now();
for (let b = 0; b < starts.length; b += BATCH) {
  const batch = starts.slice(b, b + BATCH);
  const rows = batch.map((s) => ids.slice(s, s + window));
  const x = tf.tensor2d(rows.flat(), [rows.length, window], 'int32'); // (B, T)
  const { logits, intermediates } = loaded.model.forward(x, undefined, { record: [...UNIT_KEYS] });
  const nll = tf.tidy(() => {
    const logp = tf.logSoftmax(logits.slice([0, 0, 0], [-1, window - 1, -1])); // (B, T − 1, V)
    const next = tf.oneHot(tf.tensor2d(rows.map((r) => r.slice(1)).flat(), [rows.length, window - 1], 'int32'), logits.shape[2]!); // (B, T − 1, V)
    return logp.mul(next).sum(2).neg().sum(0); // (T − 1): summed over windows
  });
  (await nll.data()).forEach((v, t) => (lossByPosition[t] = lossByPosition[t]! + v));
  for (const key of UNIT_KEYS) {
    const data = (await intermediates![key]!.data()) as Float32Array; // (B, T, H)
    batch.forEach((start, i) => {
      // The first window is measured whole; the others after their warm-up.
      const from = start === 0 ? 0 : start + warmup;
      const skip = from - start;
      recorded[key].set(data.subarray((i * window + skip) * hidden, (i + 1) * window * hidden), from * hidden);
    });
  }
  tf.dispose([x, logits, nll, ...Object.values(intermediates!)]);
  process.stderr.write(`windows ${Math.min(b + BATCH, starts.length)}/${starts.length}\r`);
}
loaded.model.dispose();
const seconds = (performance.now() - t0) / 1000;

const properties = textProperties(text);
// A property that holds nowhere in the text (Tiny Shakespeare has no parentheses) has nothing to find.
const found: FoundUnit[] = TEXT_PROPERTIES.filter((p) => properties[p].some((v) => v !== 0)).map((property) => {
  const best = UNIT_KEYS.map((key) => ({ key, ...correlateUnits(recorded[key], [ids.length, hidden], { [property]: properties[property] }, 1)[property]![0]! }));
  const top = best.reduce((a, b) => (Math.abs(b.r) > Math.abs(a.r) ? b : a));
  return { property, key: top.key, unit: top.unit, r: round(top.r, 4), positives: properties[property].reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) };
}).sort((a, b) => Math.abs(b.r) - Math.abs(a.r));

const band = (from: number, to: number) => round(lossByPosition.slice(from, to).reduce((a, b) => a + b, 0) / ((to - from) * starts.length), 4);
const bands = [[0, 16], [16, 64], [64, 128], [128, window - 1]].filter(([from, to]) => from! < to! && to! <= window - 1) as [number, number][];
const file: UnitsFile = {
  checkpoint: CHECKPOINT,
  measured: { split: 'dev', chars: ids.length, window, warmup, windows: starts.length, backend, seconds: round(seconds, 1), date: new Date().toISOString().slice(0, 10) },
  lossByPosition: bands.map(([from, to]) => ({ from, to, loss: band(from, to) })),
  units: found,
  excerpt: excerptOf(text),
  text,
};
await writeFile(`${REPO_ROOT}public/checkpoints/${CHECKPOINT}.units.json`, `${JSON.stringify(file, null, 1)}\n`);
await writeSection(markdown(file));
console.log(JSON.stringify({ ...file, text: undefined, excerpt: undefined }, null, 1));

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** About {@link EXCERPT_CHARS} characters of the measured text, from a speaker's line to the end of a line. */
function excerptOf(from: string): string {
  const begin = from.indexOf('\n\n', 2000) + 2;
  const end = from.indexOf('\n', begin + EXCERPT_CHARS);
  return from.slice(begin, end + 1);
}

function markdown(f: UnitsFile): string {
  const rows = f.units.map((u) => `| ${u.property} | \`${u.key}\` | ${u.unit} | ${u.r.toFixed(3)} | ${u.positives.toLocaleString('en')} |`);
  const losses = f.lossByPosition.map((b) => `${b.from}–${b.to - 1}: ${b.loss.toFixed(3)}`).join('; ');
  return [
    START,
    '## Interpretable units',
    '',
    `The shipped Shakespeare LSTM (\`${f.checkpoint}\`, 384 units) read the first ${f.measured.chars.toLocaleString('en')} characters of the dev split in ${f.measured.windows} windows of ${f.measured.window} characters overlapping by ${f.measured.warmup} (each window after the first measured after its first ${f.measured.warmup} characters), on ${f.measured.backend} in Node in ${f.measured.seconds} s (${f.measured.date}); every cell unit (\`lstm.cell\`) and hidden unit (\`rnn.state\`) was correlated (Pearson) with each property of \`lab/analysis/textProperties.ts\`, and the best unit by |r| kept. Written by \`nice -n 10 npx tsx scripts/lstm-units.ts\` to \`public/checkpoints/${f.checkpoint}.units.json\`, which chapter 5's \`lm-lstm-units\` reads.`,
    '',
    '| property | key | unit | r | characters where it holds (non-zero) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `The model was trained on blocks of 64 characters; its mean loss (nats per character) by position in the ${f.measured.window}-character windows — ${losses} — shows it reads on past 64 without losing its way, so long windows are a fair way to measure it. Tiny Shakespeare has no double quotation marks and no parentheses: \`quote\` only counts quotations between apostrophes, whose rule (a guess) also opens one at an elision such as \`'tis\`, and \`paren\` holds nowhere (its r is 0).`,
    END,
  ].join('\n');
}

/** Writes `section` between its markers in docs/RECURRENT-FIGURES.md, or appends it. */
async function writeSection(section: string): Promise<void> {
  const old = await readFile(DOCS, 'utf8').catch(() => '');
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a >= 0 && b > a ? `${old.slice(0, a)}${section}${old.slice(b + END.length)}` : `${old}${old && !old.endsWith('\n\n') ? (old.endsWith('\n') ? '\n' : '\n\n') : ''}${section}\n`;
  await writeFile(DOCS, next);
}
