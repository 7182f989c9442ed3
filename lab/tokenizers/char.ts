/**
 * Character-level tokenizer: one token per Unicode code point, ids in sorted order.
 *
 * Id 0 is always the boundary token `\n`, which ends a line. Line data sets (names, poems)
 * wrap each example in it, as makemore wraps each name in '.', so that one id means both
 * "start of an example" and "end of an example"; in running text (Shakespeare) it is simply
 * the newline character.
 */
export class CharTokenizer {
  /** The boundary token: start and end of an example, and the newline of running text. */
  static readonly BOUNDARY = '\n';
  /** Id of the boundary token. */
  static readonly BOUNDARY_ID = 0;
  /** Characters by id; `chars[0]` is the boundary. */
  readonly chars: readonly string[];
  readonly #ids: Map<string, number>;

  private constructor(chars: string[]) {
    this.chars = chars;
    this.#ids = new Map(chars.map((c, i) => [c, i]));
  }

  /** Builds the vocabulary of every distinct character in `text`, plus the boundary. */
  static fromText(text: string): CharTokenizer {
    const set = new Set<string>(Array.from(text));
    set.delete(CharTokenizer.BOUNDARY);
    const sorted = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new CharTokenizer([CharTokenizer.BOUNDARY, ...sorted]);
  }

  /** Restores a tokenizer from its `chars` (e.g. from a checkpoint). */
  static fromChars(chars: readonly string[]): CharTokenizer {
    if (chars[0] !== CharTokenizer.BOUNDARY) throw new Error('chars[0] must be the boundary token');
    return new CharTokenizer([...chars]);
  }

  /** Number of distinct tokens, the boundary included. */
  get vocabSize(): number {
    return this.chars.length;
  }

  /** Ids of `text`; throws on a character outside the vocabulary. */
  encode(text: string): number[] {
    return Array.from(text, (c) => {
      const id = this.#ids.get(c);
      if (id === undefined) throw new Error(`character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    });
  }

  /** Whether every character of `text` is in the vocabulary. */
  covers(text: string): boolean {
    return Array.from(text).every((c) => this.#ids.has(c));
  }

  /** Text of `ids`. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? '';
    return s;
  }
}

/** How a token is shown in a chart label: the boundary as '⏎', a space as '␣'. */
export function displayToken(char: string): string {
  if (char === CharTokenizer.BOUNDARY) return '⏎';
  if (char === ' ') return '␣';
  if (char === '\t') return '⇥';
  return char;
}
