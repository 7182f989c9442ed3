/**
 * How a value is painted behind a character: `unit` for values in [0, 1] (a gate: how open),
 * one hue growing with the value; `diverging` for signed values (a cell, a hidden state),
 * positive in one hue and negative in another, full strength at ±`max`.
 */
export type ValueScale = { type: 'unit' } | { type: 'diverging'; max: number };

/**
 * The strongest a background gets, in percent of its hue: the text written over it (the
 * theme's text colour) stays readable on the strongest cell in both themes.
 */
const STRONGEST = 70;

/** How strong `value` is on `scale`, in [0, 1]; 0 for a value that is not finite. */
export function strength(value: number, scale: ValueScale): number {
  if (!Number.isFinite(value)) return 0;
  const x = scale.type === 'unit' ? value : scale.max > 0 ? Math.abs(value) / scale.max : 0;
  return Math.min(1, Math.max(0, x));
}

/** The CSS background of a cell showing `value`: the scale's hue mixed with transparency. */
export function valueColour(value: number, scale: ValueScale): string {
  const hue = scale.type === 'diverging' && value < 0 ? 'var(--chart-2)' : 'var(--chart-1)';
  const percent = Math.round(STRONGEST * strength(value, scale));
  return `color-mix(in srgb, ${hue} ${percent}%, transparent)`;
}

/** The largest |value| of an array, at least `floor`: a diverging scale's `max`. */
export function absMax(values: ArrayLike<number>, floor = 0): number {
  let max = floor;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
