import { describe, expect, it } from 'vitest';
import { GATE_KEYS, gateProbes, isGatedCell, textInput, unitRows, varyingUnits } from '../../../src/widgets/gateProbes';
import { parseUnitsFile } from '../../../src/widgets/lstmUnitsFile';
import shipped from '../../../public/checkpoints/tinyshakespeare-lstm.units.json';

describe('the gate strips probes', () => {
  it('ask for every gate of the cell, and the LSTM cell, of the one text read', () => {
    expect(Object.keys(gateProbes('lstm'))).toEqual(['lstm.gate.input', 'lstm.gate.forget', 'lstm.gate.output', 'lstm.cell']);
    expect(gateProbes('gru')['gru.gate.reset']).toEqual({ key: 'gru.gate.reset', as: 'raw', index: [0] });
    expect(GATE_KEYS.gru).toHaveLength(2);
    expect(isGatedCell('rnn')).toBe(false);
    expect(textInput('ab')).toEqual({ text: 'ab', unknown: 'skip' });
  });

  // (T = 3, N = 4): unit 0 constant, unit 1 spans 2, unit 2 spans 0.5, unit 3 spans 3.
  const values = [0, 0, 0, 1, 0, 1, 0.5, -1, 0, -1, 0, 2];

  it('pick the units that vary most along the text, in index order', () => {
    expect(varyingUnits(values, 3, 4, 2)).toEqual([1, 3]);
    expect(varyingUnits(values, 3, 4, 3)).toEqual([1, 2, 3]);
    expect(varyingUnits(values, 3, 4, 9)).toEqual([0, 1, 2, 3]);
    // One position: the largest |value|.
    expect(varyingUnits([0.1, -0.9, 0.5], 1, 3, 1)).toEqual([1]);
  });

  it('transpose the chosen units to rows of positions', () => {
    expect(Array.from(unitRows(values, 3, 4, [3, 1]))).toEqual([1, -1, 2, 0, 1, -1]);
  });
});

describe('the units file', () => {
  it('reads the shipped file: units with a property, a key and r, best |r| first, and its excerpt', () => {
    const page = parseUnitsFile(shipped);
    expect(page.checkpoint).toBe('tinyshakespeare-lstm');
    expect(page.units.length).toBeGreaterThanOrEqual(5);
    const rs = page.units.map((u) => Math.abs(u.r));
    expect(rs).toEqual([...rs].sort((a, b) => b - a));
    expect(page.units[0]).toMatchObject({ property: 'linePosition', key: 'lstm.cell' });
    expect(page.units[0]!.r).toBeGreaterThan(0.8);
    expect(page.excerpt.length).toBeGreaterThan(300);
    expect(parseUnitsFile(JSON.parse(JSON.stringify(page)))).toEqual(page);
  });

  it('refuses a file that is not one', () => {
    expect(() => parseUnitsFile({ checkpoint: 'x', units: [{ property: 'nope', key: 'lstm.cell', unit: 1, r: 0.5 }], excerpt: '', chars: 1 })).toThrow('not one scripts/lstm-units.ts wrote');
    expect(() => parseUnitsFile(null)).toThrow();
  });
});
