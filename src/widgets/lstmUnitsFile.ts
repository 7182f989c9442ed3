import { TEXT_PROPERTIES, type TextProperty } from '../../lab/analysis/textProperties';

/** The keys whose units scripts/lstm-units.ts searches: the LSTM's cell and its hidden state. */
export const UNIT_KEYS = ['lstm.cell', 'rnn.state'] as const;
export type UnitKey = (typeof UNIT_KEYS)[number];

/** One unit found to track a property. */
export interface FoundUnit {
  property: TextProperty;
  key: UnitKey;
  unit: number;
  /** Pearson's r of the unit's values with the property over the measured text. */
  r: number;
  /** Characters of the measured text where the property is non-zero. */
  positives: number;
}

/**
 * `public/checkpoints/<checkpoint>.units.json`, written by scripts/lstm-units.ts: the units of a
 * shipped LSTM that track a readable property of the text, best |r| first, and what they were
 * measured on.
 */
export interface UnitsFile {
  checkpoint: string;
  measured: { split: 'dev'; chars: number; window: number; warmup: number; windows: number; backend: string; seconds: number; date: string };
  /** Mean loss (nats per character) by band of positions in the window, `to` excluded. */
  lossByPosition: { from: number; to: number; loss: number }[];
  units: FoundUnit[];
  /** The dev excerpt the page colours by default. */
  excerpt: string;
  /** The whole measured text. */
  text: string;
}

/**
 * The parts of a units file a page uses (its units and excerpt), checked; throws a sentence a
 * reader can act on when the file is not one.
 */
export function parseUnitsFile(json: unknown): Pick<UnitsFile, 'checkpoint' | 'units' | 'excerpt'> {
  const f = json as Partial<UnitsFile> | null;
  const units = Array.isArray(f?.units) ? f.units.filter(isFoundUnit) : [];
  if (!f || typeof f.checkpoint !== 'string' || typeof f.excerpt !== 'string' || units.length === 0) throw new Error('the units file is not one scripts/lstm-units.ts wrote');
  return { checkpoint: f.checkpoint, units, excerpt: f.excerpt };
}

function isFoundUnit(u: unknown): u is FoundUnit {
  const x = u as Partial<FoundUnit> | null;
  return (
    !!x &&
    (TEXT_PROPERTIES as readonly string[]).includes(String(x.property)) &&
    (UNIT_KEYS as readonly string[]).includes(String(x.key)) &&
    Number.isInteger(x.unit) &&
    typeof x.r === 'number' &&
    Number.isFinite(x.r)
  );
}
