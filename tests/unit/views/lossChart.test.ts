// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { LossChartView, type LossChartLabels, type LossChartOptions, type LossChartPoint } from '../../../src/views/lossChart';
import { chartFixture, normalizeSvg } from './helpers';

const labels: LossChartLabels = {
  x: 'step',
  y: 'loss (nats/char)',
  aria: 'Loss curve at step {step} of {steps}; dev {dev}.',
  tableSummary: 'Show the data as a table',
  colStep: 'Step',
  colSeries: 'Series',
  colLoss: 'Loss',
};
const series: LossChartOptions['series'] = [
  { key: 'batch', label: 'batch loss', color: 'var(--chart-3)', opacity: 0.45 },
  { key: 'train', label: 'train NLL', color: 'var(--chart-1)' },
  { key: 'dev', label: 'dev NLL', color: 'var(--chart-2)', dash: '4 3' },
];

/** A falling curve: batch loss every step, train/dev every 10 steps, like the trainer sends. */
function run(from: number, to: number): LossChartPoint[] {
  const points: LossChartPoint[] = [];
  for (let step = from; step < to; step++) {
    const loss = 2.45 + 1.0 * Math.exp(-step / 40);
    points.push({ step, series: 'batch', loss: loss + 0.05 * Math.sin(step * 1.7) });
    if (step % 10 === 0) {
      points.push({ step, series: 'train', loss });
      points.push({ step, series: 'dev', loss: loss + 0.01 });
    }
  }
  return points;
}

const fx = chartFixture();

