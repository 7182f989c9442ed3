import type { AttentionPattern } from '../../lab/worker/protocol';

/**
 * The reference run the timeline of heads forming shows before (and beside) the reader's: the
 * pattern scores of every head of the chapter's GPT over the steps of its training in Node
 * (scripts/heads-forming.ts), as the page ships them.
 */

/** The patterns' names in the timeline's URL: the base four, and `line` for one line of verse back. */
export const PATTERN_KEYS = ['previous', 'self', 'start', 'induction', 'line'] as const;
export type PatternKey = (typeof PATTERN_KEYS)[number];

/** A pattern's name in the timeline's URL. */
export function patternKey(pattern: AttentionPattern): PatternKey {
  return typeof pattern === 'string' ? pattern : 'line';
}

/** The reference run's scores, as the page carries them (`data-reference`). */
export interface HeadsReference {
  /** The patterns scored ({@link patternKey}), in the order of each point's scores. */
  patterns: PatternKey[];
  layers: number;
  heads: number;
  /** Per snapshot: its step and the scores, block-major, (L, H, P) flattened. */
  points: { step: number; scores: number[] }[];
}

/**
 * The reference run in `public/checkpoints/<recipe>.heads.json` (scripts/heads-forming.ts) as the
 * page carries it, or undefined when `json` is not such a file: its pattern names (`previous`,
 * `back6`…) become the timeline's keys, the scores that do not fit its layers, heads and
 * patterns are refused.
 */
export function parseHeadsFile(json: unknown): HeadsReference | undefined {
  const f = json as { patterns?: unknown; layers?: unknown; heads?: unknown; points?: unknown } | null;
  if (!f || !Array.isArray(f.patterns) || !Number.isInteger(f.layers) || !Number.isInteger(f.heads) || !Array.isArray(f.points)) return undefined;
  const patterns = f.patterns.map((name) => (typeof name === 'string' && /^back\d+$/.test(name) ? 'line' : name));
  if (!patterns.every((p): p is PatternKey => (PATTERN_KEYS as readonly unknown[]).includes(p))) return undefined;
  const layers = f.layers as number;
  const heads = f.heads as number;
  const size = layers * heads * patterns.length;
  const points = (f.points as { step?: unknown; scores?: unknown }[]).filter((p): p is { step: number; scores: number[] } => Number.isFinite(p?.step) && Array.isArray(p.scores) && p.scores.length === size && p.scores.every(Number.isFinite));
  if (points.length === 0) return undefined;
  return { patterns, layers, heads, points: points.map(({ step, scores }) => ({ step, scores })) };
}
