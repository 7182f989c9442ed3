import type { InspectInput, Probe, ShapedArray } from '../../lab/worker/protocol';

/** The next characters listed at the picked position: the ten most likely. */
export const STEPS_NEXT_TOP = 10;
/** Most characters the text box keeps (unknown ones included); the model reads at most its block of them. */
export const MAX_STEPS_TEXT = 40;

/**
 * What the step-by-step view reads from the one example and the one head it shows (example 0,
 * head 0 of block 0): the query, key and value of every position, (T, hs); the scores
 * q·k/√hs, the masked scores and the softmax weights, (T, T), query rows and key columns; each
 * position's weighted sum of the values, (T, hs); and the next-character distribution at every
 * position, its {@link STEPS_NEXT_TOP} likeliest characters, (T, 10), ids under `next.ids`.
 */
export const STEPS_PROBES: Record<string, Probe> = {
  q: { key: 'block0.attn.q', as: 'raw', index: [0, 0] },
  k: { key: 'block0.attn.k', as: 'raw', index: [0, 0] },
  v: { key: 'block0.attn.v', as: 'raw', index: [0, 0] },
  scores: { key: 'block0.attn.scores', as: 'raw', index: [0, 0] },
  masked: { key: 'block0.attn.masked', as: 'raw', index: [0, 0] },
  weights: { key: 'block0.attn.weights', as: 'raw', index: [0, 0] },
  out: { key: 'block0.attn.out', as: 'raw', index: [0, 0] },
  next: { key: 'logits', as: 'softmax', index: [0], top: STEPS_NEXT_TOP },
};

/** What the view reads: the reader's text, characters the model does not know left out and reported. */
export function stepsInput(text: string): InspectInput {
  return { text, unknown: 'skip' };
}

/** A typed text cut to what a model's block holds. */
export interface BlockText {
  /** The text the model reads, cut after the last character that fits. */
  text: string;
  /** Characters (code points) cut off its end; 0 when all of it fits. */
  cut: number;
}

/**
 * Cuts `text` so that the model reads at most `block` positions: the boundary token first (a
 * model of line examples reads it before every example), then the characters it knows, those
 * it does not know left in place (they are skipped, not read, so they take no position).
 * @param known whether the model's vocabulary has a character; everything, when unknown yet.
 */
export function fitBlock(text: string, block: number, known: (char: string) => boolean = () => true): BlockText {
  const chars = [...text];
  let room = block - 1; // the boundary token takes the first position
  let end = 0;
  for (; end < chars.length; end++) {
    if (!known(chars[end]!)) continue;
    if (room === 0) break;
    room -= 1;
  }
  return { text: chars.slice(0, end).join(''), cut: chars.length - end };
}

/** Row `t` of a (T, n) array: one position's vector. */
export function rowOf(array: ShapedArray, t: number): Float32Array {
  const n = array.shape.at(-1) ?? 0;
  return Float32Array.from(array.data.subarray(t * n, (t + 1) * n));
}

/**
 * The dot product of the query at `t` with every key, q_t · k_j for each position j (the later
 * ones too, before the mask hides them): what the model divides by √hs to get its scores. The
 * view computes it from the numbers it shows, so a reader can check the model's scores against it.
 */
export function queryDots(q: ShapedArray, k: ShapedArray, t: number): Float64Array {
  const [positions = 0, size = 0] = k.shape;
  const out = new Float64Array(positions);
  for (let j = 0; j < positions; j++) {
    let dot = 0;
    for (let c = 0; c < size; c++) dot += q.data[t * size + c]! * k.data[j * size + c]!;
    out[j] = dot;
  }
  return out;
}

/** The position j ≤ t the weights of row t put most on (the first of equals), and that weight. */
export function strongestKey(weights: ShapedArray, t: number): { at: number; weight: number } {
  const positions = weights.shape.at(-1) ?? 0;
  let at = 0;
  for (let j = 1; j <= t && j < positions; j++) if (weights.data[t * positions + j]! > weights.data[t * positions + at]!) at = j;
  return { at, weight: weights.data[t * positions + at] ?? 0 };
}
