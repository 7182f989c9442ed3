// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nearestInDirection } from '../../../src/views/nearest';
import { ScatterView, type ScatterPoint, type ScatterViewOptions } from '../../../src/views/scatterView';
import { easeDomain } from '../../../src/views/smoothDomain';

const labels = {
  readout: '{label} at ({x}, {y})',
  readoutEmpty: 'Point at a letter.',
  aria: '{count} letters at step {step}.',
  grid: 'Embedding: arrow keys move, Escape clears',
  tableSummary: 'Table',
  colLabel: 'Letter',
  colX: 'x',
  colY: 'y',
};

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

function make(opts: Partial<ScatterViewOptions> = {}): ScatterView {
  return new ScatterView(container, { labels, locale: 'en', width: 640, duration: 0, ...opts });
}
const plot = () => container.querySelector<HTMLElement>('[tabindex="0"]')!;
const key = (k: string) => plot().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
const mark = (id: number) => container.querySelector<SVGGElement>(`g.scatter-point[data-id="${id}"]`)!;
const at = (id: number) => mark(id).getAttribute('transform')!.match(/translate\(([-\d.]+) ([-\d.]+)\)/)!.slice(1).map(Number) as [number, number];

/** A plus sign: a centre and one point each way. */
const plus: ScatterPoint[] = [
  { id: 0, label: 'o', x: 0, y: 0 },
  { id: 1, label: 'r', x: 1, y: 0 },
  { id: 2, label: 'u', x: 0, y: 1 },
  { id: 3, label: 'l', x: -1, y: 0.1 },
  { id: 4, label: 'd', x: 0.1, y: -2 },
];

describe('ScatterView', () => {
  it('draws x and y at the same scale, whatever the spread of each', () => {
    make().update([
      { id: 0, label: 'a', x: 0, y: 0 },
      { id: 1, label: 'b', x: 10, y: 1 },
    ]);
    const [ax, ay] = at(0);
    const [bx, by] = at(1);
    // 10 units across take ten times the pixels of 1 unit up (SVG y grows downward).
    expect((bx - ax) / (ay - by)).toBeCloseTo(10, 0);
  });

  it('matches points by id across updates and drops the missing ones', () => {
    const view = make();
    view.update(plus, { step: 0 });
    const node = mark(1);
    const before = at(1);
    view.update([{ ...plus[1]!, x: -1 }, plus[0]!, plus[3]!], { step: 10 });
    expect(mark(1)).toBe(node); // the same element moved
    expect(at(1)[0]).toBeLessThan(before[0]);
    expect(container.querySelectorAll('g.scatter-point')).toHaveLength(3);
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('3 letters at step 10.');
  });

  it('moves with the arrow keys to the nearest point that way, and Escape clears', () => {
    const onActivePoint = vi.fn();
    const view = make({ onActivePoint });
    view.update(plus);
    plot().dispatchEvent(new FocusEvent('focus'));
    expect(view.activePoint).toBe(0);
    expect(container.querySelector('[aria-live="polite"]')!.textContent).toBe('o at (0.00, 0.00)');
    key('ArrowRight');
    expect(view.activePoint).toBe(1);
    key('ArrowRight'); // nothing further right
    expect(view.activePoint).toBe(1);
    key('ArrowLeft');
    expect(view.activePoint).toBe(0);
    key('ArrowLeft');
    expect(view.activePoint).toBe(3);
    key('ArrowRight');
    key('ArrowDown');
    expect(view.activePoint).toBe(4);
    expect(key('Escape')).toBe(false);
    expect(view.activePoint).toBeNull();
    expect(onActivePoint.mock.calls.map((c) => c[0])).toEqual([0, 1, 0, 3, 0, 4, null]);
  });

  it('picks a point on hover and marks highlighted neighbours', () => {
    const view = make();
    view.update(plus);
    const events: unknown[] = [];
    container.addEventListener('activepoint', (e) => events.push((e as CustomEvent).detail));
    mark(2).querySelector('text')!.dispatchEvent(new Event('pointerover', { bubbles: true }));
    expect(view.activePoint).toBe(2);
    expect(events).toEqual([{ id: 2 }]);
    view.highlight([0, 1]);
    expect(Array.from(container.querySelectorAll('.scatter-highlight'), (g) => g.getAttribute('data-id'))).toEqual(['0', '1']);
    expect(container.querySelectorAll('.scatter-links line')).toHaveLength(2);
  });

  it('lists the points in its table', () => {
    make().update(plus.slice(0, 2));
    const rows = Array.from(container.querySelectorAll('tbody tr'), (tr) => Array.from(tr.children, (c) => c.textContent));
    expect(rows).toEqual([
      ['o', '0.000', '0.000'],
      ['r', '1.000', '0.000'],
    ]);
  });

  it('shows every label of a small set and hides overlapping small labels of a large one', () => {
    const hidden = () => container.querySelectorAll('.scatter-label[display="none"]').length;
    make().update(plus);
    expect(hidden()).toBe(0);
    container.replaceChildren();
    // 300 Chinese characters crowded into a small disc.
    const points = Array.from({ length: 300 }, (_, i) => ({ id: i, label: String.fromCodePoint(0x4e00 + i), x: Math.cos(i) * (i % 17), y: Math.sin(i) * (i % 13), emphasis: i < 5 }));
    make().update(points);
    expect(hidden()).toBeGreaterThan(0);
    expect(hidden()).toBeLessThan(300);
    for (let id = 0; id < 5; id++) expect(mark(id).querySelector('text')!.getAttribute('display')).toBeNull();
  });
});

describe('nearestInDirection', () => {
  it('prefers a point straight ahead over a nearer one far aside', () => {
    const points = [
      { x: 0, y: 0 },
      { x: 10, y: 8 },
      { x: 14, y: 0 },
    ];
    expect(nearestInDirection(points, 0, 'right')).toBe(2);
    expect(nearestInDirection(points, 0, 'left')).toBe(-1);
    expect(nearestInDirection(points, 2, 'down')).toBe(1);
  });
});

describe('easeDomain', () => {
  it('grows at once and shrinks a quarter of the way', () => {
    expect(easeDomain(undefined, [0, 1])).toEqual([0, 1]);
    expect(easeDomain([0, 1], [-1, 2])).toEqual([-1, 2]);
    expect(easeDomain([0, 1], [0.4, 0.6])).toEqual([0.1, 0.9]);
  });
});
