/**
 * Colour arithmetic for readable text on painted cells, after WCAG 2's definitions of relative
 * luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
 * Pure functions of numbers and CSS colour strings: no DOM.
 */

/** An sRGB colour, each channel 0–255. */
export type Rgb = readonly [r: number, g: number, b: number];

/** A colour with its opacity in [0, 1], as CSS gives it. */
export interface Rgba {
  rgb: Rgb;
  alpha: number;
}

/** WCAG 2 AA's least contrast for body-size text; the heatmap's counts are small text. */
export const MIN_TEXT_CONTRAST = 4.5;

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];

/**
 * Reads `#rgb`, `#rrggbb`, `rgb(r, g, b)`, `rgba(r, g, b, a)` and `rgb(r g b / a)`, the forms
 * stylesheets use and browsers return from `getComputedStyle`; anything else is `undefined`.
 */
export function parseColor(css: string): Rgba | undefined {
  const text = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text);
  if (hex) {
    const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d) : hex[1]!.match(/../g)!;
    const [r, g, b] = digits.map((d) => parseInt(d, 16)) as [number, number, number];
    return { rgb: [r, g, b], alpha: 1 };
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(text);
  if (!fn) return undefined;
  const parts = fn[1]!.split(/\s*[,/]\s*|\s+/).filter(Boolean);
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  const numbers = parts.map((p) => (p.endsWith('%') ? Number(p.slice(0, -1)) / 100 : Number(p)));
  if (!numbers.every(Number.isFinite)) return undefined;
  const [r, g, b, alpha = 1] = numbers as [number, number, number, number?];
  return { rgb: mapRgb([r, g, b], (c) => clamp(c, 0, 255)), alpha: clamp(alpha, 0, 1) };
}

/** The colour seen where `top`, at opacity `alpha`, is painted over the opaque `under` (source-over in sRGB, as browsers blend). */
export function composite(top: Rgb, alpha: number, under: Rgb): Rgb {
  return mapRgb(top, (c, i) => c * alpha + under[i]! * (1 - alpha));
}

/** WCAG relative luminance: 0 for black, 1 for white. */
export function relativeLuminance(colour: Rgb): number {
  const [r, g, b] = mapRgb(colour, (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two opaque colours, from 1 (the same) to 21 (black on white). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Black or white, whichever contrasts more with `fill`. One of them always reaches at least
 * √21 ≈ 4.58:1 (the two ratios multiply to 21), so any fill gets text above 4.5:1; the themes'
 * own text and background colours don't: mid-strength cells fall between them in both themes.
 */
export function readableInk(fill: Rgb): Rgb {
  return contrastRatio(fill, BLACK) >= contrastRatio(fill, WHITE) ? BLACK : WHITE;
}

/** `#rrggbb` of a colour, channels rounded. */
export function toHex(colour: Rgb): string {
  return `#${colour.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mapRgb(colour: Rgb, f: (channel: number, index: number) => number): Rgb {
  return [f(colour[0], 0), f(colour[1], 1), f(colour[2], 2)];
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
