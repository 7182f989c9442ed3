import { patternScores as scorePatterns } from '../../lab/analysis/attentionPatterns';
import { HEADS_PATTERNS } from '../../lab/analysis/headsProbe';
import type { AttentionPattern, InspectInput, ModelInfo, ShapedArray } from '../../lab/worker/protocol';
import { type ProbeTemplate } from './probeTemplates';

/**
 * What the views of a GPT's heads read (chapter 7's grid, lm-attention-heads, and the timeline of
 * heads forming, lm-heads-timeline): per Transformer block, the attention weights of the one text
 * read, (H, T, T), and each head's score on a few recognisable patterns (A's `patterns` probe,
 * lab/analysis/attentionPatterns.ts), (H, P). The model computes both; the views only draw.
 */

/** The patterns every view scores, in the order of the probe's last axis: the reference run's (lab/analysis/headsProbe.ts). */
export const BASE_PATTERNS: readonly AttentionPattern[] = HEADS_PATTERNS;

/** Longest text the grid takes from the reader or a link: twice the shipped GPT's block; the model's block cuts it further. */
export const MAX_HEADS_TEXT = 128;

/** A pattern's name in the URL and in the text tables: `previous`, `self`, `start`, `induction`, or `back<k>`. */
export function patternId(pattern: AttentionPattern): string {
  return typeof pattern === 'string' ? pattern : `back${pattern.back}`;
}

/** The patterns a view scores: the base four, and `{ back: line }` when the text has lines of a fixed length (a poem's). */
export function headPatterns(line?: number): AttentionPattern[] {
  return line && line > 1 ? [...BASE_PATTERNS, { back: line }] : [...BASE_PATTERNS];
}

/**
 * The probes one view declares, one of each per block (`{block}`, probeTemplates.ts): `weights<i>`,
 * block i's attention weights for the text, (H, T, T); `patterns<i>`, its heads' pattern scores, (H, P).
 */
export function headsProbes(patterns: readonly AttentionPattern[]): Record<string, ProbeTemplate> {
  return {
    'weights{block}': { key: 'block{block}.attn.weights', as: 'raw', index: [0] },
    'patterns{block}': { key: 'block{block}.attn.weights', as: 'patterns', patterns: [...patterns], index: [0] },
  };
}

/** What a view of the heads reads: a text, characters the model does not know left out and reported. */
export function headsInput(text: string): InspectInput {
  return { text, unknown: 'skip' };
}

/** The longest context a GPT reads, from its description; undefined for another model. */
export function blockOf(info: ModelInfo): number | undefined {
  if (info.kind !== 'gpt') return undefined;
  const block = (info.config as { blockSize?: unknown } | null)?.blockSize;
  return typeof block === 'number' && block > 0 ? block : undefined;
}

/** A text cut to what a model reads at once. */
export interface FittedText {
  text: string;
  /** Whether characters were cut from its end. */
  cut: boolean;
}

/**
 * `text` cut so that a GPT of block `block` reads all of it: characters the vocabulary lacks are
 * left out of what it reads (so they do not count), and a model of line examples reads the
 * boundary token first (`lines`: one position fewer). A text that fits is returned whole.
 */
export function fitToBlock(text: string, vocab: readonly string[], block: number, lines: boolean): FittedText {
  const known = new Set(vocab);
  const room = Math.max(1, block - (lines ? 1 : 0));
  const chars = [...text];
  let read = 0;
  for (let i = 0; i < chars.length; i++) {
    if (!known.has(chars[i]!)) continue;
    if (read === room) return { text: chars.slice(0, i).join(''), cut: true };
    read += 1;
  }
  return { text, cut: false };
}

/** Every head's attention and pattern scores at one step: what the grid draws. */
export interface HeadsFrame {
  /** The optimizer step of the weights. */
  step: number;
  layers: number;
  heads: number;
  /** Positions read (T). */
  size: number;
  /** Per block, its heads' weights, row-major (H, T, T): `weights[l][(h * T + t) * T + j]` is what query t of head h puts on key j. */
  weights: Float32Array[];
  /** Per block, its heads' pattern scores, row-major (H, P); empty when the model gave none. */
  scores: Float32Array[];
}

/**
 * A snapshot's arrays (`weights<i>` and `patterns<i>`, {@link headsProbes}) as a frame, or
 * undefined when they are not a complete set of square matrices of one size.
 */
