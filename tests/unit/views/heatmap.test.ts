// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { URL as FileUrl } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { composite, contrastRatio, MIN_TEXT_CONTRAST, parseColor, type Rgb } from '../../../src/views/contrast';
import { HeatmapView, type HeatmapData, type HeatmapLabels, type HeatmapOptions } from '../../../src/views/heatmap';
import { namesLikeCounts, normalizeSvg } from './helpers';

const labels: HeatmapLabels = {
  readout: '{prev} → {next}: count {count} · P = {p}',
  readoutEmpty: 'Point at a cell.',
  tableSummary: 'Show the data as a table',
  tableCaption: 'The most frequent pairs',
  colPrev: 'Previous',
  colNext: 'Next',
  colCount: 'Count',
  colP: 'P(next | previous)',
  aria: 'Bigram counts, {size} by {size}; most frequent {top} ({topCount}).',
  grid: 'Bigram grid: use the arrow keys',
};

/** Hand-made: row "." has 5 a's, 3 b's; the top pair is a → . with 5,438. */
const small: HeatmapData = {
  rowLabels: ['.', 'a', 'b'],
  colLabels: ['.', 'a', 'b'],
  values: [
    [0, 5, 3],
    [5438, 12, 0],
    [40, 1, 2],
  ],
  rowTotals: [8, 5450, 43],
};

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

