/**
 * Readable properties of a text, one number per character: what a unit of a recurrent network
 * may be found to track (Karpathy's "unreasonable effectiveness" cells: inside a quotation, the
 * position in the line). Each sequence describes the text as it stands once its character has
 * been read, so it lines up with the state h_t a model holds after reading character t.
 * Characters are code points (`Array.from(text)`), as a snapshot's `ReadText.chars` counts them.
 */

/** The properties {@link textProperties} computes, in the order they are listed. */
export const TEXT_PROPERTIES = [
  'linePosition',
  'lineStart',
  'speakerLine',
  'inWord',
  'wordPosition',
  'uppercase',
  'vowel',
  'space',
  'punctuation',
  'quote',
  'paren',
] as const;

/**
 * What each property is, per character:
 * - `linePosition`: characters of the current line read so far (a newline resets it to 0, the
 *   line's first character is 1);
 * - `lineStart`: 1 on a newline (a new line begins), else 0;
 * - `speakerLine`: 1 on every character of a speaker's name line (a play's `ROMEO:` or `First
 *   Citizen:`: a whole line of a capitalised name and a colon, its newline excluded);
 * - `inWord`: 1 on a letter, or an apostrophe between two letters (`call'd`);
 * - `wordPosition`: the character's place in its word (1 for the first letter), 0 outside words;
 * - `uppercase`: 1 on an uppercase letter;
 * - `vowel`: 1 on a, e, i, o, u in either case;
 * - `space`: 1 on a space or tab;
 * - `punctuation`: 1 on a punctuation mark (Unicode class P, an in-word apostrophe too);
 * - `quote`: 1 inside a quotation, its marks included: "…", “…”, 「…」, or '…' opened by an
 *   apostrophe after a space or a line's start and before a letter, closed by one after a
 *   non-space and before a non-letter (so `call'd` neither opens nor closes one; Shakespeare's
 *   elisions such as `'tis` do open one, which a blank line ends: the rule is a guess);
 * - `paren`: 1 inside parentheses or brackets, the marks included (nesting counted).
 */
export type TextProperty = (typeof TEXT_PROPERTIES)[number];

/** Every property's sequence for a text, each as long as the text's code points. */
export type PropertySequences = Record<TextProperty, Float64Array>;

const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
const PUNCTUATION = /\p{P}/u;
const VOWEL = /[aeiou]/i;
/** A speaker's name line of a play: a capitalised name (letters, spaces, apostrophes) and a colon. */
const SPEAKER = /^\p{Lu}[\p{L}' ]*:$/u;
/** Double quotation marks, opening → closing. */
const DOUBLE_QUOTES: Readonly<Record<string, string>> = { '"': '"', '“': '”', '「': '」', '『': '』' };
const OPEN_PARENS = new Set(['(', '[', '（', '【']);
const CLOSE_PARENS = new Set([')', ']', '）', '】']);

/** Whether `c` is a letter. */
function isLetter(c: string | undefined): boolean {
  return c !== undefined && LETTER.test(c);
}

/** Every property of {@link TEXT_PROPERTIES} for `text`, one number per code point. */
export function textProperties(text: string): PropertySequences {
  const chars = Array.from(text);
  const n = chars.length;
  const out = Object.fromEntries(TEXT_PROPERTIES.map((p) => [p, new Float64Array(n)])) as PropertySequences;
  let column = 0;
  let word = 0;
  for (let i = 0; i < n; i++) {
    const c = chars[i]!;
    const apostropheInWord = c === "'" && isLetter(chars[i - 1]) && isLetter(chars[i + 1]);
    column = c === '\n' ? 0 : column + 1;
    word = isLetter(c) || apostropheInWord ? word + 1 : 0;
    out.linePosition[i] = column;
    out.lineStart[i] = c === '\n' ? 1 : 0;
    out.inWord[i] = word > 0 ? 1 : 0;
    out.wordPosition[i] = word;
    out.uppercase[i] = UPPER.test(c) ? 1 : 0;
    out.vowel[i] = VOWEL.test(c) ? 1 : 0;
    out.space[i] = c === ' ' || c === '\t' ? 1 : 0;
    out.punctuation[i] = PUNCTUATION.test(c) ? 1 : 0;
  }
  markSpeakerLines(chars, out.speakerLine);
  markQuotes(chars, out.quote);
  markParens(chars, out.paren);
  return out;
}

/** Sets 1 on the characters of every line that is a speaker's name. */
function markSpeakerLines(chars: readonly string[], into: Float64Array): void {
  let start = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && chars[i] !== '\n') continue;
    if (SPEAKER.test(chars.slice(start, i).join(''))) into.fill(1, start, i);
    start = i + 1;
  }
}

/** Sets 1 inside quotations, their marks included (see {@link TextProperty}). */
function markQuotes(chars: readonly string[], into: Float64Array): void {
  let closer: string | undefined;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (closer === undefined) {
      const single = c === "'" && (i === 0 || /\s/.test(chars[i - 1]!)) && isLetter(chars[i + 1]);
      if (DOUBLE_QUOTES[c] !== undefined || single) {
        closer = DOUBLE_QUOTES[c] ?? "'";
        into[i] = 1;
      }
      continue;
    }
    into[i] = 1;
    const blankLine = c === '\n' && chars[i - 1] === '\n';
    const closes = closer === "'" ? c === "'" && !isLetter(chars[i + 1]) && !/\s/.test(chars[i - 1] ?? ' ') : c === closer;
    if (blankLine) into[i] = 0;
    if (closes || blankLine) closer = undefined;
  }
}

/** Sets 1 inside parentheses and brackets, their marks included. */
function markParens(chars: readonly string[], into: Float64Array): void {
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (OPEN_PARENS.has(c)) depth += 1;
    into[i] = depth > 0 ? 1 : 0;
    if (CLOSE_PARENS.has(c)) depth = Math.max(0, depth - 1);
  }
}
