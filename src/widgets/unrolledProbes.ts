import type { InspectInput, Probe } from '../../lab/worker/protocol';
import { unitRows, varyingUnits } from './gateProbes';

/** The next characters the unrolled view lists per position: the ten most likely. */
export const NEXT_TOP = 10;
/** Longest text the view reads: a names model's names are shorter; more columns would not fit a phone. */
export const MAX_TEXT = 24;

/**
 * What the unrolled RNN draws from the one example it reads: the hidden state h_t after every
 * character, (T, N), and the model's next-character distribution at every position, its
 * {@link NEXT_TOP} most likely characters, (T, 10), their ids under `next.ids`.
 */
export const UNROLL_PROBES: Record<string, Probe> = {
  state: { key: 'rnn.state', as: 'raw', index: [0] },
  next: { key: 'logits', as: 'softmax', index: [0], top: NEXT_TOP },
};

/** What the view reads: the reader's text, characters the model does not know left out and reported. */
export function unrollInput(text: string): InspectInput {
  return { text, unknown: 'skip' };
}

/** A snapshot's hidden states as the view draws them: units down, positions across. */
export interface StateMatrix {
  /** The units shown, by index, ascending. */
  units: number[];
  /** Row-major (units.length, T): `values[r * T + t]` is unit `units[r]` after position t. */
  values: Float32Array;
  positions: number;
}

/**
 * The `count` units of h (T, N) that change most along the text (gateProbes.ts's
 * `varyingUnits`), kept in index order so rows read like the model's own; and their values
 * transposed to units × positions. Which rows to show is the view's choice; the numbers are the
 * model's, untouched.
 */
export function stateMatrix(state: Float32Array | Int32Array, positions: number, units: number, count: number): StateMatrix {
  const chosen = varyingUnits(state, positions, units, count);
  return { units: chosen, values: unitRows(state, positions, units, chosen), positions };
}
