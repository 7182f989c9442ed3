// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NumberTableView } from '../../../src/views/numberTable';

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

/** Rows of a section as cell lists (queried, not `rows`: happy-dom does not keep that live). */
const cellsOf = (section: Element | null | undefined) => Array.from(section!.querySelectorAll('tr'), (tr) => Array.from(tr.children) as HTMLElement[]);

const data = {
  caption: 'Query and keys',
  corner: 'channel',
  columns: [{ label: 'q', sub: '2', title: 'the query of position 2', emphasis: 'key' as const }, { label: 'a', sub: '0' }, { label: 'b', sub: '1' }, { label: 'c', sub: '2', emphasis: 'muted' as const }],
  groups: [
    { scale: { type: 'diverging' as const, max: 2 }, rows: [{ label: '0', cells: [{ text: '1.00', value: 1 }, { text: '-2.00', value: -2 }, { text: '0.00', value: 0 }, { text: '0.50', value: 0.5 }] }] },
    { className: 'steps-rows', rows: [{ label: 'w', cells: [{ text: '' }, { text: '0.250', bar: 0.25 }, { text: '0.750', bar: 0.75 }, { text: '0', bar: 0 }] }] },
  ],
};

describe('NumberTableView', () => {
  it('writes every number under its column, a row header first, one body per group', () => {
    new NumberTableView(container).update(data);
    const table = container.querySelector('table')!;
    expect(table.caption!.textContent).toBe('Query and keys');
    // Written again above the scrolling box, for the eye only: readers have the caption.
    expect(container.querySelector('.number-table-title')!.textContent).toBe('Query and keys');
    expect(container.querySelector('.number-table-title')!.getAttribute('aria-hidden')).toBe('true');
    expect(cellsOf(table.querySelector('thead'))[0]!.map((c) => c.textContent)).toEqual(['channel', 'q2', 'a0', 'b1', 'c2']);
    expect(table.querySelectorAll('tbody')).toHaveLength(2);
    expect(cellsOf(table.querySelectorAll('tbody')[0])[0]!.map((c) => c.textContent)).toEqual(['0', '1.00', '-2.00', '0.00', '0.50']);
    expect(table.querySelectorAll('tbody')[1]!.className).toBe('steps-rows');
    expect(table.querySelectorAll('th[scope="row"]')).toHaveLength(2);
    expect(cellsOf(table.querySelector('thead'))[0]![1]!.getAttribute('aria-label')).toBe('the query of position 2');
  });

  it('paints values on the group’s scale, sign by hue, and draws bars under probabilities, hidden from readers', () => {
    new NumberTableView(container).update(data);
    const cells = cellsOf(container.querySelector('tbody'))[0]!;
    expect(cells[1]!.style.getPropertyValue('--cell')).toContain('var(--chart-1) 35%');
    expect(cells[2]!.style.getPropertyValue('--cell')).toContain('var(--chart-2) 70%');
    const bars = Array.from(container.querySelectorAll<HTMLElement>('.number-table-bar'));
    expect(bars.map((b) => b.style.width)).toEqual(['25.0%', '75.0%', '0.0%']);
    expect(bars.every((b) => b.getAttribute('aria-hidden') === 'true')).toBe(true);
    expect(cellsOf(container.querySelectorAll('tbody')[1])[0]![1]!.style.getPropertyValue('--cell')).toBe('');
  });

  it('marks the stressed and muted columns in header and cells, and scrolls in a labelled, focusable region', () => {
    new NumberTableView(container).update(data);
    expect(container.querySelectorAll('.number-table--key')).toHaveLength(3);
    expect(container.querySelectorAll('.number-table--muted')).toHaveLength(3);
    const region = container.querySelector<HTMLElement>('.number-table-wrap')!;
    expect(region.getAttribute('role')).toBe('region');
    expect(region.getAttribute('aria-label')).toBe('Query and keys');
    expect(region.tabIndex).toBe(0);
  });

  it('replaces everything on update, and leaves the page on destroy', () => {
    const view = new NumberTableView(container);
    view.update(data);
    view.update({ ...data, groups: [data.groups[1]!] });
    expect(container.querySelectorAll('tbody')).toHaveLength(1);
    view.destroy();
    expect(container.children).toHaveLength(0);
  });
});
