import type { Probe } from '../../lab/worker/protocol';

/** The catalogue key of a model's token embedding table (lab/models/keys.ts). */
export const EMBEDDING_KEY = 'embedding';
/** Nearest neighbours listed per character. */
export const NEIGHBOURS = 6;

/**
 * What the embedding projection draws of a model whose tokens `rows` it shows: their 2-D
 * projection, and each one's nearest neighbours among them in the full embedding space (rare
 * tokens, whose rows barely moved from their random start, are not drawn and not searched). Computed in the
 * worker, so only 2 numbers per point and `k` per neighbour list reach the page. Used by the
 * view itself and, at build time, for the `data-watch` a trainer reads.
 */
export function embeddingProbes(rows: number[]): Record<string, Probe> {
  return {
    points: { key: EMBEDDING_KEY, as: 'projection', rows },
    neighbours: { key: EMBEDDING_KEY, as: 'neighbours', of: rows, k: NEIGHBOURS, among: rows },
  };
}

/** Ids 0 … n − 1: every token of an n-token vocabulary (the MLP's blank context row, id n, left out). */
export function allTokens(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
