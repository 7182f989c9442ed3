import type { InspectInput, Probe } from '../../lab/worker/protocol';
import { WATCH_INPUT } from './modelBus';

/** The catalogue key of the MLP's tanh activations (lab/models/keys.ts), (B, T, H). */
export const HIDDEN_KEY = 'mlp.hidden';
/** |tanh| from which a unit counts as saturated: its gradient, 1 − tanh², is below 6 %. */
export const SATURATION_THRESHOLD = 0.97;
/** Bins of the activation histogram over [−1, 1]. */
export const HISTOGRAM_BINS = 40;
/** Rows of the saturation map: positions of the probe batch. */
export const SATURATION_ROWS = 32;

/** What the hidden-layer view reads: the first 32 names of the dev split, the probe batch every trainer watches. */
export const HIDDEN_INPUT: InspectInput = WATCH_INPUT;

/** The histogram of the tanh activations and the map of saturated units. */
export const HIDDEN_PROBES: Record<string, Probe> = {
  histogram: { key: HIDDEN_KEY, as: 'histogram', bins: HISTOGRAM_BINS, range: [-1, 1] },
  saturation: { key: HIDDEN_KEY, as: 'saturation', threshold: SATURATION_THRESHOLD, rows: SATURATION_ROWS },
};
