/**
 * A free text a widget keeps in the page URL beside its schema's settings (urlState.ts holds
 * numbers and choices only): `<prefix>.text=emma`. Any characters may come back from a link,
 * the model's unknown ones included (the widget marks them); only the length is bounded, so a
 * doctored link cannot ask a view to draw thousands of columns.
 */

/** A text read from the URL: the value to use, and whether the link's text was cut to fit. */
export interface UrlText {
  value: string;
  cut: boolean;
}

/** Splits into code points (so a character outside the BMP counts once and is never halved). */
export function codePoints(text: string): string[] {
  return [...text];
}

/** The text of `param` in `search`, at most `max` characters; `fallback` when the URL has none. */
export function readUrlText(search: string, param: string, fallback: string, max: number): UrlText {
  const given = new URLSearchParams(search).get(param);
  if (given === null) return { value: fallback, cut: false };
  const chars = codePoints(given);
  return { value: chars.slice(0, max).join(''), cut: chars.length > max };
}

/** Writes `value` as `param` into the current URL (left out when it is `fallback`), other parameters untouched. */
export function writeUrlText(param: string, value: string, fallback: string): void {
  const params = new URLSearchParams(location.search);
  if (value === fallback) params.delete(param);
  else params.set(param, value);
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}
