import { describe, expect, it } from 'vitest';
import { coerce, defaults, plainDecimal, readState, withDefaults, writeState, type Notice, type Schema } from '../../../src/widgets/urlState';
import { RECIPE_SCHEMA } from '../../../src/widgets/recipeSchema';
import { TRAINER_SCHEMA } from '../../../src/widgets/trainerSchema';
import { Rng } from '../../../lab/rng';

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

  it('rounds a fractional int to the nearest, with a range notice', () => {
    expect(read('w.n=3.4')).toEqual({ values: { ...defaults(schema), n: 3 }, notices: [{ param: 'w.n', given: '3.4', used: '3', reason: 'range' }] });
    expect(read('w.n=3.5').values.n).toBe(4);
    expect(read('w.n=9.9').notices).toEqual([{ param: 'w.n', given: '9.9', used: '5', reason: 'range' }]);
    expect(read('w.n=4.0')).toEqual({ values: { ...defaults(schema), n: 4 }, notices: [] }); // exactly an int
  });

  it('reads plain decimals only', () => {
    for (const given of ['3', '03', '-0', '0.25', '1.50', '-0.5']) {
      const { values, notices } = readState({ x: { kind: 'float', default: 9, min: -1, max: 5 } }, new URLSearchParams({ 'w.x': given }), 'w');
      expect(notices, given).toEqual([]);
      expect(values.x, given).toBe(Number(given));
    }
  });

  it.each(['0x3', '0b11', '0o3', '3e0', '1e3', '1E3', '+4', ' 5', '5 ', '4\t', '.5', '5.', '-', '-.5', '1,5', '1_000', 'Infinity', '-Infinity', 'NaN', '', '３', '٣', '2.5.1', '--1'])(
    'ignores the non-plain number %j with an invalid notice',
    (given) => {
      const { values, notices } = readState(schema, new URLSearchParams({ 'w.n': given, 'w.temp': given }), 'w');
      expect(values).toEqual(defaults(schema));
      expect(notices).toEqual([
        { param: 'w.n', given, used: '2', reason: 'invalid' },
        { param: 'w.temp', given, used: '1', reason: 'invalid' },
      ]);
    },
  );

  it('treats a value typed into a control as a URL value', () => {
    expect(coerce(schema.n, '4')).toBe(4);
    expect(coerce(schema.n, '7')).toBe(5);
    expect(coerce(schema.n, '0x4')).toBe(2);
    expect(coerce(schema.temp, '1e0')).toBe(1);
    expect(coerce(schema.data, 'tinyshakespeare')).toBe('tinyshakespeare');
  });

  it('writes every number as a plain decimal, so that it reads back', () => {
    expect(plainDecimal(0.5)).toBe('0.5');
    expect(plainDecimal(-3)).toBe('-3');
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(-2.25e-10)).toBe('-0.000000000225');
    expect(plainDecimal(1.5e21)).toBe('1500000000000000000000');
    const tiny = { x: { kind: 'float', default: 1, min: 0, max: 1 } } as const;
    const random = new Rng(5);
    for (let i = 0; i < 1000; i++) {
      const x = random.next() * 10 ** -random.int(30);
      const params = new URLSearchParams();
      writeState(tiny, { x }, params, 'w');
      expect(readState(tiny, params, 'w'), params.toString()).toEqual({ values: { x }, notices: [] });
    }
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

/** The seed of the fuzz test's query strings: a failure names its case, and the same seed redraws it. */
const FUZZ_SEED = 20_261_129;
const FUZZ_CASES = 10_000;

/** Pieces a hostile or broken link is made of. */
const NASTY_PIECES = [
  '%', '%%', '%2', '%ZZ', '%E0%A4%A', '%E0%A4', '%C0%80', '%FF%FE', '%ED%A0%80', '%00', '%25', '%26', '%3D', '%2B', '+', '&', '=', '==', '&&', '#', '?',
  '0x10', '1e3', '1e999', '-1e-999', '+4', ' 5', '5 ', '.5', '5.', 'Infinity', '-Infinity', 'NaN', '-0', '00', '3.4', '-7', '99999999999999999999', '1_000', '３',
  '\u0000', '\ud800', '\udfff', '\ud83d\ude00', '字', 'é', '\u202e', '\ufeff', '<script>', 'names', 'adam', 'wasm', 'names-mlp',
] as const;

/** Schemas of every kind, the real trainers' among them; a negative range checks the minus sign. */
const FUZZ_SCHEMAS: Record<string, Schema> = {
  w: { ...schema, shift: { kind: 'float', default: 0, min: -5, max: 5 }, seed: { kind: 'int', default: 1, min: 0, max: 999_999 } },
  train: TRAINER_SCHEMA,
  race: RECIPE_SCHEMA,
};
const FUZZ_KEYS = Object.entries(FUZZ_SCHEMAS).flatMap(([prefix, s]) => Object.keys(s).map((key) => `${prefix}.${key}`));

/** One random query string: known keys (repeated, too) and stray ones, with values of random bytes, percent escapes, unicode or great length. */
function randomQuery(random: Rng): string {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
  const randomText = (): string => {
    const parts: string[] = [];
    const n = random.int(8);
    for (let i = 0; i < n; i++) {
      switch (random.int(5)) {
        case 0:
          parts.push(pick(NASTY_PIECES));
          break;
        case 1: // any byte as a character
          parts.push(String.fromCharCode(random.int(256)));
          break;
        case 2: // any UTF-16 code unit, lone surrogates included
          parts.push(String.fromCharCode(random.int(0x10000)));
          break;
        case 3: // a percent escape, well-formed or not
          parts.push(`%${random.int(256).toString(16).padStart(random.int(3), '0')}`);
          break;
        default:
          parts.push(String(Math.round((random.next() - 0.3) * 10 ** random.int(8)) / 10 ** random.int(4)));
      }
    }
    if (random.int(50) === 0) parts.push(pick(NASTY_PIECES).repeat(1 + random.int(20_000)));
    return parts.join('');
  };
  const pairs: string[] = [];
  const n = random.int(12);
  for (let i = 0; i < n; i++) {
    const key = random.int(4) === 0 ? randomText() : pick(FUZZ_KEYS);
    pairs.push(random.int(10) === 0 ? key : `${key}=${randomText()}`);
  }
  return `${random.int(2) ? '?' : ''}${pairs.join(pick(['&', '&', '&&', ';']))}`;
}

/** What is wrong with a state read from `params`, as sentences; empty when every value lies within its field. */
function violations(fields: Schema, params: URLSearchParams, prefix: string, state: { values: Record<string, number | string>; notices: Notice[] }): string[] {
  const problems: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const param = `${prefix}.${key}`;
    const value = state.values[key];
    if (field.kind === 'enum') {
      if (!field.options.includes(value as string)) problems.push(`${param}: ${String(value)} is no option`);
    } else if (typeof value !== 'number' || !(value >= field.min && value <= field.max)) problems.push(`${param}: ${String(value)} is out of bounds`);
    else if (field.kind === 'int' && !Number.isInteger(value)) problems.push(`${param}: ${value} is not an int`);
    // Used without a notice only when the link spelled exactly that value, as a plain decimal for numbers.
    const given = params.get(param);
    if (given === null || state.notices.some((n) => n.param === param)) continue;
    const spelled = field.kind === 'enum' ? given === value : /^-?[0-9]+(\.[0-9]+)?$/.test(given) && Number(given) === value;
    if (!spelled) problems.push(`${param}: ${JSON.stringify(given)} was read as ${String(value)} without a notice`);
  }
  for (const notice of state.notices) {
    const used = state.values[notice.param.slice(prefix.length + 1)];
    if (!notice.param.startsWith(`${prefix}.`) || notice.used !== String(used)) problems.push(`${notice.param}: the notice names ${notice.used}, the value is ${String(used)}`);
    if (notice.given.length > 64) problems.push(`${notice.param}: the notice repeats ${notice.given.length} characters`);
  }
  return problems;
}

