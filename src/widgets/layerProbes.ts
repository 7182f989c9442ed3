import type { InspectInput } from '../../lab/worker/protocol';
import { SATURATION_THRESHOLD } from './hiddenProbes';
import { WATCH_INPUT } from './modelBus';
import type { ProbeTemplate } from './probeTemplates';

/**
 * What the layer-statistics view reads of an MLP, per hidden layer and per parameter matrix
 * (probeTemplates.ts expands `{layer}` and `{matrix}` for the model at hand): the histogram of
 * each layer's tanh activations and their saturated share; each matrix's gradient, as a
 * histogram and its standard deviation; and, while a run is watched, each matrix's
 * update-to-weight ratio (std of the step's change over std of the weights, makemore's lecture 3).
 */

/** The catalogue key of every hidden layer's tanh activations, (L, B, T, N). */
export const ACTIVATIONS_KEY = 'mlp.hiddens';
/** Bins of every histogram. */
export const BINS = 40;
/**
 * The half-widths a gradient histogram may span: a probe's range is fixed before the gradients
 * are known, and they differ by orders of magnitude between initializations, layers and steps,
 * so each matrix is binned over each of these, and the view draws the narrowest that holds
 * {@link GRADIENT_SPREAD} standard deviations. Steps of about 3, so the one drawn is never more
 * than 3 times too wide.
 */
export const GRADIENT_RANGES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3] as const;
/** Standard deviations of the gradient the drawn range must hold on each side. */
export const GRADIENT_SPREAD = 4;
/** The update-to-weight ratio makemore's lecture calls healthy: about 1e-3 (−3 on its log10 plot). */
export const HEALTHY_RATIO = 1e-3;

/** The probe batch every trainer watches. */
export const LAYER_INPUT: InspectInput = WATCH_INPUT;

/** Probe names, by what they measure: `act:0`, `sat:0`, `grad:hidden.w:3`, `gstd:hidden.w`, `ratio:hidden.w`. */
export const probeName = {
  activations: (layer: number | string) => `act:${layer}`,
  saturation: (layer: number | string) => `sat:${layer}`,
  gradient: (matrix: string, rangeIndex: number) => `grad:${matrix}:${rangeIndex}`,
  gradientStd: (matrix: string) => `gstd:${matrix}`,
  ratio: (matrix: string) => `ratio:${matrix}`,
};

const LAYER = '{layer}';
const MATRIX = '{matrix}';

/** The view's probes, before expansion; the `ratio:` ones only a watch of a run can take. */
export const LAYER_PROBES: Record<string, ProbeTemplate> = {
  [probeName.activations(LAYER)]: { key: ACTIVATIONS_KEY, as: 'histogram', bins: BINS, range: [-1, 1], index: [LAYER] },
  [probeName.saturation(LAYER)]: { key: ACTIVATIONS_KEY, as: 'saturation', threshold: SATURATION_THRESHOLD, rows: 1, index: [LAYER] },
  ...Object.fromEntries(GRADIENT_RANGES.map((r, i) => [probeName.gradient(MATRIX, i), { key: `grad.${MATRIX}`, as: 'histogram', bins: BINS, range: [-r, r] } satisfies ProbeTemplate])),
  [probeName.gradientStd(MATRIX)]: { key: `grad.${MATRIX}`, as: 'scale' },
  [probeName.ratio(MATRIX)]: { key: `update.${MATRIX}`, as: 'scale', relativeTo: `weight.${MATRIX}` },
};

/** Which of {@link GRADIENT_RANGES} (its index) to draw for a gradient of standard deviation `std`. */
export function gradientRange(std: number): number {
  const i = GRADIENT_RANGES.findIndex((r) => r >= GRADIENT_SPREAD * std);
  return i < 0 ? GRADIENT_RANGES.length - 1 : i;
}
