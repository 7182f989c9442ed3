/**
 * Number and text formatting shared by the chart views. Every number a reader sees goes through
 * `Intl.NumberFormat` in the page's locale, so `5,438` in English is `5,438` in Chinese too and
 * a German page would get `5.438`.
 */

/** Shown for a value that has no meaningful number (NaN, a row with no counts). */
export const MISSING = '–';

const cache = new Map<string, Intl.NumberFormat>();

/** A cached `Intl.NumberFormat`: the views format thousands of numbers per redraw. */
export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

/** An integer count with grouping: `5438` → `5,438`. */
export function formatCount(n: number, locale?: string): string {
  if (!Number.isFinite(n)) return MISSING;
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A count in at most about four characters, for small cells: `5438` → `5.4K` (`5438` in zh-CN). */
export function formatCompactCount(n: number, locale?: string): string {
  if (!Number.isFinite(n)) return MISSING;
  return numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A loss in nats with a fixed number of decimals (3 by default): `2.45401` → `2.454`. */
export function formatLoss(x: number, locale?: string, digits = 3): string {
  if (!Number.isFinite(x)) return MISSING;
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

/**
 * A probability: three decimals (`0.160`), two significant digits below 0.001 so that rare
 * pairs don't all read `0.000`, and `0` for an impossible one.
 */
export function formatProbability(p: number, locale?: string): string {
  if (!Number.isFinite(p)) return MISSING;
  if (p === 0) return numberFormat(locale).format(0);
  if (p < 0.001) return numberFormat(locale, { maximumSignificantDigits: 2 }).format(p);
  return numberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(p);
}

/** An axis tick: integers for steps, as many decimals as the tick spacing needs for losses. */
export function formatTick(x: number, locale: string | undefined, step: number): string {
  const digits = step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

/** The spacing of evenly spaced axis ticks (1 for fewer than two), for `formatTick`. */
export function tickStep(ticks: readonly number[]): number {
  return ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : 1;
}

/** Translated strings are filled the same way in views, widgets and pages. */
export { fillTemplate } from '../i18n/template';
