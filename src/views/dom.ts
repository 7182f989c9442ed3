/** Small DOM helpers shared by the chart views: the table alternative and width tracking. */

/** The text alternative every view renders next to its SVG: a closed `<details>` with a table. */
export interface DataTable {
  details: HTMLDetailsElement;
  summary: HTMLElement;
  table: HTMLTableElement;
  caption: HTMLTableCaptionElement;
  thead: HTMLTableSectionElement;
  tbody: HTMLTableSectionElement;
  tfoot: HTMLTableSectionElement;
}

export function createDataTable(doc: Document, summaryText: string, columns: string[]): DataTable {
  const details = doc.createElement('details');
  details.className = 'chart-data';
  const summary = doc.createElement('summary');
  summary.textContent = summaryText;
  const table = doc.createElement('table');
  table.className = 'data-table';
  const caption = table.createCaption();
  const thead = table.createTHead();
  const head = thead.insertRow();
  for (const column of columns) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = column;
    head.append(th);
  }
  const tbody = table.createTBody();
  const tfoot = table.createTFoot();
  details.append(summary, table);
  return { details, summary, table, caption, thead, tbody, tfoot };
}

/** Replaces the table's column headers where they differ from `columns` (a table whose columns follow the data). */
export function setColumns(table: DataTable, columns: readonly string[]): void {
  const head = table.thead.querySelector('tr') ?? table.thead.insertRow();
  const current = Array.from(head.children, (th) => th.textContent);
  if (current.length === columns.length && current.every((text, i) => text === columns[i])) return;
  head.replaceChildren(
    ...columns.map((text) => {
      const th = head.ownerDocument.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      return th;
    }),
  );
}

/** Replaces a table section's rows; the first cell of each row is a row header. */
export function setRows(section: HTMLTableSectionElement, rows: readonly (readonly string[])[]): void {
  const doc = section.ownerDocument;
  const fragment = doc.createDocumentFragment();
  for (const cells of rows) {
    const tr = doc.createElement('tr');
    cells.forEach((text, i) => {
      const cell = doc.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (cell as HTMLTableCellElement).scope = 'row';
      cell.textContent = text;
      tr.append(cell);
    });
    fragment.append(tr);
  }
  section.replaceChildren(fragment);
}

/** The container's content width in CSS pixels, or `fallback` where layout is unknown (Node, hidden). */
export function measureWidth(el: HTMLElement, fallback: number): number {
  const width = el.clientWidth;
  return width > 0 ? width : fallback;
}

/**
 * Calls `onChange` with the element's width when it changes by a pixel or more (and once when
 * observation starts; the view ignores a width it already has). Returns the disconnect
 * function. Where `ResizeObserver` is missing the view keeps the layout of its first draw: its
 * SVG still scales through the viewBox.
 */
export function observeWidth(el: HTMLElement, onChange: (width: number) => void): () => void {
  if (typeof ResizeObserver === 'undefined') return () => undefined;
  let last = -1;
  const observer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[entries.length - 1]?.contentRect.width ?? 0);
    // A hidden container reports 0: keep the old layout rather than collapsing to nothing.
    if (width <= 0 || Math.abs(width - last) < 1) return;
    last = width;
    onChange(width);
  });
  observer.observe(el);
  return () => observer.disconnect();
}

/** Approximate rendered width of a label: CJK and other wide characters take about 1em. */
export function textWidth(text: string, fontSize: number): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    width += code >= 0x1100 && (code <= 0x115f || (code >= 0x2e80 && code <= 0xffdc)) ? fontSize : fontSize * 0.62;
  }
  return width;
}
