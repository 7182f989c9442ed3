// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistogramView, type HistogramViewOptions } from '../../../src/views/histogramView';

const labels = {
  readout: '{from} to {to}: {count} ({share}%) {region}',
  readoutEmpty: 'Point at a bar.',
  aria: '{total} activations in {bins} bins from {lo} to {hi}.',
  tableSummary: 'Table',
  colFrom: 'From',
  colTo: 'To',
  colCount: 'Count',
};

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

function make(opts: Partial<HistogramViewOptions> = {}): HistogramView {
  return new HistogramView(container, { labels, locale: 'en', width: 640, duration: 0, ...opts });
}
const bars = () => Array.from(container.querySelectorAll<SVGRectElement>('rect.histogram-bar'));
const num = (el: Element, name: string) => Number(el.getAttribute(name));
const readout = () => container.querySelector('[aria-live="polite"]')!.textContent;
const key = (k: string) => container.querySelector<HTMLElement>('[tabindex="0"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

describe('HistogramView', () => {
  it('draws bars with heights proportional to the counts, on a shared baseline', () => {
    make().update({ lo: -1, hi: 1, counts: [10, 40, 20, 0] });
    const [a, b, c, d] = bars();
    expect(num(b!, 'height') / num(a!, 'height')).toBeCloseTo(4, 1);
    expect(num(c!, 'height') / num(a!, 'height')).toBeCloseTo(2, 1);
    expect(num(d!, 'height')).toBe(0);
    const base = (r: Element) => num(r, 'y') + num(r, 'height');
    expect(new Set(bars().map(base)).size).toBe(1);
  });

  it('spans the range with its end bins, and the last bin ends at hi', () => {
    make().update({ lo: -1, hi: 1, counts: new Uint32Array(50).fill(1) });
    const all = bars();
    const first = all[0]!;
    const last = all.at(-1)!;
    const [x0, x1] = container.querySelector('.histogram-x-axis .domain')!.getAttribute('d')!.match(/[-\d.]+/g)!.filter((_, i) => i === 0 || i === 2).map(Number);
    // d3 draws the axis line half a pixel in, for crisp edges; a 1 px gap follows each bar.
    expect(Math.abs(num(first, 'x') - x0!)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(num(last, 'x') + num(last, 'width') + 1 - x1!)).toBeLessThanOrEqual(0.5);
    container.querySelector<HTMLElement>('[tabindex="0"]')!.dispatchEvent(new FocusEvent('focus'));
    expect(readout()).toBe('-1.00 to -0.96: 1 (2%)');
    key('End');
    expect(readout()).toBe('0.96 to 1.00: 1 (2%)');
    const rows = Array.from(container.querySelectorAll('tbody tr'), (tr) => Array.from(tr.children, (c) => c.textContent));
    expect(rows).toHaveLength(50);
    expect(rows.at(-1)).toEqual(['0.96', '1.00', '1']);
  });

  it('shades regions and names them in the readout', () => {
    const view = make({ regions: [{ from: 0.97, to: 2, label: 'saturated' }, { from: -2, to: -0.97, label: 'saturated' }] });
    view.update({ lo: -1, hi: 1, counts: [5, 1, 1, 9] });
    const regions = container.querySelectorAll('.histogram-regions rect');
    expect(regions).toHaveLength(2);
    expect(num(regions[0]!, 'x') + num(regions[0]!, 'width')).toBeCloseTo(640 - 14, 0); // clipped at hi
    view.setActiveBin(3);
    expect(readout()).toBe('0.50 to 1.00: 9 (56.3%)');
    view.setRegions([{ from: 0.5, to: 1, label: 'saturated' }]);
    expect(readout()).toBe('0.50 to 1.00: 9 (56.3%) saturated');
  });

  it('eases its y axis: grows at once, shrinks slowly', () => {
    const view = make();
    view.update({ lo: 0, hi: 1, counts: [100] });
    const full = num(bars()[0]!, 'height');
    view.update({ lo: 0, hi: 1, counts: [10] });
    const after = num(bars()[0]!, 'height');
    expect(after).toBeLessThan(full); // the bar shrank ...
    expect(after).toBeLessThan(full * 0.2); // ... as the axis only shrank a quarter of the way
    view.update({ lo: 0, hi: 1, counts: [400] });
    expect(num(bars()[0]!, 'height')).toBeCloseTo(full, 0); // grown at once to the top
  });

  it('names the plot from the data', () => {
    make().update({ lo: -1, hi: 1, counts: [1000, 2000] });
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('3,000 activations in 2 bins from -1.00 to 1.00.');
  });
});
