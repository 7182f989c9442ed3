import { displayToken } from '../../lab/tokenizers/char';
import { numberFormat } from './format';
import { type ValueScale, valueColour } from './valueColour';

/** A text to colour character by character. */
export interface ColouredTextData {
  /** The text's characters (code points), every one, those the model left out included. */
  chars: readonly string[];
  /** Per character, the value its background shows (NaN: none, e.g. a character not read). */
  values?: ArrayLike<number>;
  scale?: ValueScale;
  /**
   * Per character, a second series in [0, 1] drawn as an underline of that strength (a text
   * property to compare the colours with); none if omitted.
   */
  marks?: ArrayLike<number>;
  /** Indices of characters the model did not read: struck through, uncoloured. */
  skipped?: readonly number[];
}

export interface ColouredTextOptions {
  /** The accessible name of the text, e.g. "The text coloured by unit 17". */
  label: string;
  /** The tooltip of a character left out, e.g. "not in the model's vocabulary: left out". */
  skippedTitle: string;
  locale?: string;
}

/**
 * A text with each character's background coloured by a value (Karpathy's figures of LSTM cells
 * in "The unreasonable effectiveness of recurrent neural networks"), lines kept as written;
 * characters the model did not read struck through. Each character's value is its tooltip; the
 * widget gives the table alternative.
 */
export class ColouredTextView {
  readonly #opts: ColouredTextOptions;
  readonly #root: HTMLParagraphElement;

  constructor(container: HTMLElement, opts: ColouredTextOptions) {
    this.#opts = opts;
    this.#root = container.ownerDocument.createElement('p');
    this.#root.className = 'coloured-text';
    this.#root.setAttribute('aria-label', opts.label);
    container.append(this.#root);
  }

  get element(): HTMLElement {
    return this.#root;
  }

  update(data: ColouredTextData, label = this.#opts.label): void {
    const doc = this.#root.ownerDocument;
    const skipped = new Set(data.skipped ?? []);
    const number = numberFormat(this.#opts.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.#root.setAttribute('aria-label', label);
    this.#root.replaceChildren(
      ...data.chars.flatMap((char, i) => {
        if (skipped.has(i)) {
          const s = doc.createElement('s');
          s.className = 'char-skipped';
          s.textContent = char;
          s.title = this.#opts.skippedTitle;
          return [s];
        }
        const span = doc.createElement('span');
        // A newline shows as ⏎ and breaks the line; a space keeps its width.
        span.textContent = char === '\n' ? displayToken(char) : char;
        const value = data.values?.[i];
        if (value !== undefined && data.scale) {
          span.style.setProperty('--cell', valueColour(value, data.scale));
          if (Number.isFinite(value)) span.title = number.format(value);
        }
        const mark = data.marks?.[i];
        if (mark !== undefined && mark > 0) span.style.setProperty('--mark', `${Math.round(100 * Math.min(1, mark))}%`);
        return char === '\n' ? [span, doc.createTextNode('\n')] : [span];
      }),
    );
  }

  reset(): void {
    this.#root.replaceChildren();
  }

  destroy(): void {
    this.#root.remove();
  }
}
