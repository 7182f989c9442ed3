/**
 * Every widget's settings, seed included, live in the page URL through one declarative table
 * per widget (TensorFlow Playground's idea): a link reproduces a run. Parameters are prefixed
 * with the widget's name (`train.lr=0.1`), so several widgets share one query string.
 */

/** One setting: its type, default and allowed values. */
export type Field =
  | { kind: 'int'; default: number; min: number; max: number }
  | { kind: 'float'; default: number; min: number; max: number }
  | { kind: 'enum'; default: string; options: readonly string[] };

/** A widget's table of settings, by short URL key. */
export type Schema = Record<string, Field>;

/** The values of a schema: numbers for int and float fields, strings for enums. */
export type Values<S extends Schema> = { [K in keyof S]: S[K] extends { kind: 'enum' } ? string : number };

/** Why a URL value was not used as given. */
export interface Notice {
  /** The full parameter name, e.g. `train.lr`. */
  param: string;
  /** The value in the URL. */
  given: string;
  /** The value used instead. */
  used: string;
  /** `range`: a number outside the allowed range, clamped; `invalid`: not a value of the field. */
  reason: 'range' | 'invalid';
}

/** Most characters of a URL value that are read; longer values are invalid. */
const MAX_VALUE_LENGTH = 64;

/**
 * The only spelling of a number a URL may use: an optional minus, digits, and optionally a point
 * followed by digits. `Number()` alone would also take `0x10`, `1e3`, `+4`, ` 5`, `Infinity`
 * and the empty string, so a mistyped or doctored link would run with a value nobody wrote.
 * `.5` and `5.` are refused too: the site never writes them (JavaScript prints `0.5` and `5`),
 * and a trailing point is more often a sentence's full stop caught in a pasted link than part
 * of the number, which the reader had better be told.
 */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** The defaults of a schema. */
export function defaults<S extends Schema>(schema: S): Values<S> {
  return Object.fromEntries(Object.entries(schema).map(([k, f]) => [k, f.default])) as Values<S>;
}

/**
 * Reads a widget's settings from URL parameters: values out of range are clamped, and an int
 * given with a fraction is rounded to the nearest (both a `range` notice: the nearest allowed
 * value is used, as for a clamp); values that are not values of the field, numbers included
 * that are not plain decimals, are ignored (the default is used, an `invalid` notice).
 * Never throws, whatever the URL holds.
 */
export function readState<S extends Schema>(schema: S, params: URLSearchParams, prefix: string): { values: Values<S>; notices: Notice[] } {
  const values = defaults(schema) as Record<string, number | string>;
  const notices: Notice[] = [];
  for (const [key, field] of Object.entries(schema)) {
    const param = `${prefix}.${key}`;
    const given = params.get(param);
    if (given === null) continue;
    const parsed = parseField(field, given);
    values[key] = parsed.value;
    if (parsed.reason) notices.push({ param, given: given.slice(0, MAX_VALUE_LENGTH), used: String(parsed.value), reason: parsed.reason });
  }
  return { values: values as Values<S>, notices };
}

/** One URL value read as `field` would read it: the value used, and why it is not the one given, if it is not. */
export function parseField(field: Field, given: string): { value: number | string; reason?: Notice['reason'] } {
  if (given.length > MAX_VALUE_LENGTH) return { value: field.default, reason: 'invalid' };
  if (field.kind === 'enum') {
    return field.options.includes(given) ? { value: given } : { value: field.default, reason: 'invalid' };
  }
  // At most 64 characters of plain decimal: always a finite number.
  if (!PLAIN_DECIMAL.test(given)) return { value: field.default, reason: 'invalid' };
  const number = Number(given);
  const whole = field.kind === 'int' ? Math.round(number) : number;
  const clamped = Math.min(field.max, Math.max(field.min, whole));
  return clamped === number ? { value: clamped } : { value: clamped, reason: 'range' };
}

/**
 * Writes a widget's settings into URL parameters, leaving out defaults so links stay short,
 * and leaving other widgets' parameters alone.
 */
export function writeState<S extends Schema>(schema: S, values: Values<S>, params: URLSearchParams, prefix: string): void {
  for (const [key, field] of Object.entries(schema)) {
    const value = (values as Record<string, number | string>)[key];
    const param = `${prefix}.${key}`;
    if (value === undefined || value === field.default) params.delete(param);
    else params.set(param, typeof value === 'number' ? plainDecimal(value) : value);
  }
}

/**
 * A number in the URL's only spelling ({@link PLAIN_DECIMAL}): JavaScript prints numbers below
 * 1e-6 or from 1e21 up with an exponent (`1e-7`), which `readState` would refuse; here the
 * point is moved instead, so every value written reads back. Expects a finite number.
 */
export function plainDecimal(x: number): string {
  const text = String(x);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(text);
  if (!exponent) return text;
  const [, sign, lead, fraction = '', power] = exponent;
  const digits = `${lead}${fraction}`;
  const point = 1 + Number(power); // where the decimal point falls among `digits`
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
}

/** Clamps or rejects one value as {@link readState} would, for values typed into a control. */
export function coerce(field: Field, given: string): number | string {
  return parseField(field, given).value;
}

/**
 * `schema` with its defaults replaced by those of `overrides` that are values of the field (an
 * enum's option, as a string or a number: `{ steps: 1000 }`; a number in range, whole for an
 * int); others are ignored. A widget instance whose page gives it other defaults
 * (`data-defaults`) reads and writes its URL against these, so its link stays short and still
 * reproduces the run.
 */
export function withDefaults<S extends Schema>(schema: S, overrides: Readonly<Record<string, unknown>>): S {
  const fields: Record<string, Field> = { ...schema };
  for (const [key, given] of Object.entries(overrides)) {
    const field = schema[key];
    const value = field && valueOf(field, given);
    if (field && value !== undefined) fields[key] = { ...field, default: value } as Field;
  }
  return fields as S;
}

/** `given` as a value of `field`, or undefined when it is not exactly one (no clamping: a page's defaults are written by hand and should be right). */
function valueOf(field: Field, given: unknown): number | string | undefined {
  if (field.kind === 'enum') return (typeof given === 'string' || typeof given === 'number') && field.options.includes(String(given)) ? String(given) : undefined;
  if (typeof given !== 'number' || !Number.isFinite(given) || given < field.min || given > field.max) return undefined;
  return field.kind === 'float' || Number.isInteger(given) ? given : undefined;
}
