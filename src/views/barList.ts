import { fillTemplate, formatProbability } from './format';

/** One entry of a distribution: a token as shown, and its probability. */
export interface BarItem {
  label: string;
  value: number;
}

/** Every string the view shows of its own; the page passes them in its language. */
export interface BarListLabels {
  /** The table's caption (says what the distribution is of). Placeholders are the caller's, filled before. */
  caption: string;
  /** Column headers: the token, its bar (visually hidden header), its probability. */
  colLabel: string;
  colBar: string;
  colValue: string;
  /** Shown instead of the table while there is nothing to show. */
  empty: string;
  /** The rest of the distribution, when the list is a top-k: placeholder `{value}`. Omit to show no such row. */
  rest?: string;
}

export interface BarListOptions {
  labels: BarListLabels;
  /** BCP 47 tag for number formatting. */
  locale?: string;
  /** How a value is written; default {@link formatProbability}. */
  format?: (value: number) => string;
  /** The value of a full bar; default 1 (probabilities). The longest bar is then as long as its share. */
  max?: number;
}

/**
 * A distribution as a list of bars: one row per token, its label, a bar as long as its
 * probability and the probability as a number. The list *is* an HTML table (caption, column
 * headers, one row per token), so a screen reader reads it as data and nothing is drawn in SVG:
 * the bars are styled cells (`.bar-list-bar`, its fill in `--chart-1`). The next-character
 * distribution of a model, a sampler's choices: any short list of probabilities.
 */
export class BarListView {
  readonly #opts: BarListOptions;
  readonly #root: HTMLElement;
  readonly #table: HTMLTableElement;
  readonly #empty: HTMLParagraphElement;

  constructor(container: HTMLElement, opts: BarListOptions) {
    this.#opts = opts;
    const doc = container.ownerDocument;
    this.#root = doc.createElement('div');
    this.#root.className = 'bar-list';
    this.#empty = doc.createElement('p');
    this.#empty.className = 'bar-list-empty';
    this.#empty.textContent = opts.labels.empty;
    this.#table = doc.createElement('table');
    this.#table.className = 'bar-list-table';
    this.#table.createCaption();
    const head = this.#table.createTHead().insertRow();
    const { colLabel, colBar, colValue } = opts.labels;
    for (const [text, className] of [
      [colLabel, 'bar-list-label'],
      [colBar, 'bar-list-bar-head'],
      [colValue, 'bar-list-value'],
    ] as const) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.className = className;
      th.textContent = text;
      head.append(th);
    }
    this.#table.createTBody();
    this.#root.append(this.#empty, this.#table);
    container.append(this.#root);
    this.reset();
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#root;
  }

  /** Shows `items` in the order given (a top-k comes sorted), under `caption` if given, else the labels' caption. */
  update(items: readonly BarItem[], caption?: string): void {
    const { labels, max = 1 } = this.#opts;
    const format = this.#opts.format ?? ((v: number) => formatProbability(v, this.#opts.locale));
    this.#table.caption!.textContent = caption ?? labels.caption;
    const body = this.#table.tBodies[0]!;
    const doc = body.ownerDocument;
    const rows = items.map((item) => {
      const tr = doc.createElement('tr');
      const th = doc.createElement('th');
      th.scope = 'row';
      th.className = 'bar-list-label';
      th.textContent = item.label;
      const barCell = doc.createElement('td');
      barCell.className = 'bar-list-track';
      // The bar repeats the number beside it: hidden from the accessibility tree.
      barCell.setAttribute('aria-hidden', 'true');
      const bar = doc.createElement('span');
      bar.className = 'bar-list-bar';
      bar.style.width = `${(100 * clamp01(item.value / max)).toFixed(1)}%`;
      barCell.append(bar);
      const value = doc.createElement('td');
      value.className = 'bar-list-value';
      value.textContent = format(item.value);
      tr.append(th, barCell, value);
      return tr;
    });
    const shown = items.reduce((s, i) => s + i.value, 0);
    if (labels.rest && max === 1 && items.length > 0 && 1 - shown > 0) {
      const tr = doc.createElement('tr');
      tr.className = 'bar-list-rest';
      const td = doc.createElement('td');
      td.colSpan = 3;
      td.textContent = fillTemplate(labels.rest, { value: format(1 - shown) });
      tr.append(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    const empty = items.length === 0;
    this.#empty.hidden = !empty;
    this.#table.hidden = empty;
  }

  /** Back to the empty state. */
  reset(): void {
    this.update([]);
  }

  /** Removes the view from the page. */
  destroy(): void {
    this.#root.remove();
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
