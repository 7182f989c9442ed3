import type { InspectInput, Probe } from '../../lab/worker/protocol';

/** The recurrent cells that have gates. */
export type GatedCell = 'lstm' | 'gru';

/** Each gated cell's strips, in the order drawn: catalogue keys (lab/models/keys.ts), each (B, T, N). */
export const GATE_KEYS: Readonly<Record<GatedCell, readonly string[]>> = {
  lstm: ['lstm.gate.input', 'lstm.gate.forget', 'lstm.gate.output', 'lstm.cell'],
  gru: ['gru.gate.update', 'gru.gate.reset'],
};

/** Longest text the strips read: 80 columns, a long line of verse; more would be a wall of cells. */
export const MAX_GATE_TEXT = 80;
/** Units drawn per strip unless the reader asks for all: the ones that vary most along the text. */
export const SHOWN_UNITS = 24;

/** Whether `kind` (a ModelInfo's) is a gated cell. */
export function isGatedCell(kind: string): kind is GatedCell {
  return kind === 'lstm' || kind === 'gru';
}

/** The gates (and the LSTM's cell) of the one text read, each (T, N), named by key. */
export function gateProbes(cell: GatedCell): Record<string, Probe> {
  return Object.fromEntries(GATE_KEYS[cell].map((key) => [key, { key, as: 'raw', index: [0] } satisfies Probe]));
}

/** What a view of a typed text reads: the text, characters the model does not know left out and reported. */
export function textInput(text: string): InspectInput {
  return { text, unknown: 'skip' };
}

/**
 * The `count` units of a (T, N) array that vary most along the text (largest max − min over the
 * positions; for one position, the largest |value|), in index order; all N when `count` ≥ N.
 */
export function varyingUnits(values: ArrayLike<number>, positions: number, units: number, count: number): number[] {
  if (count >= units) return Array.from({ length: units }, (_, n) => n);
  const spread = new Float64Array(units);
  for (let n = 0; n < units; n++) {
    let lo = Infinity;
    let hi = -Infinity;
    let abs = 0;
    for (let t = 0; t < positions; t++) {
      const v = values[t * units + n]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      abs = Math.max(abs, Math.abs(v));
    }
    spread[n] = positions > 1 ? hi - lo : abs;
  }
  return Array.from({ length: units }, (_, n) => n)
    .sort((a, b) => spread[b]! - spread[a]! || a - b)
    .slice(0, Math.max(0, count))
    .sort((a, b) => a - b);
}

/** Rows `units` of a (T, N) array as a row-major (units.length, T) matrix: units down, positions across. */
export function unitRows(values: ArrayLike<number>, positions: number, units: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * positions);
  rows.forEach((n, r) => {
    for (let t = 0; t < positions; t++) out[r * positions + t] = values[t * units + n]!;
  });
  return out;
}