function make(opts: Partial<HeatmapOptions> = {}): HeatmapView {
  return new HeatmapView(container, { labels, locale: 'en', width: 640, ...opts });
}
const readout = () => container.querySelector('[aria-live="polite"]')!.textContent;
const grid = () => container.querySelector<HTMLElement>('[tabindex="0"]')!;
const key = (k: string, init: KeyboardEventInit = {}) => grid().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
const bodyRows = () => Array.from(container.querySelectorAll('table.data-table tbody tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent));

describe('HeatmapView', () => {
  it('matches the golden SVG', async () => {
    make().update(small);
    await expect(normalizeSvg(container.querySelector('svg')!)).toMatchFileSnapshot('__snapshots__/heatmap.svg');
  });

  it('draws one cell per pair, shaded by count, with theme colours only where styles are not computed', () => {
    make().update(small);
    const cells = container.querySelectorAll<SVGRectElement>('rect.heatmap-cell');
    expect(cells).toHaveLength(9);
    const opacity = (r: number, c: number) => Number(container.querySelector<SVGRectElement>(`rect[data-row="${r}"][data-col="${c}"]`)!.style.fillOpacity);
    expect(opacity(1, 0)).toBe(1); // the largest count
    expect(opacity(0, 0)).toBe(0); // zero is empty
    expect(opacity(2, 1)).toBeGreaterThan(0); // a single count still shows
    expect(opacity(2, 1)).toBeLessThan(opacity(0, 1));
    expect(container.innerHTML).not.toMatch(/#[0-9a-f]{3,6}\b|rgb\(/i);
    const inks = Array.from(container.querySelectorAll<SVGTextElement>('.heatmap-counts text'), (t) => t.style.fill);
    expect(new Set(inks)).toEqual(new Set(['var(--text)']));
  });

  it('is one tab stop with an accessible name, and the SVG is an image described from the data', () => {
    make().update(small);
    expect(container.querySelectorAll('[tabindex]')).toHaveLength(1);
    expect(grid().getAttribute('aria-label')).toBe('Bigram grid: use the arrow keys');
    const svg = container.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('Bigram counts, 3 by 3; most frequent a → . (5,438).');
    expect(svg.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
  });

  it('uses describe() for the accessible name when given', () => {
    make({ describe: (d) => `custom ${d.rowLabels.length}` }).update(small);
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('custom 3');
  });

  it('moves the active cell with the arrow keys and announces it', () => {
    const onActiveCell = vi.fn();
    const view = make({ onActiveCell });
    view.update(small);
    expect(readout()).toBe('Point at a cell.');
    grid().focus();
    grid().dispatchEvent(new FocusEvent('focus'));
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    expect(readout()).toBe('. → .: count 0 · P = 0');
    expect(key('ArrowRight')).toBe(false); // handled: default prevented
    expect(view.activeCell).toEqual({ row: 0, col: 1 });
    expect(readout()).toBe('. → a: count 5 · P = 0.625');
    expect(onActiveCell).toHaveBeenLastCalledWith(0, 1);
    const outline = container.querySelector('rect.heatmap-active')!;
    expect(outline.getAttribute('visibility')).toBe('visible');
    const cell = container.querySelector('rect[data-row="0"][data-col="1"]')!;
    expect(Number(outline.getAttribute('x'))).toBe(Number(cell.getAttribute('x')) + 1);

    key('ArrowDown');
    expect(readout()).toBe('a → a: count 12 · P = 0.002');
    key('ArrowLeft');
    expect(readout()).toBe('a → .: count 5,438 · P = 0.998');
    key('ArrowLeft'); // already at the edge
    expect(view.activeCell).toEqual({ row: 1, col: 0 });
    key('End');
    expect(view.activeCell).toEqual({ row: 1, col: 2 });
    key('Home', { ctrlKey: true });
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    key('End', { ctrlKey: true });
    expect(view.activeCell).toEqual({ row: 2, col: 2 });
    expect(readout()).toBe('b → b: count 2 · P = 0.047');
    expect(key('a')).toBe(true); // other keys are left alone
    expect(onActiveCell).toHaveBeenCalledTimes(7); // moves that went nowhere are not reported
  });

  it('highlights the active row and column labels', () => {
    const view = make();
    view.update(small);
    view.setActiveCell(2, 1);
    const weights = (group: string) => Array.from(container.querySelectorAll(`.${group} text`)).map((t) => t.getAttribute('font-weight'));
    expect(weights('heatmap-row-labels')).toEqual([null, null, 'bold']);
    expect(weights('heatmap-col-labels')).toEqual([null, 'bold', null]);
  });

  it('sets the active cell on hover and dispatches a bubbling activecell event', () => {
    make().update(small);
    const events: unknown[] = [];
    container.addEventListener('activecell', (e) => events.push((e as CustomEvent).detail));
    container.querySelector('rect[data-row="2"][data-col="0"]')!.dispatchEvent(new Event('pointerover', { bubbles: true }));
    expect(readout()).toBe('b → .: count 40 · P = 0.930');
    expect(events).toEqual([{ row: 2, col: 0 }]);
  });

  it('shows a tooltip beside the hovered cell, hidden when the pointer leaves', () => {
    make().update(small);
    const tip = container.querySelector<HTMLElement>('.heatmap-tooltip')!;
    expect(tip.getAttribute('aria-hidden')).toBe('true');
    expect(tip.style.visibility).toBe('hidden');
    container.querySelector('rect[data-row="2"][data-col="1"]')!.dispatchEvent(new Event('pointerover', { bubbles: true }));
    expect(tip.style.visibility).toBe('visible');
    expect(tip.textContent).toBe('b → a: count 1 · P = 0.023');
    expect(tip.style.transform).toBe('translateY(-100%)'); // above a cell low in the grid
    grid().dispatchEvent(new Event('pointerleave'));
    expect(tip.style.visibility).toBe('hidden');
    expect(readout()).toBe('b → a: count 1 · P = 0.023'); // the readout stays
  });

  it('formats numbers in the given locale', () => {
    make({ locale: 'de' }).update(small);
    container.querySelector('rect[data-row="1"][data-col="0"]')!.dispatchEvent(new Event('pointerover', { bubbles: true }));
    expect(readout()).toBe('a → .: count 5.438 · P = 0,998');
  });

  it('shows counts inside cells only when cells are big enough', () => {
    const { labels: tokens, values, rowTotals } = namesLikeCounts();
    const data = { rowLabels: tokens, colLabels: tokens, values, rowTotals };
    make({ width: 1000 }).update(data);
    const texts = container.querySelectorAll('.heatmap-counts text');
    const nonzero = values.flat().filter((v) => v > 0).length;
    expect(texts).toHaveLength(nonzero);
    const cell = Number(container.querySelector('rect.heatmap-cell')!.getAttribute('width'));
    expect(cell).toBeGreaterThanOrEqual(18);
    container.replaceChildren();
    make({ width: 360 }).update(data);
    expect(Number(container.querySelector('rect.heatmap-cell')!.getAttribute('width'))).toBeLessThan(18);
    expect(container.querySelectorAll('.heatmap-counts text')).toHaveLength(0);
  });

  it('scrolls sideways rather than shrinking cells below the minimum', () => {
    const n = 65;
    const tokens = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + i));
    make({ width: 360 }).update({ rowLabels: tokens, colLabels: tokens, values: tokens.map(() => tokens.map(() => 1)), rowTotals: tokens.map(() => n) });
    expect(Number(container.querySelector('rect.heatmap-cell')!.getAttribute('width'))).toBe(10);
    const svg = container.querySelector('svg')!;
    expect(parseFloat(svg.style.minWidth)).toBeGreaterThan(n * 10);
    expect(container.querySelector<HTMLElement>('.heatmap-scroll')!.style.overflowX).toBe('auto');
  });

  it('lists the top pairs by count in the table, with the matrix size', () => {
    const { labels: tokens, values, rowTotals } = namesLikeCounts();
    make({ labels: { ...labels, tableSize: '{rows} × {cols}' } }).update({ rowLabels: tokens, colLabels: tokens, values, rowTotals });
    const details = container.querySelector('details')!;
    expect(details.querySelector('summary')!.textContent).toBe('Show the data as a table');
    expect(details.querySelector('caption')!.textContent).toBe('The most frequent pairs (27 × 27)');
    const rows = bodyRows();
    expect(rows).toHaveLength(50);
    const counts = rows.map((r) => Number(r[2]!.replace(/,/g, '')));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const max = Math.max(...values.flat());
    expect(counts[0]).toBe(max);
    const [r0, c0] = (() => {
      for (let r = 0; r < 27; r++) for (let c = 0; c < 27; c++) if (values[r]![c] === max) return [r, c];
      return [-1, -1];
    })();
    expect(rows[0]!.slice(0, 2)).toEqual([tokens[r0!], tokens[c0!]]);
    expect(Number(rows[0]![3])).toBeCloseTo(max / rowTotals[r0!]!, 3);
  });

  it('leaves zero counts out of the table', () => {
    make({ tableRows: 100 }).update(small);
    expect(container.querySelector('caption')!.textContent).toBe('The most frequent pairs');
    expect(bodyRows()).toEqual([
      ['a', '.', '5,438', '0.998'],
      ['b', '.', '40', '0.930'],
      ['a', 'a', '12', '0.002'],
      ['.', 'a', '5', '0.625'],
      ['.', 'b', '3', '0.375'],
      ['b', 'b', '2', '0.047'],
      ['b', 'a', '1', '0.023'],
    ]);
  });

  it('keeps the active cell across updates of the same size, and drops it on reset', () => {
    const view = make();
    view.update(small);
    view.setActiveCell(1, 1);
    view.update({ ...small, values: small.values.map((r) => r.map((v) => v * 2)), rowTotals: small.rowTotals.map((t) => t * 2) });
    expect(readout()).toBe('a → a: count 24 · P = 0.002');
    view.reset();
    expect(view.activeCell).toBeNull();
    expect(readout()).toBe('Point at a cell.');
    expect(container.querySelectorAll('rect.heatmap-cell')).toHaveLength(0);
    expect(bodyRows()).toHaveLength(0);
  });

  it('destroy() removes everything it added', () => {
    const view = make();
    view.update(small);
    view.destroy();
    expect(container.children).toHaveLength(0);
  });
});

/** The site's own stylesheet, so that computed styles give the colours a reader sees (Node's URL: happy-dom's has no file scheme). */
const SITE_CSS = readFileSync(new FileUrl('../../../src/styles/global.css', import.meta.url), 'utf8');

describe('HeatmapView count labels', () => {
  let style: HTMLStyleElement;
  beforeEach(() => {
    style = document.createElement('style');
    style.textContent = SITE_CSS;
    document.head.append(style);
    // The widget frame gives the grid its background, as on the page.
    container.className = 'widget';
  });
  afterEach(() => {
    style.remove();
    delete document.documentElement.dataset.theme;
  });

  const colour = (css: string): Rgb => {
    const parsed = parseColor(css);
    expect(parsed, css).toBeDefined();
    return parsed!.rgb;
  };
  const computed = (el: Element) => getComputedStyle(el);
  /** Every count label's contrast with its cell as painted: cell over grid background over the frame. */
  const contrasts = () => {
    const grid = container.querySelector('.heatmap-bg')!;
    const under = composite(colour(computed(grid).fill), Number(computed(grid).fillOpacity), colour(computed(container).backgroundColor));
    const cells = cellsByCentre();
    const texts = Array.from(container.querySelectorAll<SVGTextElement>('.heatmap-counts text'));
    return texts.map((text) => {
      const cell = cells.get(`${text.getAttribute('x')},${text.getAttribute('y')}`)!;
      const fill = composite(colour(computed(cell).fill), Number(computed(cell).fillOpacity), under);
      const ink = computed(text).fill;
      return { ink, ratio: contrastRatio(colour(ink), fill) };
    });
  };
  /** The cells by the point at their centre, where a count label sits: found by position, so that the test doesn't trust the view's bookkeeping. */
  const cellsByCentre = () => {
    const centre = (r: Element, at: string, size: string) => Number(r.getAttribute(at)) + Number(r.getAttribute(size)) / 2;
    const rects = Array.from(container.querySelectorAll('rect.heatmap-cell'));
    return new Map(rects.map((r) => [`${centre(r, 'x', 'width')},${centre(r, 'y', 'height')}`, r]));
  };
  /** 12 × 12 counts from 1 to 5,000 in even steps of log(count), so the cells take every strength from faint to full. */
  const graded = (): HeatmapData => {
    const tokens = [...'abcdefghijkl'];
    const values = tokens.map((_, r) => tokens.map((_, c) => Math.round(5000 ** ((r * tokens.length + c) / (tokens.length ** 2 - 1)))));
    return { rowLabels: tokens, colLabels: tokens, values, rowTotals: values.map((row) => row.reduce((a, b) => a + b, 0)) };
  };

  it.each(['light', 'dark'])('match the golden SVG in the %s theme', async (theme) => {
    document.documentElement.dataset.theme = theme;
    make().update(small);
    await expect(normalizeSvg(container.querySelector('svg')!)).toMatchFileSnapshot(`__snapshots__/heatmap-${theme}.svg`);
  });

  it.each(['light', 'dark'])('reach 4.5:1 against their cells in the %s theme', (theme) => {
    document.documentElement.dataset.theme = theme;
    make().update(graded());
    const labels = contrasts();
    expect(labels).toHaveLength(144);
    const worst = Math.min(...labels.map((l) => l.ratio));
    expect(worst).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    // Both inks are needed: faint and strong cells differ in lightness in either theme.
    expect(new Set(labels.map((l) => l.ink))).toEqual(new Set(['#000000', '#ffffff']));
  });

  it('recolours the counts when the reader switches theme', async () => {
    document.documentElement.dataset.theme = 'light';
    make().update(graded());
    const light = contrasts().map((l) => l.ink);
    document.documentElement.dataset.theme = 'dark';
    await new Promise((resolve) => setTimeout(resolve, 0)); // the theme observer reacts after the attribute change
    const dark = contrasts();
    expect(dark.map((l) => l.ink)).not.toEqual(light);
    expect(Math.min(...dark.map((l) => l.ratio))).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });
});
