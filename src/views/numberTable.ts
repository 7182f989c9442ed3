import './views.css';
import { type ValueScale, valueColour } from './valueColour';

/** A column of the table: its header, and how it stands out. */
export interface NumberColumn {
  /** The header (a character, "q", "Σ w v"). */
  label: string;
  /** A second, smaller line of the header (the position), if any. */
  sub?: string;
  /** Spoken instead of label and sub, when they alone would not say what the column is. */
  title?: string;
  /** `key`: the column the view is about (the query, the sum); `muted`: one that takes no part (a masked position). */
  emphasis?: 'key' | 'muted';
}

/** One cell: the number as written, and what paints it. */
export interface NumberCell {
  text: string;
  /** Paints the background on the group's scale; none for a cell left plain. */
  value?: number;
  /** A bar under the number, as long as this share of the cell (0 to 1): a probability. */
  bar?: number;
}

/** One row: its header and a cell per column (an empty cell: `{ text: '' }`). */
export interface NumberRow {
  label: string;
  cells: NumberCell[];
}

/** Rows that share a colour scale, drawn as one `<tbody>` (the channels of the vectors; the steps under them). */
export interface NumberGroup {
  rows: NumberRow[];
  /** How `value` paints; plain cells without it. */
  scale?: ValueScale;
  /** A class for the group's `<tbody>`, for the page's styles. */
  className?: string;
}

/** What the table shows. */
export interface NumberTableData {
  caption: string;
  /** The header of the row headers' column. */
  corner: string;
  columns: NumberColumn[];
  groups: NumberGroup[];
}

/**
 * Numbers as an HTML table: columns under their headers (a text's characters), rows in groups
 * with a colour scale each (a value's sign and size painted behind it, valueColour.ts), a bar
 * under a probability, some columns stressed or muted. The numbers are the text of the cells, so
 * the table is its own text alternative; it scrolls sideways in a focusable region when wider
 * than the page, its row headers staying in view.
 */
export class NumberTableView {
  readonly #root: HTMLElement;
  readonly #table: HTMLTableElement;

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.#root = doc.createElement('div');
    this.#root.className = 'number-table-wrap';
    // A region that scrolls must be reachable by keyboard to be scrolled without a mouse.
    this.#root.tabIndex = 0;
    this.#root.setAttribute('role', 'region');
    this.#table = doc.createElement('table');
    this.#table.className = 'number-table';
    this.#root.append(this.#table);
    container.append(this.#root);
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#root;
  }

  update(data: NumberTableData): void {
    const doc = this.#table.ownerDocument;
    const caption = doc.createElement('caption');
    caption.textContent = data.caption;
    this.#root.setAttribute('aria-label', data.caption);
    const head = doc.createElement('thead');
    const headRow = head.insertRow();
    headRow.append(headerCell(doc, 'col', data.corner));
    for (const column of data.columns) {
      const th = headerCell(doc, 'col', column.label);
      if (column.sub !== undefined) {
        const sub = doc.createElement('span');
        sub.className = 'number-table-sub';
        sub.textContent = column.sub;
        th.append(sub);
      }
      if (column.title) th.setAttribute('aria-label', column.title);
      if (column.emphasis) th.classList.add(`number-table--${column.emphasis}`);
      headRow.append(th);
    }
    const bodies = data.groups.map((group) => {
      const body = doc.createElement('tbody');
      if (group.className) body.className = group.className;
      for (const row of group.rows) {
        const tr = body.insertRow();
        tr.append(headerCell(doc, 'row', row.label));
        row.cells.forEach((cell, i) => tr.append(dataCell(doc, cell, group.scale, data.columns[i]?.emphasis)));
      }
      return body;
    });
    this.#table.replaceChildren(caption, head, ...bodies);
  }

  /** Empties the table. */
  reset(): void {
    this.#table.replaceChildren();
  }

  /** Removes the view from the page. */
  destroy(): void {
    this.#root.remove();
  }
}

function headerCell(doc: Document, scope: 'col' | 'row', text: string): HTMLTableCellElement {
  const th = doc.createElement('th');
  th.scope = scope;
  th.textContent = text;
  return th;
}

function dataCell(doc: Document, cell: NumberCell, scale: ValueScale | undefined, emphasis: NumberColumn['emphasis']): HTMLTableCellElement {
  const td = doc.createElement('td');
  td.textContent = cell.text;
  if (emphasis) td.classList.add(`number-table--${emphasis}`);
  if (scale && cell.value !== undefined) td.style.background = valueColour(cell.value, scale);
  if (cell.bar !== undefined) {
    const bar = doc.createElement('span');
    bar.className = 'number-table-bar';
    // The bar repeats the number it sits under.
    bar.setAttribute('aria-hidden', 'true');
    bar.style.width = `${(100 * Math.min(1, Math.max(0, Number.isFinite(cell.bar) ? cell.bar : 0))).toFixed(1)}%`;
    td.append(bar);
  }
  return td;
}
