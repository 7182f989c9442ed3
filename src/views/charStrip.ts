import { displayToken } from '../../lab/tokenizers/char';
import { numberFormat } from './format';
import { type ValueScale, valueColour } from './valueColour';

/** One row of a strip: a value per column, painted on its scale. */
export interface StripRow {
  label: string;
  values: ArrayLike<number>;
  scale: ValueScale;
}

/** Columns headed by the characters read, and rows of values under them. */
export interface CharStripData {
  /** The characters heading the columns, as read (a newline shows as ⏎, a space as ␣). */
  chars: readonly string[];
  rows: readonly StripRow[];
}

export interface CharStripOptions {
  /** The table's caption (visible): what the rows are, e.g. "Unit 17 at each character". */
  caption: string;
  /** The corner cell's header, over the row labels. */
  corner: string;
  /** BCP 47 tag for the numbers read out, e.g. `en`. */
  locale?: string;
}

/**
 * Values shown as coloured cells under the characters they belong to: a real table (one column
 * per character, one row per series), so a screen reader reads every value with its character
 * and row, while the eye reads the colours. Wider than its container (a long text on a phone),
 * it scrolls sideways inside its own box, never the page.
 */
export class CharStripView {
  readonly #opts: CharStripOptions;
  readonly #box: HTMLDivElement;
  readonly #table: HTMLTableElement;

  constructor(container: HTMLElement, opts: CharStripOptions) {
    this.#opts = opts;
    const doc = container.ownerDocument;
    this.#box = doc.createElement('div');
    this.#box.className = 'char-strip';
    // A box that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
    this.#box.tabIndex = 0;
    this.#box.setAttribute('role', 'region');
    this.#box.setAttribute('aria-label', opts.caption);
    this.#table = doc.createElement('table');
    this.#box.append(this.#table);
    container.append(this.#box);
  }

  /** The view's root element. */
  get element(): HTMLElement {
    return this.#box;
  }

  /** Draws the strip; `caption` replaces the options' caption. */
  update(data: CharStripData, caption = this.#opts.caption): void {
    const doc = this.#table.ownerDocument;
    const number = numberFormat(this.#opts.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const cap = doc.createElement('caption');
    cap.textContent = caption;
    this.#box.setAttribute('aria-label', caption);
    const head = doc.createElement('tr');
    head.append(headerCell(doc, this.#opts.corner, 'col'), ...data.chars.map((c) => headerCell(doc, displayToken(c), 'col')));
    const body = doc.createElement('tbody');
    for (const row of data.rows) {
      const tr = doc.createElement('tr');
      tr.append(headerCell(doc, row.label, 'row'));
      data.chars.forEach((_, t) => {
        const td = doc.createElement('td');
        const value = row.values[t] ?? NaN;
        td.style.setProperty('--cell', valueColour(value, row.scale));
        // The number is there for screen readers and the tooltip; the eye reads the colour.
        const text = Number.isFinite(value) ? number.format(value) : '–';
        td.title = text;
        const hidden = doc.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = text;
        td.append(hidden);
        tr.append(td);
      });
      body.append(tr);
    }
    const thead = doc.createElement('thead');
    thead.append(head);
    this.#table.replaceChildren(cap, thead, body);
  }

  /** Back to empty. */
  reset(): void {
    this.#table.replaceChildren();
  }

  destroy(): void {
    this.#box.remove();
  }
}

function headerCell(doc: Document, text: string, scope: 'col' | 'row'): HTMLTableCellElement {
  const th = doc.createElement('th');
  th.scope = scope;
  th.textContent = text;
  return th;
}
