import type { Probe } from '../../lab/worker/protocol';
import { UNIT_KEYS } from './lstmUnitsFile';

/** Longest text the units view colours: a page of a play; the URL keeps it. */
export const MAX_UNITS_TEXT = 1200;

/** Every cell and hidden unit after each character of the one text read, (T, N) each, named by key. */
export const UNITS_PROBES: Record<string, Probe> = Object.fromEntries(UNIT_KEYS.map((key) => [key, { key, as: 'raw', index: [0] } satisfies Probe]));

