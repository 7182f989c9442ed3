// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { LineChartView, type LineChartOptions, type LinePoint } from '../../../src/views/lineChart';
import { formatSignificant, nearestIndex } from '../../../src/views/logScale';
import { chartFixture, normalizeSvg } from './helpers';

const labels: LineChartOptions['labels'] = {
  x: 'learning rate',
  y: 'loss',
  readout: 'rate {x}: smoothed {smooth}, batch {batch}',
  readoutEmpty: 'Pick a rate.',
  aria: '{count} rates from {from} to {to}; last smoothed {smooth}.',
  grid: 'Loss against the learning rate. Arrow keys pick a rate.',
  tableSummary: 'Show the data as a table',
  colX: 'Rate',
};
const series: LineChartOptions['series'] = [
  { key: 'batch', label: 'batch loss', color: 'var(--chart-3)', opacity: 0.4 },
  { key: 'smooth', label: 'smoothed', color: 'var(--chart-1)' },
];

/** A range test's curve: rates 1e-5 … 1 geometric, the loss falls then blows up. */
function sweep(n = 41): { batch: LinePoint[]; smooth: LinePoint[] } {
  const batch: LinePoint[] = [];
  const smooth: LinePoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = 1e-5 * 1e5 ** (i / (n - 1));
    const y = 3.3 - 1.0 / (1 + Math.exp(-(Math.log10(x) + 3.5) * 3)) + 4 * Math.max(0, Math.log10(x) + 1.3) ** 2;
    batch.push({ x, y: y + 0.1 * Math.sin(i * 1.7) });
    smooth.push({ x, y });
  }
  return { batch, smooth };
}

const fx = chartFixture();

