import type { ScaleContinuousNumeric } from 'd3';
import { MISSING, numberFormat } from './format';

/** Helpers for values across orders of magnitude: a log axis' ticks, the nearest of a curve's points, numbers written for them. */

/**
 * Tick values of a log axis: its powers of ten when it spans two or more (every k-th, at most
 * about `count`), else the 1-2-5 steps inside it.
 */
export function logTicks(scale: ScaleContinuousNumeric<number, number>, count: number): number[] {
  const [a, b] = scale.domain() as [number, number];
  const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
  const powers: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) powers.push(10 ** e);
  if (powers.length >= 2) {
    const stride = Math.ceil(powers.length / Math.max(2, count));
    return powers.filter((_, i) => i % stride === 0);
  }
  const steps = scale.ticks(count).filter((t) => [1, 2, 5].includes(Math.round(t / 10 ** Math.floor(Math.log10(t) + 1e-9))));
  return steps.length >= 2 ? steps : scale.ticks(count);
}

/** The index of the value of `xs` nearest `x` (in log distance when `log`). */
export function nearestIndex(xs: readonly number[], x: number, log = false): number {
  const d = (v: number) => (log ? Math.abs(Math.log(v) - Math.log(x)) : Math.abs(v - x));
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (d(xs[i]!) < d(xs[best]!)) best = i;
  return best;
}

/**
 * A number with `digits` significant digits, in the page's locale, for values across orders of
 * magnitude (learning rates, update ratios): plain from 0.001 up to 10,000 (`0.003`, `0.03`,
 * `30`), else in e-notation (`3e-5`, `1.5e-4`), as the papers and the trainers' settings write them.
 */
export function formatSignificant(x: number, locale: string | undefined, digits = 2): string {
  if (!Number.isFinite(x)) return MISSING;
  const abs = Math.abs(x);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e4)) return numberFormat(locale, { maximumSignificantDigits: digits }).format(x);
  let exponent = Math.floor(Math.log10(abs));
  let mantissa = Number((x / 10 ** exponent).toPrecision(digits));
  if (Math.abs(mantissa) >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  return `${numberFormat(locale, { maximumSignificantDigits: digits }).format(mantissa)}e${exponent}`;
}
