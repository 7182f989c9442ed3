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