describe('URL state under fuzzing', () => {
  it(`reads ${FUZZ_CASES.toLocaleString('en')} random query strings (seed ${FUZZ_SEED}) without throwing, every value within its field`, () => {
    const random = new Rng(FUZZ_SEED);
    const failures: string[] = [];
    let notices = 0;
    for (let i = 0; i < FUZZ_CASES; i++) {
      const query = randomQuery(random);
      const params = new URLSearchParams(query);
      for (const [prefix, fields] of Object.entries(FUZZ_SCHEMAS)) {
        const state = readState(fields, params, prefix);
        notices += state.notices.length;
        for (const problem of violations(fields, params, prefix, state)) failures.push(`case ${i} ${JSON.stringify(query.slice(0, 200))}: ${problem}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The generator did reach the fields: most cases named a known key with a bad value.
    expect(notices).toBeGreaterThan(FUZZ_CASES);
  });
});

describe('an instance\u2019s defaults', () => {
  it('replace the schema\u2019s where they are values of the field, an enum\u2019s as a string or a number', () => {
    const enums = { steps: { kind: 'enum', default: '300', options: ['100', '300', '1000'] } } as const;
    expect(defaults(withDefaults(schema, { n: 4, temp: 0.5, data: 'tinyshakespeare' }))).toEqual({ n: 4, temp: 0.5, data: 'tinyshakespeare' });
    expect(defaults(withDefaults(enums, { steps: 1000 }))).toEqual({ steps: '1000' });
  });

  it('are ignored where they are not, and the schema is left as it was', () => {
    const copy = JSON.stringify(schema);
    expect(defaults(withDefaults(schema, { n: 9, temp: '0.5', data: 'klingon', other: 1 }))).toEqual(defaults(schema));
    expect(defaults(withDefaults(schema, { n: 2.5, temp: Number.NaN }))).toEqual(defaults(schema));
    expect(JSON.stringify(schema)).toBe(copy);
  });

  it('are what the URL leaves out', () => {
    const mine = withDefaults(schema, { n: 4 });
    const params = new URLSearchParams();
    writeState(mine, { n: 4, temp: 1, data: 'names' }, params, 'w');
    expect(params.toString()).toBe('');
    writeState(mine, { n: 2, temp: 1, data: 'names' }, params, 'w');
    expect(params.toString()).toBe('w.n=2');
    expect(readState(mine, params, 'w').values.n).toBe(2);
  });
});
