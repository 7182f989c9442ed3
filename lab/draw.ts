import { Rng } from './rng';
import { CharTokenizer } from './tokenizers/char';

/**
 * Drawing tokens from next-token distributions, in plain JavaScript: the sampler's loop, its
 * temperature, top-k and top-p, for every model of the course. No tfjs here, so that the
 * counting worker samples without loading it; `sample.ts` feeds the loop from tensors.
 */

/** Options of {@link drawSequences} (and of `sample` in `sample.ts`, which draws from any model of the ladder). */
export interface SampleOptions {
  /** How many sequences to draw. */
  count: number;
  /** Most tokens to draw per sequence. */
  maxLength: number;
  /** Divides the logits: < 1 sharper, > 1 flatter; 0 means greedy (always the most likely). */
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1: all). */
  topP?: number;
  /** Seed of the draws: the same seed gives the same samples. */
  seed: number;
  /** Token ids to continue from; the boundary token when empty. */
  prompt?: number[];
  /** Stop a sequence at the boundary token (true for names and poems, false for running text). */
  stopAtBoundary: boolean;
}

/**
 * Turns logits into the distribution the sampler draws from, after temperature, top-k and
 * top-p. Exported for the views that show "what the sampler sees".
 * @returns probabilities summing to 1.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP'>): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (options.temperature <= 0) {
    out[best] = 1;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = Math.exp((logits[i]! - logits[best]!) / options.temperature);
  const total = out.reduce((s, p) => s + p, 0);
  const topK = options.topK && options.topK > 0 ? options.topK : n;
  const topP = options.topP ?? 1;
  if (topK >= n && topP >= 1) return out.map((p) => p / total); // nothing to cut: skip the sort (V = 3,622 for the Tang poems)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => out[b]! - out[a]!);
  let kept = 0;
  let mass = 0;
  for (const i of order) {
    if (kept >= topK || mass >= topP * total) out[i] = 0;
    else {
      kept += 1;
      mass += out[i]!;
    }
  }
  return out.map((p) => p / mass);
}

/**
 * One token drawn, and the distribution it was drawn from (after temperature, top-k and top-p),
 * cut to its most likely tokens: what a sampler shows at each generated character.
 */
export interface DrawnToken {
  /** The token drawn, and its probability in that distribution. */
  id: number;
  p: number;
  /** The most likely tokens, descending (ties by id), and their probabilities. */
  top: number[];
  probs: number[];
  /** The probability of every other token: `probs` and `rest` sum to 1. */
  rest: number;
}

/**
 * The `n` most likely tokens of `distribution` (ties by id), with `chosen`'s probability and
 * the mass of all the others, so that the shown bars and "all others" sum to 1.
 */
export function drawnToken(distribution: ArrayLike<number>, chosen: number, n: number): DrawnToken {
  const order = Array.from({ length: distribution.length }, (_, i) => i).sort((a, b) => distribution[b]! - distribution[a]! || a - b);
  const top = order.slice(0, Math.max(0, n));
  let rest = 0;
  for (const i of order.slice(top.length)) rest += distribution[i]!;
  return { id: chosen, p: distribution[chosen] ?? 0, top, probs: top.map((i) => distribution[i]!), rest };
}

/** What {@link drawSequences} hands back: the drawn ids, and with `distributions` how each was drawn. */
export interface Drawn {
  /** The drawn ids of each sequence, without the prompt and without the final boundary. */
  ids: number[][];
  /** `steps[i][j]`: how `ids[i][j]` was drawn; present when `distributions` > 0. */
  steps?: DrawnToken[][];
}

/**
 * The next-token logits of a batch of contexts, one row of V logits per context. The contexts
 * are the last `blockSize` tokens of each unfinished sequence, all of the same length.
 */
export type NextLogits = (contexts: number[][]) => ArrayLike<number>[];

/**
 * Draws sequences one token at a time: the last `blockSize` tokens go in, the next-token logits
 * come out, one token is drawn with a seeded generator.
 * @returns the drawn ids of each sequence, without the prompt and without the final boundary.
 */
export function drawSequences(nextLogits: NextLogits, blockSize: number, options: SampleOptions): number[][] {
  return drawTraced(nextLogits, blockSize, options, 0).ids;
}

/**
 * {@link drawSequences}, and with `distributions` n > 0 each drawn token with the n most likely
 * tokens of the distribution it was drawn from ({@link drawnToken}); the draws are the same
 * with or without them.
 */
export function drawTraced(nextLogits: NextLogits, blockSize: number, options: SampleOptions, distributions: number): Drawn {
  const rng = new Rng(options.seed);
  const prompt = options.prompt && options.prompt.length > 0 ? options.prompt : [CharTokenizer.BOUNDARY_ID];
  const sequences = Array.from({ length: options.count }, () => [...prompt]);
  const done = new Array<boolean>(options.count).fill(false);
  const steps = distributions > 0 ? sequences.map((): DrawnToken[] => []) : undefined;
  for (let t = 0; t < options.maxLength; t++) {
    const active = sequences.flatMap((_, b) => (done[b] ? [] : [b]));
    if (active.length === 0) break;
    // Unfinished sequences all have the same length, so their contexts stack into one batch.
    const rows = nextLogits(active.map((b) => sequences[b]!.slice(-blockSize)));
    rows.forEach((row, i) => {
      const b = active[i]!;
      const distribution = samplingDistribution(row, options);
      const next = rng.categorical(distribution);
      if (options.stopAtBoundary && next === CharTokenizer.BOUNDARY_ID) done[b] = true;
      else {
        sequences[b]!.push(next);
        steps?.[b]!.push(drawnToken(distribution, next, distributions));
      }
    });
  }
  const ids = sequences.map((s) => s.slice(prompt.length));
  return steps ? { ids, steps } : { ids };
}
