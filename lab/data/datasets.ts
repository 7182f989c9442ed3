import { Rng } from '../rng';
import { CharTokenizer } from '../tokenizers/char';
import { copyTaskText } from './copyTask';

/** The data sets of the course, one id each; the same ids name them in URLs and in i18n files. */
export const DATASET_IDS = ['names', 'tinyshakespeare', 'tang-wujue', 'copy'] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

/**
 * How a data set's text is cut into examples.
 * - `lines`: one example per line (a name, a poem); each is wrapped in the boundary token.
 * - `stream`: one running text (Shakespeare); the boundary is just its newline.
 */
export type DatasetKind = 'lines' | 'stream';

/** What the course knows of a data set before loading it. */
export interface DatasetInfo {
  id: DatasetId;
  /** File name under the site's `data/` folder (and `../shared/data` in Node); a generated data set names its text here but reads none. */
  file: string;
  kind: DatasetKind;
  /** Makes the text instead of reading `file`: a synthetic task, the same in a page, a worker and Node. */
  generate?: () => string;
}

/** The registry: every data set the course ships. Sources and licences: docs/DATA.md. */
export const DATASETS: Record<DatasetId, DatasetInfo> = {
  names: { id: 'names', file: 'names.txt', kind: 'lines' },
  tinyshakespeare: { id: 'tinyshakespeare', file: 'tinyshakespeare.txt', kind: 'stream' },
  'tang-wujue': { id: 'tang-wujue', file: 'tang-wujue.txt', kind: 'lines' },
  copy: { id: 'copy', file: 'copy.txt', kind: 'lines', generate: copyTaskText },
};

/** Whether `id` names a data set of the registry (for untrusted input such as URLs). */
export function isDatasetId(id: string): id is DatasetId {
  return (DATASET_IDS as readonly string[]).includes(id);
}

export type SplitName = 'train' | 'dev' | 'test';

/**
 * One split: token-id sequences. For a `lines` data set each sequence is one example without
 * its boundaries; for a `stream` data set there is one sequence, the split's whole text.
 */
export interface Split {
  sequences: Int32Array[];
  /** Whether each sequence is an example to wrap in the boundary token (true for `lines`). */
  wrapped: boolean;
}

/** A loaded, tokenized and split data set. */
export interface Dataset {
  info: DatasetInfo;
  tokenizer: CharTokenizer;
  splits: Record<SplitName, Split>;
}

/** Options of {@link buildDataset}. */
export interface SplitOptions {
  /** Seed of the shuffle that assigns lines to splits; 3407 is makemore's. */
  seed: number;
}

/** Default split options: makemore's seed. */
export const DEFAULT_SPLIT: SplitOptions = { seed: 3407 };

/** Largest text the course accepts, in characters; beyond it training in a tab is hopeless. */
export const MAX_TEXT_CHARS = 8_000_000;

/**
 * Tokenizes and splits a data set's text.
 *
 * `lines`: lines are shuffled with the seed; test and dev each take min(1000, 10%) of them
 * (makemore's test rule), train the rest. `stream`: train is the first 90% of the text and dev
 * the last 10% (nanoGPT's train/val); test is empty.
 * @throws on empty text, text over {@link MAX_TEXT_CHARS}, or text that looks binary.
 */
export function buildDataset(info: DatasetInfo, text: string, options: SplitOptions = DEFAULT_SPLIT): Dataset {
  validateText(text);
  const clean = text.replace(/\r\n?/g, '\n');
  const tokenizer = CharTokenizer.fromText(clean);
  const splits = info.kind === 'lines' ? splitLines(clean, tokenizer, options.seed) : splitStream(clean, tokenizer);
  return { info, tokenizer, splits };
}

function validateText(text: string): void {
  if (text.trim().length === 0) throw new Error('the text is empty');
  if (text.length > MAX_TEXT_CHARS) {
    throw new Error(`the text has ${text.length.toLocaleString('en')} characters; the limit is ${MAX_TEXT_CHARS.toLocaleString('en')}`);
  }
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text.slice(0, 100_000))) {
    throw new Error('the text contains control or replacement characters: it looks like a binary file');
  }
}

function splitLines(text: string, tokenizer: CharTokenizer, seed: number): Record<SplitName, Split> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const order = new Rng(seed).shuffle(lines.map((_, i) => i));
  const held = Math.min(1000, Math.floor(lines.length * 0.1));
  const pick = (from: number, to: number): Split => ({
    sequences: order.slice(from, to).map((i) => Int32Array.from(tokenizer.encode(lines[i]!))),
    wrapped: true,
  });
  return { test: pick(0, held), dev: pick(held, 2 * held), train: pick(2 * held, lines.length) };
}

function splitStream(text: string, tokenizer: CharTokenizer): Record<SplitName, Split> {
  const ids = Int32Array.from(tokenizer.encode(text));
  const cut = Math.floor(ids.length * 0.9);
  return {
    train: { sequences: [ids.subarray(0, cut)], wrapped: false },
    dev: { sequences: [ids.subarray(cut)], wrapped: false },
    test: { sequences: [], wrapped: false },
  };
}

/** Reads a data set's file: `fetch` in a page or worker, the file system in Node. */
export type TextReader = (file: string) => Promise<string>;

/** Loads, tokenizes and splits a data set of the registry. */
export async function loadDataset(id: DatasetId, read: TextReader, options: SplitOptions = DEFAULT_SPLIT): Promise<Dataset> {
  const info = DATASETS[id];
  return buildDataset(info, info.generate ? info.generate() : await read(info.file), options);
}

/** Number of next-token predictions in a split (each wrapped example also predicts its end). */
export function predictionCount(split: Split): number {
  let n = 0;
  for (const s of split.sequences) n += split.wrapped ? s.length + 1 : Math.max(0, s.length - 1);
  return n;
}