export function headsFrame(step: number, arrays: Readonly<Record<string, ShapedArray>>): HeadsFrame | undefined {
  const weights: Float32Array[] = [];
  const scores: Float32Array[] = [];
  let heads = 0;
  let size = 0;
  for (let l = 0; arrays[`weights${l}`]; l++) {
    const w = arrays[`weights${l}`]!;
    const [h = 0, t = 0, t2 = 0] = w.shape;
    if (w.shape.length !== 3 || t !== t2 || (l > 0 && (h !== heads || t !== size))) return undefined;
    heads = h;
    size = t;
    weights.push(Float32Array.from(w.data));
    const p = arrays[`patterns${l}`];
    scores.push(p && p.shape[0] === h ? Float32Array.from(p.data) : new Float32Array(0));
  }
  if (weights.length === 0 || heads === 0 || size === 0) return undefined;
  return { step, layers: weights.length, heads, size, weights, scores };
}

/** One head's matrix out of its block's (H, T, T) array: a view, not a copy. */
export function headMatrix(frame: HeadsFrame, layer: number, head: number): Float32Array {
  const n = frame.size * frame.size;
  return frame.weights[layer]!.subarray(head * n, (head + 1) * n);
}

/** Least lift over an even spread for a head to be named by a pattern: below it, the head is "spread out". */
export const MIN_LIFT = 0.05;

/**
 * The scores of a head that spreads every row evenly over the past (1/(t+1) on each key j ≤ t)
 * on the same tokens: the baseline a head's scores are compared with (an even head scores
 * 1/(t+1) on "previous" too), as scripts/heads-forming.ts compares them.
 */
export function evenScores(tokens: readonly string[], patterns: readonly AttentionPattern[]): Float32Array {
  const size = tokens.length;
  const even = new Float32Array(size * size);
  for (let t = 0; t < size; t++) for (let j = 0; j <= t; j++) even[t * size + j] = 1 / (t + 1);
  const ids = new Map<string, number>();
  const tokenIds = tokens.map((c) => ids.get(c) ?? (ids.set(c, ids.size), ids.size - 1));
  return scorePatterns(even, size, tokenIds, patterns);
}

/** What one head is best described by. */
export interface HeadSummary {
  /**
   * Index (into the view's patterns) of the pattern it scores highest on above an even spread
   * (`baseline`), -1 without scores or when no pattern lifts it by {@link MIN_LIFT}.
   */
  best: number;
  /** That score, NaN without scores. */
  score: number;
  /** The key position that gets the largest share of all the weight the head gives (summed over query rows). */
  top: number;
  /** That share, in [0, 1]. */
  share: number;
}

/** The strongest pattern of head `head` of block `layer` against `baseline` ({@link evenScores}), and where most of its attention goes. */
export function headSummary(frame: HeadsFrame, layer: number, head: number, patternCount: number, baseline?: ArrayLike<number>): HeadSummary {
  const scores = frame.scores[layer]!;
  let best = -1;
  let score = NaN;
  let lift = MIN_LIFT;
  if (scores.length >= (head + 1) * patternCount) {
    for (let p = 0; p < patternCount; p++) {
      const s = scores[head * patternCount + p]!;
      const l = s - (baseline?.[p] ?? 0);
      if (Number.isFinite(l) && l >= lift) {
        best = p;
        score = s;
        lift = l;
      }
    }
  }
  const size = frame.size;
  const m = headMatrix(frame, layer, head);
  const columns = new Float64Array(size);
  let total = 0;
  for (let t = 0; t < size; t++) {
    for (let j = 0; j <= t; j++) {
      const w = m[t * size + j]!;
      if (!Number.isFinite(w)) continue;
      columns[j]! += w;
      total += w;
    }
  }
  let top = 0;
  for (let j = 1; j < size; j++) if (columns[j]! > columns[top]!) top = j;
  return { best, score, top, share: total > 0 ? columns[top]! / total : 0 };
}

/** The score of pattern `pattern` of every head of every block, block-major (L·H numbers), NaN where missing. */
export function patternScores(frame: HeadsFrame, pattern: number, patternCount: number): number[] {
  const out: number[] = [];
  for (let l = 0; l < frame.layers; l++) {
    for (let h = 0; h < frame.heads; h++) out.push(frame.scores[l]![h * patternCount + pattern] ?? NaN);
  }
  return out;
}
