// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarListView } from '../../../src/views/barList';

const labels = { caption: 'Next character', colLabel: 'Character', colBar: 'Share', colValue: 'Probability', empty: 'Pick a column.', rest: 'All others: {value}' };

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

const rows = () => Array.from(container.querySelectorAll('tbody tr:not(.bar-list-rest)'));
const widths = () => Array.from(container.querySelectorAll<HTMLElement>('.bar-list-bar'), (b) => b.style.width);

describe('BarListView', () => {
  it('starts empty, with its hint and no table', () => {
    new BarListView(container, { labels, locale: 'en' });
    expect(container.querySelector('.bar-list-empty')!.hasAttribute('hidden')).toBe(false);
    expect(container.querySelector('table')!.hidden).toBe(true);
  });

  it('draws one row per item: label, a bar as long as its probability, the number', () => {
    const view = new BarListView(container, { labels, locale: 'en' });
    view.update([
      { label: 'a', value: 0.5 },
      { label: 'e', value: 0.25 },
      { label: '.', value: 0.0004 },
    ]);
    expect(rows().map((r) => Array.from(r.children, (c) => c.textContent))).toEqual([
      ['a', '', '0.500'],
      ['e', '', '0.250'],
      ['.', '', '0.0004'],
    ]);
    expect(widths()).toEqual(['50.0%', '25.0%', '0.0%']);
    expect(container.querySelector('caption')!.textContent).toBe('Next character');
    expect(container.querySelector('.bar-list-rest')!.textContent).toBe('All others: 0.250');
    // Row headers and column headers make it a data table; the bars are left out of the accessibility tree.
    expect(container.querySelectorAll('thead th[scope="col"]')).toHaveLength(3);
    expect(container.querySelectorAll('tbody th[scope="row"]')).toHaveLength(3);
    expect(Array.from(container.querySelectorAll('.bar-list-track'), (c) => c.getAttribute('aria-hidden'))).toEqual(['true', 'true', 'true']);
  });

  it('takes a caption per update, formats in the page locale, and clamps bars', () => {
    const view = new BarListView(container, { labels, locale: 'zh-CN', max: 2, format: (v) => v.toFixed(1) });
    view.update([{ label: 'x', value: 3 }], 'After “em”');
    expect(container.querySelector('caption')!.textContent).toBe('After “em”');
    expect(widths()).toEqual(['100.0%']);
    expect(rows()[0]!.lastElementChild!.textContent).toBe('3.0');
    // A rest row only makes sense for probabilities (max 1).
    expect(container.querySelector('.bar-list-rest')).toBeNull();
  });

  it('reset empties it again; destroy removes it', () => {
    const view = new BarListView(container, { labels });
    view.update([{ label: 'a', value: 1 }]);
    expect(container.querySelector('.bar-list-rest')).toBeNull();
    view.reset();
    expect(rows()).toHaveLength(0);
    expect(container.querySelector('table')!.hidden).toBe(true);
    view.destroy();
    expect(container.children).toHaveLength(0);
  });
});