function make(opts: Partial<LossChartOptions> = {}): LossChartView {
  return new LossChartView(fx.container, { labels, series, locale: 'en', totalSteps: 100, width: 640, ...opts });
}
const pathOf = (key: string) => fx.container.querySelector(`.loss-lines path[data-series="${key}"]`)?.getAttribute('d') ?? '';
/** Vertices in a path drawn by d3.line: one M then one L per further point. */
const vertices = (d: string) => (d.match(/[ML]/g) ?? []).length;
const bodyRows = () => Array.from(fx.container.querySelectorAll('table.data-table tbody tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent));
const ticks = (axis: string) => Array.from(fx.container.querySelectorAll(`.${axis} .tick text`)).map((t) => t.textContent);

describe('LossChartView', () => {
  it('matches the golden SVG', async () => {
    const view = make({ totalSteps: 60 });
    view.append(run(0, 41));
    view.setReferences([
      { label: 'count bigram, train', value: 2.454, series: 'train' },
      { label: 'count bigram, dev', value: 2.463, series: 'dev' },
    ]);
    view.flush();
    await expect(normalizeSvg(fx.container.querySelector('svg:not([aria-hidden])')!)).toMatchFileSnapshot('__snapshots__/lossChart.svg');
  });

  it('append() adds only the new points, and redraws once per frame', () => {
    const view = make();
    view.append(run(0, 3));
    view.append(run(3, 5));
    expect(fx.frames).toHaveLength(1); // two appends, one pending frame
    expect(vertices(pathOf('batch'))).toBe(0); // nothing drawn before the frame
    fx.frames.shift()!(0);
    expect(view.pointCount).toBe(5 + 2);
    expect(vertices(pathOf('batch'))).toBe(5);
    expect(vertices(pathOf('train'))).toBe(1);
    view.append(run(5, 12));
    view.flush();
    expect(view.pointCount).toBe(12 + 4);
    expect(vertices(pathOf('batch'))).toBe(12);
    expect(vertices(pathOf('dev'))).toBe(2);
  });

  it('skips NaN and infinite losses without breaking the chart', () => {
    const view = make();
    view.append(run(0, 10));
    view.append([
      { step: 10, series: 'batch', loss: NaN },
      { step: 11, series: 'batch', loss: Infinity },
      { step: NaN, series: 'batch', loss: 2.5 },
      { step: 12, series: 'batch', loss: 2.6 },
    ]);
    view.flush();
    expect(view.pointCount).toBe(10 + 2 + 1);
    expect(vertices(pathOf('batch'))).toBe(11);
    expect(fx.container.innerHTML).not.toMatch(/NaN|Infinity/);
    // The y axis still spans only the finite losses: nothing near 10^308.
    expect(Math.max(...ticks('loss-y-axis').map(Number))).toBeLessThan(4);
  });

  it('runs x to totalSteps, and y over the data and the references', () => {
    const view = make({ totalSteps: 300 });
    view.append(run(0, 20));
    view.flush();
    expect(ticks('loss-x-axis').at(-1)).toBe('300');
    const before = ticks('loss-y-axis').map(Number);
    expect(Math.min(...before)).toBeGreaterThan(1.5);
    view.setReferences([{ label: 'uniform', value: 1.0 }]);
    view.flush();
    expect(Math.min(...ticks('loss-y-axis').map(Number))).toBeLessThanOrEqual(1.0);
    view.append([{ step: 450, series: 'batch', loss: 2.5 }]);
    view.flush();
    expect(Number(ticks('loss-x-axis').at(-1)!.replace(/,/g, ''))).toBeGreaterThanOrEqual(400);
  });

  it('draws labelled reference lines in their series colour, close labels apart', () => {
    const view = make();
    view.append(run(0, 100));
    view.setReferences([
      { label: 'count bigram, train', value: 2.454, series: 'train' },
      { label: 'count bigram, dev', value: 2.463, series: 'dev' },
      { label: 'other', value: 3.0 },
    ]);
    view.flush();
    const lines = Array.from(fx.container.querySelectorAll<SVGLineElement>('.loss-references line'));
    expect(lines.map((l) => l.style.stroke)).toEqual(['var(--chart-axis)', 'var(--chart-2)', 'var(--chart-1)']);
    const texts = Array.from(fx.container.querySelectorAll('.loss-reference-labels text'));
    expect(texts.map((t) => t.textContent)).toEqual(['other 3.000', 'count bigram, dev 2.463', 'count bigram, train 2.454']);
    const ys = texts.map((t) => Number(t.getAttribute('y')));
    expect(ys[2]! - ys[1]!).toBeGreaterThanOrEqual(12);
  });

  it('keeps every reference line out of the other labels, however close the lines are', () => {
    const view = make();
    view.append(run(0, 100));
    for (const gap of [0.005, 0.02, 0.04, 0.06, 0.08, 0.12, 0.2]) {
      view.setReferences([
        { label: 'reference', value: 2.0, series: 'dev' },
        { label: 'target', value: 2.0 - gap },
        { label: 'count bigram', value: 2.46 },
      ]);
      view.flush();
      const lineYs = Array.from(fx.container.querySelectorAll('.loss-references line')).map((l) => Number(l.getAttribute('y1')));
      const labelYs = Array.from(fx.container.querySelectorAll('.loss-reference-labels text')).map((t) => Number(t.getAttribute('y')));
      // A label's text spans about 9 px above its baseline and 2 below.
      for (const y of labelYs) for (const lineY of lineYs) expect(lineY < y - 9 || lineY > y + 2, `gap ${gap}: a line at ${lineY} crosses a label at ${y}`).toBe(true);
    }
  });

  it('shows a legend with every series', () => {
    make();
    const items = Array.from(fx.container.querySelectorAll('.chart-legend li'));
    expect(items.map((li) => li.textContent)).toEqual(['batch loss', 'train NLL', 'dev NLL']);
    expect(items[2]!.querySelector('line')!.style.strokeDasharray).toBe('4 3');
  });

  it('lists the evaluations (not the minibatch losses) in the table, references in the footer', () => {
    const view = make();
    view.append(run(0, 21));
    view.setReferences([{ label: 'count bigram, dev', value: 2.4631, series: 'dev' }]);
    view.flush();
    const rows = bodyRows();
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual(['0', 'train NLL', '3.450']);
    expect(rows[1]).toEqual(['0', 'dev NLL', '3.460']);
    expect(rows.map((r) => r[0])).toEqual(['0', '0', '10', '10', '20', '20']);
    const foot = Array.from(fx.container.querySelectorAll('table.data-table tfoot tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent));
    expect(foot).toEqual([['–', 'count bigram, dev', '2.463']]);
    expect(fx.container.querySelector('details summary')!.textContent).toBe('Show the data as a table');
  });

  it('falls back to the last points when only minibatch losses exist, and thins long tables', () => {
    const view = make({ tableMaxRows: 5 });
    view.append(run(0, 50).filter((p) => p.series === 'batch'));
    view.flush();
    expect(bodyRows().map((r) => r[0])).toEqual(['45', '46', '47', '48', '49']);
    view.append(run(50, 200).filter((p) => p.series === 'dev'));
    view.flush();
    const steps = bodyRows().map((r) => Number(r[0]));
    expect(steps.length).toBeLessThanOrEqual(6);
    expect(steps[0]).toBe(50);
    expect(steps.at(-1)).toBe(190);
  });

  it('fills the accessible name from the latest losses', () => {
    const view = make();
    const svg = fx.container.querySelector('svg[role="img"]')!;
    view.append(run(0, 31));
    view.flush();
    expect(svg.getAttribute('aria-label')).toBe('Loss curve at step 30 of 100; dev 2.932.');
  });

  it('reset() empties the chart and takes a new length; update() replaces the data', () => {
    const view = make();
    view.append(run(0, 30));
    view.setReferences([{ label: 'r', value: 2.4 }]);
    view.flush();
    view.reset({ totalSteps: 1000 });
    view.flush();
    expect(view.pointCount).toBe(0);
    expect(vertices(pathOf('batch'))).toBe(0);
    expect(fx.container.querySelectorAll('.loss-references line')).toHaveLength(0);
    expect(bodyRows()).toHaveLength(0);
    expect(ticks('loss-x-axis').at(-1)).toBe('1,000');
    view.update({ points: run(0, 5), totalSteps: 50 });
    view.flush();
    expect(view.pointCount).toBe(7);
    expect(ticks('loss-x-axis').at(-1)).toBe('50');
  });

  it('draws a series nobody configured in a palette colour', () => {
    const view = make();
    view.append([{ step: 1, series: 'test', loss: 2 }]);
    view.flush();
    expect(fx.container.querySelector<SVGPathElement>('path[data-series="test"]')!.style.stroke).toBe('var(--chart-4)');
    expect(fx.container.querySelector('.chart-legend')!.textContent).toContain('test');
  });

  it('destroy() removes the view and cancels a pending frame', () => {
    const cancel = vi.fn();
    vi.stubGlobal('cancelAnimationFrame', cancel);
    const view = make();
    view.append(run(0, 3));
    view.destroy();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(fx.container.children).toHaveLength(0);
  });
});
