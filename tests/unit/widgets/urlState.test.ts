import { describe, expect, it } from 'vitest';
import { defaults, readState, writeState } from '../../../src/widgets/urlState';
import { TRAINER_SCHEMA } from '../../../src/widgets/trainerSchema';

const schema = {
  n: { kind: 'int', default: 2, min: 1, max: 5 },
  temp: { kind: 'float', default: 1, min: 0, max: 2 },
  data: { kind: 'enum', default: 'names', options: ['names', 'tinyshakespeare'] },
} as const;

const read = (query: string) => readState(schema, new URLSearchParams(query), 'w');

describe('URL state', () => {
  it('reads valid values and keeps defaults for the rest', () => {
    const { values, notices } = read('w.n=4&w.data=tinyshakespeare&other.n=9');
    expect(values).toEqual({ n: 4, temp: 1, data: 'tinyshakespeare' });
    expect(notices).toEqual([]);
  });

  it('clamps numbers out of range with a notice', () => {
    const { values, notices } = read('w.n=99&w.temp=-3');
    expect(values.n).toBe(5);
    expect(values.temp).toBe(0);
    expect(notices).toEqual([
      { param: 'w.n', given: '99', used: '5', reason: 'range' },
      { param: 'w.temp', given: '-3', used: '0', reason: 'range' },
    ]);
  });

  it('ignores malformed values with a notice, never throwing', () => {
    const { values, notices } = read('w.n=abc&w.temp=&w.data=%3Cscript%3E&w.n=1e999');
    expect(values).toEqual(defaults(schema));
    expect(notices.map((n) => n.reason)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(() => read('w.n=' + 'x'.repeat(100_000))).not.toThrow();
    expect(read('w.n=' + '9'.repeat(100)).notices[0]!.given.length).toBeLessThanOrEqual(64);
  });

  it('rounds a fractional int', () => {
    expect(read('w.n=3.4').values.n).toBe(3);
  });

  it('writes only non-default values and leaves other widgets alone', () => {
    const params = new URLSearchParams('other.x=1&w.n=3');
    writeState(schema, { n: 2, temp: 0.5, data: 'names' }, params, 'w');
    expect(params.toString()).toBe('other.x=1&w.temp=0.5');
  });

  it('round-trips the trainer settings, seed included', () => {
    const values = { ...defaults(TRAINER_SCHEMA), seed: 1234, lr: '0.3', backend: 'wasm' };
    const params = new URLSearchParams();
    writeState(TRAINER_SCHEMA, values, params, 'train');
    expect(readState(TRAINER_SCHEMA, params, 'train')).toEqual({ values, notices: [] });
  });
});
