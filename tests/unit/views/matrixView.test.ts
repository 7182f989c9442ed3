// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixView, type MatrixData, type MatrixViewOptions } from '../../../src/views/matrixView';

const labels = { readoutEmpty: 'Point at a cell.', aria: 'A {rows} × {cols} matrix.', tableSummary: 'Table' };

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

function make(opts: Partial<MatrixViewOptions> = {}): MatrixView {
  return new MatrixView(container, { labels, locale: 'en', width: 640, readout: (c) => `${c.rowLabel},${c.colLabel}=${c.value}`, ...opts });
}
const readout = () => container.querySelector('[aria-live="polite"]')!.textContent;
const grid = () => container.querySelector<HTMLElement>('[tabindex="0"]')!;
const key = (k: string, init: KeyboardEventInit = {}) => grid().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
const cell = (r: number, c: number) => container.querySelector<SVGRectElement>(`rect[data-row="${r}"][data-col="${c}"]`)!;

/** A 4 × 4 attention pattern: row i attends to columns 0..i, the rest masked (the causal mask). */
const causal: MatrixData = {
  rows: 4,
  cols: 4,
  values: new Float32Array([1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.2, 0.3, 0.5, 0, 0.1, 0.2, 0.3, 0.4]),
  rowLabels: ['a', 'b', 'c', 'd'],
  colLabels: ['a', 'b', 'c', 'd'],
  mask: (row, col) => col > row,
};

describe('MatrixView', () => {
  it('shades a sequential scale from the domain low end, in one hue', () => {
    make({ scale: { type: 'sequential', domain: [0, 1] } }).update(causal);
    expect(Number(cell(0, 0).style.fillOpacity)).toBe(1);
    expect(Number(cell(1, 0).style.fillOpacity)).toBe(0.5);
    expect(Number(cell(3, 0).style.fillOpacity)).toBeCloseTo(0.1);
    expect(cell(3, 0).style.fill).toBe('var(--chart-1)');
  });

  it('gives a diverging scale two hues around a neutral zero', () => {
    const view = make({ scale: { type: 'diverging' } });
    view.update({ rows: 1, cols: 3, values: [[-0.5, 0, 1]] });
    expect(cell(0, 0).style.fill).toBe('var(--chart-2)');
    expect(Number(cell(0, 0).style.fillOpacity)).toBe(0.5);
    expect(Number(cell(0, 1).style.fillOpacity)).toBe(0); // zero shows the neutral grid
    expect(cell(0, 2).style.fill).toBe('var(--chart-1)');
    expect(Number(cell(0, 2).style.fillOpacity)).toBe(1);
    view.update({ rows: 1, cols: 2, values: [-1, 0.25] });
    expect(Number(cell(0, 0).style.fillOpacity)).toBe(1); // symmetric: |−1| is the largest
    expect(Number(cell(0, 1).style.fillOpacity)).toBe(0.25);
  });

  it('takes row-major and nested values alike', () => {
    make().update({ rows: 2, cols: 2, values: [1, 2, 3, 4] });
    const flat = container.querySelector('svg')!.outerHTML;
    container.replaceChildren();
    make().update({ rows: 2, cols: 2, values: [[1, 2], [3, 4]] });
    expect(container.querySelector('svg')!.outerHTML).toBe(flat);
  });

  it('hatches masked cells and the keyboard skips them', () => {
    const onActiveCell = vi.fn();
    const view = make({ onActiveCell });
    view.update(causal);
    expect(container.querySelectorAll('rect.heatmap-masked')).toHaveLength(6);
    expect(cell(0, 1).style.fill).toMatch(/^url\(#heatmap-hatch-\d+\)$/);
    grid().dispatchEvent(new FocusEvent('focus'));
    expect(readout()).toBe('a,a=1');
    expect(key('ArrowRight')).toBe(false); // handled, but (0, 1) is masked: nowhere to go
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    key('ArrowDown');
    key('ArrowDown');
    key('End');
    expect(view.activeCell).toEqual({ row: 2, col: 2 }); // the last open cell of row c
    key('ArrowUp'); // (1, 2) is masked, (0, 2) too
    expect(view.activeCell).toEqual({ row: 2, col: 2 });
    key('ArrowDown');
    key('ArrowRight');
    expect(readout()).toBe('d,d=0.4000000059604645');
    key('Home', { ctrlKey: true });
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    view.setActiveCell(0, 3); // masked: refused
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    cell(1, 3).dispatchEvent(new Event('pointerover', { bubbles: true }));
    expect(view.activeCell).toEqual({ row: 0, col: 0 });
    expect(onActiveCell.mock.calls.every(([r, c]) => c <= r)).toBe(true);
  });

  it('moves by pages and to the row ends', () => {
    const view = make();
    const n = 12;
    view.update({ rows: n, cols: n, values: new Float32Array(n * n).map((_, i) => i) });
    view.setActiveCell(0, 3);
    key('PageDown');
    expect(view.activeCell).toEqual({ row: 5, col: 3 });
    key('PageDown');
    key('PageDown');
    expect(view.activeCell).toEqual({ row: 11, col: 3 });
    key('PageUp');
    expect(view.activeCell).toEqual({ row: 6, col: 3 });
    key('Home');
    expect(view.activeCell).toEqual({ row: 6, col: 0 });
    key('End', { ctrlKey: true });
    expect(view.activeCell).toEqual({ row: 11, col: 11 });
  });

  it('writes values in cells big enough, with the first candidate that fits', () => {
    make({ format: (v) => (v === 0 ? '' : [`${v} long text`, String(v)]) }).update({ rows: 1, cols: 3, values: [0, 7, 8] });
    expect(Array.from(container.querySelectorAll('.heatmap-counts text'), (t) => t.textContent)).toEqual(['7', '8']);
  });

  it('keeps cells within bounds and thins labels of wide matrices', () => {
    make({ width: 640 }).update({ rows: 4, cols: 200, values: new Float32Array(4 * 200) });
    expect(container.querySelectorAll('rect.heatmap-cell')).toHaveLength(800);
    expect(Number(cell(0, 0).getAttribute('width'))).toBe(10);
    const shown = Array.from(container.querySelectorAll('.heatmap-col-labels text')).filter((t) => t.getAttribute('display') !== 'none');
    expect(shown.length).toBeLessThan(200);
    expect(shown.length).toBeGreaterThan(20);
  });

  it('lists the matrix in its default table, masked cells as a dash', () => {
    make({ labels: { ...labels, corner: 'query' } }).update({ ...causal, values: [1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.25, 0.25, 0.5, 0, 0.1, 0.2, 0.3, 0.4] });
    const head = Array.from(container.querySelectorAll('thead th'), (th) => th.textContent);
    expect(head).toEqual(['query', 'a', 'b', 'c', 'd']);
    const rows = Array.from(container.querySelectorAll('tbody tr'), (tr) => Array.from(tr.children, (c) => c.textContent));
    expect(rows[1]).toEqual(['b', '0.5', '0.5', '–', '–']);
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('A 4 × 4 matrix.');
  });
});