function make(opts: Partial<LineChartOptions> = {}): LineChartView {
  return new LineChartView(fx.container, { labels, series, locale: 'en', width: 640, height: 300, x: 'log', ...opts });
}
const path = (key: string) => fx.container.querySelector(`.line-lines path[data-series="${key}"]`)?.getAttribute('d') ?? '';
/** The vertices of a path d3.line drew, as [x, y] pairs. */
const vertices = (d: string) => [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
const ticks = (axis: string) => Array.from(fx.container.querySelectorAll(`.line-${axis}-axis .tick text`), (t) => t.textContent);
const rows = (section = 'tbody') => Array.from(fx.container.querySelectorAll(`table ${section} tr`), (tr) => Array.from(tr.children, (c) => c.textContent));
const plot = () => fx.container.querySelector<HTMLElement>('[tabindex="0"]')!;
const key = (k: string, init: KeyboardEventInit = {}) => plot().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
const readout = () => fx.container.querySelector('.chart-readout')!.textContent;

describe('LineChartView', () => {
  it('matches the golden SVG', async () => {
    const view = make({ guides: [{ value: 3.296, label: 'uniform guess' }] });
    view.append(sweep());
    view.setMarkers([
      { x: 3e-3, label: 'steepest', color: 'var(--chart-2)' },
      { x: 3e-2, label: 'lowest' },
    ]);
    view.pick(1e-3);
    view.flush();
    await expect(normalizeSvg(fx.container.querySelector('svg[role="img"]')!)).toMatchFileSnapshot('__snapshots__/lineChart.svg');
  });

  it('places points on a log x axis by orders of magnitude, and ticks its powers of ten', () => {
    const view = make({ xDomain: [1e-5, 1] });
    view.append({ smooth: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].map((x) => ({ x, y: 3 })) });
    view.flush();
    const xs = vertices(path('smooth')).map(([x]) => x);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(gaps[0]!, 0);
    expect(xs[0]).toBeCloseTo(56, 0); // the left margin: the domain starts at 1e-5
    expect(xs.at(-1)).toBeCloseTo(640 - 16, 0);
    expect(ticks('x')).toEqual(['1e-5', '1e-4', '0.001', '0.01', '0.1', '1']);
  });

  it('places points on a log y axis, with a labelled 1e-3 guide where 1e-3 falls', () => {
    const view = make({ x: 'linear', y: 'log', guides: [{ value: 1e-3, label: 'typical update ratio' }] });
    view.append({ smooth: [1e-5, 1e-4, 1e-3, 1e-2].map((y, i) => ({ x: i * 100, y })) });
    view.flush();
    const ys = vertices(path('smooth')).map(([, y]) => y);
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 0);
    expect(ys[1]! - ys[2]!).toBeCloseTo(ys[2]! - ys[3]!, 0);
    const guide = fx.container.querySelector('.line-guides line')!;
    expect(Number(guide.getAttribute('y1'))).toBeCloseTo(ys[2]!, 0);
    expect(fx.container.querySelector('.line-guides text')!.textContent).toBe('typical update ratio');
    expect(ticks('y')).toEqual(['1e-5', '1e-4', '0.001', '0.01']);
    expect(rows('tfoot')).toEqual([['typical update ratio', '0.001', '0.001']]);
  });

  it('skips points a log axis cannot place, and non-finite ones', () => {
    const view = make({ y: 'log' });
    view.append({ smooth: [{ x: 0, y: 1 }, { x: 1e-3, y: 0 }, { x: 1e-3, y: NaN }, { x: 1e-2, y: 2 }, { x: 1e-1, y: 3 }] });
    view.flush();
    expect(view.pointCount).toBe(2);
    expect(vertices(path('smooth'))).toHaveLength(2);
  });

  it('append() adds only new points and redraws once per frame', () => {
    const view = make();
    const { smooth } = sweep(10);
    view.append({ smooth: smooth.slice(0, 4) });
    view.append({ smooth: smooth.slice(4, 6) });
    expect(fx.frames).toHaveLength(1);
    fx.frames.shift()!(0);
    expect(vertices(path('smooth'))).toHaveLength(6);
    view.append({ smooth: smooth.slice(6) });
    fx.frames.shift()!(0);
    expect(vertices(path('smooth'))).toHaveLength(10);
    expect(view.pointCount).toBe(10);
  });

  it('picks a point with the keys, calling onPick with its x', () => {
    const picks: number[] = [];
    const view = make({ picker: { series: 'smooth', onPick: (x) => picks.push(x) } });
    const { batch, smooth } = sweep(6); // rates 1e-5, 1e-4 … 1
    view.append({ batch, smooth });
    view.flush();
    expect(readout()).toBe('Pick a rate.');
    plot().dispatchEvent(new FocusEvent('focus'));
    expect(view.picked).toBeCloseTo(1e-5, 10);
    key('ArrowRight');
    key('ArrowRight');
    expect(view.picked).toBeCloseTo(1e-3, 10);
    expect(readout()).toMatch(/^rate 0\.001: smoothed [\d.]+, batch [\d.]+$/);
    key('End');
    expect(view.picked).toBeCloseTo(1, 10);
    key('ArrowRight'); // stays at the end, and calls nobody
    key('Home');
    key('ArrowLeft');
    expect(picks.map((x) => formatSignificant(x, 'en'))).toEqual(['1e-5', '1e-4', '0.001', '1', '1e-5']);
    const mark = fx.container.querySelector('.line-pick line')!;
    expect(Number(mark.getAttribute('x1'))).toBeCloseTo(vertices(path('smooth'))[0]![0], 0);
    key('ArrowRight', { shiftKey: true });
    expect(view.picked).toBeCloseTo(1, 10); // ten points on, clamped to the last
  });

  it('picks the point nearest a click', () => {
    const picks: number[] = [];
    const view = make({ picker: { series: 'smooth', onPick: (x) => picks.push(x) } });
    view.append(sweep(6));
    view.flush();
    const svg = fx.container.querySelector('svg[role="img"]')!;
    svg.getBoundingClientRect = () => ({ left: 0, top: 0, width: 640, height: 300, right: 640, bottom: 300, x: 0, y: 0, toJSON: () => ({}) });
    // 1e-2 is three fifths of the way from 1e-5 to 1 on the log axis: x = 56 + 0.6 · 568.
    plot().dispatchEvent(new MouseEvent('click', { clientX: 56 + 0.6 * 568 + 20, clientY: 100, bubbles: true }));
    expect(picks).toHaveLength(1);
    expect(picks[0]).toBeCloseTo(1e-2, 10);
  });

  it('pick() moves the picker without calling onPick; reset() clears points, pick and markers', () => {
    const onPick = vi.fn();
    const view = make({ picker: { series: 'smooth', onPick } });
    view.append(sweep(6));
    view.setMarkers([{ x: 1e-3, label: 'steepest' }]);
    view.pick(2e-3);
    view.flush();
    expect(view.picked).toBeCloseTo(1e-3, 10);
    expect(readout()).toMatch(/^rate 0\.001/);
    expect(onPick).not.toHaveBeenCalled();
    view.reset();
    view.flush();
    expect(view.picked).toBeNull();
    expect(readout()).toBe('Pick a rate.');
    expect(fx.container.querySelectorAll('.line-markers g, .line-pick line')).toHaveLength(0);
    expect(fx.container.querySelector('svg[role="img"]')!.getAttribute('aria-label')).toBe('Pick a rate.');
  });

  it('labels markers above the plot, stacking those that would overlap', () => {
    const view = make();
    view.append(sweep());
    view.setMarkers([
      { x: 3e-3, label: 'steepest descent' },
      { x: 4e-3, label: 'lowest loss' },
      { x: 1e-5, label: 'start' },
    ]);
    view.flush();
    const texts = Array.from(fx.container.querySelectorAll('.line-markers text'));
    expect(texts.map((t) => t.textContent)).toEqual(['steepest descent 0.003', 'lowest loss 0.004', 'start 1e-5']);
    const ys = texts.map((t) => Number(t.getAttribute('y')));
    expect(ys[0]).not.toBe(ys[1]); // too close: two rows
    expect(ys[2]).toBe(ys[0]); // far from the first: its row
    const plotTop = Number(fx.container.querySelector('clipPath rect')!.getAttribute('y'));
    for (const y of ys) expect(y).toBeLessThan(plotTop);
  });

  it('fixes a domain on request and clips what falls outside', () => {
    const view = make();
    view.append(sweep());
    view.setDomain('y', [2, 4]);
    view.flush();
    expect(ticks('y')[0]).toBe('2.0');
    expect(ticks('y').at(-1)).toBe('4.0');
    expect(fx.container.querySelector('.line-lines')!.getAttribute('clip-path')).toMatch(/^url\(#line-clip-\d+\)$/);
  });

  it('has one table row per x with a column per series, thinned evenly, and an accessible name', () => {
    const view = make({ tableMaxRows: 10, formatY: (y) => y.toFixed(2) });
    view.append(sweep(41));
    view.setMarkers([{ x: 1e-3, label: 'steepest' }]);
    view.flush();
    const body = rows();
    expect(fx.container.querySelectorAll('thead th')).toHaveLength(3);
    expect(Array.from(fx.container.querySelectorAll('thead th'), (th) => th.textContent)).toEqual(['Rate', 'batch loss', 'smoothed']);
    expect(body.length).toBeLessThanOrEqual(11);
    expect(body[0]![0]).toBe('1e-5');
    expect(body.at(-1)![0]).toBe('1');
    expect(rows('tfoot')).toEqual([['steepest 0.001', expect.stringMatching(/^\d\.\d\d$/), expect.stringMatching(/^\d\.\d\d$/)]]);
    expect(fx.container.querySelector('svg[role="img"]')!.getAttribute('aria-label')).toMatch(/^41 rates from 1e-5 to 1; last smoothed \d+\.\d\d\.$/);
  });

  it('destroy() removes the view and cancels a pending frame', () => {
    const cancel = vi.fn();
    vi.stubGlobal('cancelAnimationFrame', cancel);
    const view = make();
    view.append(sweep(3));
    view.destroy();
    expect(cancel).toHaveBeenCalled();
    expect(fx.container.children).toHaveLength(0);
  });
});

describe('formatSignificant and nearestIndex', () => {
  it('writes rates plainly from 0.001 and in e-notation below', () => {
    expect([3e-5, 1.5e-4, 9.99e-4, 3e-3, 0.0316, 1, 20000].map((x) => formatSignificant(x, 'en'))).toEqual(['3e-5', '1.5e-4', '1e-3', '0.003', '0.032', '1', '2e4']);
    expect(formatSignificant(NaN, 'en')).toBe('–');
  });

  it('finds the nearest value, by ratio on a log axis', () => {
    expect(nearestIndex([1, 10, 100], 40)).toBe(1);
    expect(nearestIndex([1, 10, 100], 40, true)).toBe(2);
  });
});
