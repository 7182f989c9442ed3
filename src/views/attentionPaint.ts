import { composite, parseColor, type Rgb } from './contrast';

/**
 * Painting attention matrices on a canvas: a head's (T, T) weights are thousands of cells, and a
 * grid of every head tens of thousands, so they are pixels, not DOM nodes. Colours are the
 * theme's (`--chart-1` on `--bg`, the causal mask in `--chart-grid`), read from computed styles
 * so that dark mode paints dark.
 */

/** The colours an attention matrix is painted in, resolved for the current theme. */
export interface AttentionColours {
  /** A weight of 1. */
  ink: Rgb;
  /** A weight of 0: the page behind. */
  paper: Rgb;
  /** Cells the causal mask hides (keys after the query). */
  masked: Rgb;
  /** Labels. */
  text: string;
  muted: string;
}

/** Light theme's values, where styles are not computed (Node tests). */
const FALLBACK = { ink: '#2563eb', paper: '#ffffff', grid: '#e5e7eb', text: '#111827', muted: '#6b7280' };

/** The theme's colours as `el` sees them. */
export function attentionColours(el: Element): AttentionColours {
  const style = el.ownerDocument.defaultView?.getComputedStyle(el);
  const read = (name: string, fallback: string) => style?.getPropertyValue(name).trim() || fallback;
  const rgb = (css: string, fallback: string) => parseColor(css)?.rgb ?? parseColor(fallback)!.rgb;
  const paper = rgb(read('--bg', FALLBACK.paper), FALLBACK.paper);
  const grid = rgb(read('--chart-grid', FALLBACK.grid), FALLBACK.grid);
  return {
    ink: rgb(read('--chart-1', FALLBACK.ink), FALLBACK.ink),
    paper,
    masked: composite(grid, 0.6, paper),
    text: read('--text', FALLBACK.text),
    muted: read('--muted', FALLBACK.muted),
  };
}

/**
 * How strongly a weight shows: its square root, so that a head spreading its attention evenly
 * over 60 keys (1/60 each) is still visible beside one that puts everything on one key.
 */
export function weightStrength(w: number): number {
  return Number.isFinite(w) && w > 0 ? Math.sqrt(Math.min(1, w)) : 0;
}

/** The colour of one cell: `ink` over `paper` at the weight's strength, the mask's colour above the diagonal. */
export function cellColour(w: number, masked: boolean, colours: AttentionColours): Rgb {
  return masked ? colours.masked : composite(colours.ink, weightStrength(w), colours.paper);
}

/**
 * Paints a (size, size) row-major matrix into `image` one pixel per cell (the canvas is then
 * scaled up with `image-rendering: pixelated`); keys after the query are the mask's colour.
 */
export function paintPixels(image: ImageData, values: ArrayLike<number>, size: number, colours: AttentionColours): void {
  const data = image.data;
  for (let t = 0; t < size; t++) {
    for (let j = 0; j < size; j++) {
      const [r, g, b] = cellColour(values[t * size + j] ?? NaN, j > t, colours);
      const o = (t * size + j) * 4;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 255;
    }
  }
}

/** CSS for a colour. */
export function cssColour([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r)} ${Math.round(g)} ${Math.round(b)})`;
}
