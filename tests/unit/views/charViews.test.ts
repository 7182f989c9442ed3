// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CharStripView } from '../../../src/views/charStrip';
import { ColouredTextView } from '../../../src/views/colouredText';
import { absMax, strength, valueColour } from '../../../src/views/valueColour';

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => container.remove());

describe('valueColour', () => {
  it('grows a gate from transparent to the strongest blue; signs a cell blue or red; paints nothing for NaN', () => {
    expect(valueColour(0, { type: 'unit' })).toBe('color-mix(in srgb, var(--chart-1) 0%, transparent)');
    expect(valueColour(1, { type: 'unit' })).toBe('color-mix(in srgb, var(--chart-1) 70%, transparent)');
    expect(valueColour(-2, { type: 'diverging', max: 4 })).toBe('color-mix(in srgb, var(--chart-2) 35%, transparent)');
    expect(valueColour(9, { type: 'diverging', max: 4 })).toBe('color-mix(in srgb, var(--chart-1) 70%, transparent)');
    expect(strength(NaN, { type: 'unit' })).toBe(0);
    expect(strength(1, { type: 'diverging', max: 0 })).toBe(0);
    expect(absMax([1, -3, NaN, 2])).toBe(3);
    expect(absMax([], 0.5)).toBe(0.5);
  });
});

describe('CharStripView', () => {
  it('is a table: the characters read head the columns, one row per series, each value read out', () => {
    const view = new CharStripView(container, { caption: 'c', corner: 'gate', locale: 'en' });
    view.update({ chars: ['a', ' ', '\n'], rows: [{ label: 'input i', values: [0.5, 1, 0], scale: { type: 'unit' } }, { label: 'cell c', values: [-1, 0.25, NaN], scale: { type: 'diverging', max: 1 } }] }, 'Unit 7');
    const table = container.querySelector('table')!;
    expect(table.caption!.textContent).toBe('Unit 7');
    expect([...table.querySelectorAll('thead th')].map((c) => c.textContent)).toEqual(['gate', 'a', '␣', '⏎']);
    const body = [...table.querySelectorAll('tbody tr')];
    expect(body).toHaveLength(2);
    expect(body[0]!.querySelector('th')!.getAttribute('scope')).toBe('row');
    expect(body[0]!.querySelector('th')!.textContent).toBe('input i');
    expect([...body[1]!.querySelectorAll('td')].map((c) => c.textContent)).toEqual(['-1.00', '0.25', '–']);
    expect((body[0]!.querySelector('td') as HTMLElement).style.getPropertyValue('--cell')).toBe('color-mix(in srgb, var(--chart-1) 35%, transparent)');
    expect(container.querySelector('.char-strip')!.getAttribute('aria-label')).toBe('Unit 7');
    view.reset();
    expect(container.querySelectorAll('td')).toHaveLength(0);
  });
});

describe('ColouredTextView', () => {
  it('colours every character read, strikes those left out, keeps lines, underlines the marks', () => {
    const view = new ColouredTextView(container, { label: 'x', skippedTitle: 'left out', locale: 'en' });
    view.update({ chars: ['a', 'é', '\n', 'b'], values: [1, NaN, -0.5, 0], scale: { type: 'diverging', max: 1 }, marks: [0, 0, 1, 0.5], skipped: [1] });
    const root = container.querySelector('.coloured-text')!;
    expect(root.textContent).toBe('aé⏎\nb');
    expect(root.querySelector('s')!.textContent).toBe('é');
    expect(root.querySelector('s')!.getAttribute('title')).toBe('left out');
    const spans = root.querySelectorAll('span');
    expect(spans).toHaveLength(3);
    expect(spans[0]!.getAttribute('title')).toBe('1.00');
    expect(spans[1]!.style.getPropertyValue('--cell')).toBe('color-mix(in srgb, var(--chart-2) 35%, transparent)');
    expect(spans[1]!.style.getPropertyValue('--mark')).toBe('100%');
    expect(spans[2]!.style.getPropertyValue('--mark')).toBe('50%');
    expect(spans[0]!.style.getPropertyValue('--mark')).toBe('');
  });
});
