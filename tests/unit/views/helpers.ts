import { afterEach, beforeEach, vi } from 'vitest';

/** Helpers for the view tests: normalized golden SVG (numbers rounded), held animation frames and realistic data. */

/** Rounds every decimal number inside attribute values to one decimal, so golden files survive float noise. */
export function normalizeSvg(svg: Element): string {
  const clone = svg.cloneNode(true) as Element;
  const walk = (el: Element) => {
    for (const attr of Array.from(el.attributes)) {
      const rounded = attr.value.replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => {
        const r = Math.round(Number(n) * 10) / 10;
        return String(Object.is(r, -0) ? 0 : r);
      });
      if (rounded !== attr.value) el.setAttribute(attr.name, rounded);
    }
    for (const child of Array.from(el.children)) walk(child);
  };
  walk(clone);
  // One element per line: a golden diff then points at the element that changed.
  return `${clone.outerHTML.replace(/></g, '>\n<')}\n`;
}

/** A deterministic PRNG (mulberry32) for realistic-looking fixtures. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 27 × 27 matrix shaped like the bigram counts of names: heavy-tailed, some zeros. */
export function namesLikeCounts(seed = 1): { labels: string[]; values: number[][]; rowTotals: number[] } {
  const random = rng(seed);
  const labels = ['.', ...'abcdefghijklmnopqrstuvwxyz'];
  const values = labels.map((_, r) =>
    labels.map((_, c) => {
      if (r === 0 && c === 0) return 0; // no empty names
      const u = random();
      return u < 0.2 ? 0 : Math.floor(Math.exp(u * 8.6) - 1);
    }),
  );
  const rowTotals = values.map((row) => row.reduce((a, b) => a + b, 0));
  return { labels, values, rowTotals };
}

/**
 * Holds the animation frames a view asks for, so a test runs them when it chooses: returns the
 * queue (call `queue.shift()!(0)` to run the next). Undo with `vi.unstubAllGlobals()`.
 */
export function holdAnimationFrames(): FrameRequestCallback[] {
  const frames: FrameRequestCallback[] = [];
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
  return frames;
}

/** What {@link chartFixture} gives each test: a container in the document and the held animation frames. */
export interface ChartFixture {
  container: HTMLElement;
  frames: FrameRequestCallback[];
}

/**
 * Around every test of the calling file: a fresh container appended to the document and the
 * animation frames held ({@link holdAnimationFrames}); after it, both undone. Read the fields
 * inside a test, not when the file loads.
 */
export function chartFixture(): ChartFixture {
  const fixture = {} as ChartFixture;
  beforeEach(() => {
    fixture.container = document.createElement('div');
    document.body.append(fixture.container);
    fixture.frames = holdAnimationFrames();
  });
  afterEach(() => {
    fixture.container.remove();
    vi.unstubAllGlobals();
  });
  return fixture;
}
