// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { URL as FileUrl } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChartFrame } from '../../../src/views/chartFrame';
import { MatrixView } from '../../../src/views/matrixView';

const SITE_CSS = readFileSync(new FileUrl('../../../src/styles/global.css', import.meta.url), 'utf8');

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  container.remove();
  delete document.documentElement.dataset.theme;
});
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ChartFrame', () => {
  it('builds the readout, the focusable plot with its tooltip, the SVG and the table', () => {
    const frame = new ChartFrame(container, { prefix: 'demo', readout: 'Nothing yet.', interactive: true, table: { summary: 'Show', columns: ['a', 'b'] }, onResize: () => undefined });
    expect(frame.root.className).toBe('chart demo-view');
    expect(frame.readout!.textContent).toBe('Nothing yet.');
    expect(frame.plot.getAttribute('role')).toBe('application');
    expect(frame.plot.tabIndex).toBe(0);
    expect(frame.tip!.getAttribute('aria-hidden')).toBe('true');
    expect(frame.svg.attr('role')).toBe('img');
    expect(Array.from(container.querySelectorAll('details summary, thead th'), (e) => e.textContent)).toEqual(['Show', 'a', 'b']);
    expect(frame.width).toBe(640); // the fallback: happy-dom lays nothing out
    frame.say('Active.');
    frame.say(undefined);
    expect(frame.readout!.textContent).toBe('Nothing yet.');
    frame.destroy();
    expect(container.children).toHaveLength(0);
  });

  it('calls onTheme when the theme changes, until destroyed', async () => {
    const onTheme = vi.fn();
    const frame = new ChartFrame(container, { prefix: 'demo', table: { summary: 'Show', columns: [] }, onResize: () => undefined, onTheme });
    document.documentElement.dataset.theme = 'dark';
    await nextTask();
    expect(onTheme).toHaveBeenCalledTimes(1);
    frame.destroy();
    document.documentElement.dataset.theme = 'light';
    await nextTask();
    expect(onTheme).toHaveBeenCalledTimes(1);
  });

  it('re-colours a matrix view’s cell text when the theme changes', async () => {
    const style = document.createElement('style');
    style.textContent = SITE_CSS;
    document.head.append(style);
    container.className = 'widget';
    document.documentElement.dataset.theme = 'light';
    const view = new MatrixView(container, {
      labels: { readoutEmpty: '', aria: '', tableSummary: '' },
      scale: { type: 'diverging', max: 1 },
      readout: () => '',
      width: 640,
    });
    view.update({ rows: 1, cols: 3, values: [-0.6, 0.45, 1] });
    const inks = () => Array.from(container.querySelectorAll<SVGTextElement>('.heatmap-counts text'), (t) => t.style.fill);
    const light = inks();
    expect(light).toHaveLength(3);
    document.documentElement.dataset.theme = 'dark';
    await nextTask();
    expect(inks()).not.toEqual(light);
    style.remove();
  });
});
