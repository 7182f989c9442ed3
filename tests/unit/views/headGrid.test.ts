// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AttentionColours, cellColour, paintPixels, weightStrength } from '../../../src/views/attentionPaint';
import { AttentionMatrixView } from '../../../src/views/attentionMatrix';
import { HeadGridView } from '../../../src/views/headGrid';

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

const colours: AttentionColours = { ink: [0, 0, 255], paper: [255, 255, 255], masked: [200, 200, 200], text: '#000', muted: '#666' };
/** Row t of a causal 3 × 3 attention: uniform over keys 0..t. */
const uniform = new Float32Array([1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);

describe('painting attention', () => {
  it('shades a weight by its square root, the masked future in the mask colour', () => {
    expect(weightStrength(0.25)).toBe(0.5);
    expect(weightStrength(NaN)).toBe(0);
    expect(cellColour(1, false, colours)).toEqual([0, 0, 255]);
    expect(cellColour(0, false, colours)).toEqual([255, 255, 255]);
    expect(cellColour(1, true, colours)).toEqual([200, 200, 200]);
    const image = { data: new Uint8ClampedArray(9 * 4), width: 3, height: 3 } as ImageData;
    paintPixels(image, uniform, 3, colours);
    expect([...image.data.slice(0, 4)]).toEqual([0, 0, 255, 255]); // (0, 0): all the weight
    expect([...image.data.slice(4, 8)]).toEqual([200, 200, 200, 255]); // (0, 1): masked
  });
});

describe('the grid of heads', () => {
  const labels = { layer: 'Layer {layer}', head: 'Head {head}', grid: 'Every head', empty: 'Nothing yet' };
  const data = { layers: 2, heads: 3, size: 3, matrix: () => uniform, caption: (l: number, h: number) => `c${l}${h}`, describe: (l: number, h: number) => `layer ${l} head ${h}` };

  it('has one button per head in one tab stop, moved by the arrow keys, and opens a head on click', () => {
    const opened: number[][] = [];
    const grid = new HeadGridView(container, { labels, onOpen: (l, h) => opened.push([l, h]) });
    grid.update(data);
    const buttons = [...container.querySelectorAll<HTMLButtonElement>('button.head-grid-head')];
    expect(buttons).toHaveLength(6);
    expect(buttons.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    expect(buttons[4]!.getAttribute('aria-label')).toBe('layer 1 head 1');
    expect(buttons[4]!.textContent).toBe('c11');
    buttons[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    buttons[3]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(buttons[5]!.tabIndex).toBe(0);
    buttons[5]!.click();
    expect(opened).toEqual([[1, 2]]);
    grid.select([1, 2]);
    expect(buttons[5]!.getAttribute('aria-pressed')).toBe('true');
    grid.destroy();
  });
});

describe('an enlarged head', () => {
  it('reads out the active cell, stays in the causal triangle, and lists where each query’s weight goes', () => {
    const view = new AttentionMatrixView(container, {
      locale: 'en',
      labels: { readoutEmpty: 'none', readout: '{query}@{t} → {key}@{j}: {weight}', grid: '{title}', rows: 'q', cols: 'k', tableSummary: 'table', colPosition: 'pos', colQuery: 'query', colTop: 'top', topEntry: '{key}({j}) {weight}' },
    });
    view.update({ title: 'L0 H0', tokens: ['a', 'b', 'c'], values: uniform });
    const plot = container.querySelector<HTMLElement>('[role="application"]')!;
    expect(plot.getAttribute('aria-label')).toBe('L0 H0');
    view.setActive(1, 2);
    expect(view.active).toEqual([1, 1]);
    expect(container.querySelector('.chart-readout')!.textContent).toBe('b@1 → b@1: 0.500');
    plot.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    plot.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    expect(view.active).toEqual([2, 0]);
    const rows = [...container.querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows[0]).toBe('0aa(0) 1.000');
    expect(rows[1]).toBe('1ba(0) 0.500, b(1) 0.500');
    view.destroy();
  });
});
