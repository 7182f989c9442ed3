import { select, type Selection } from 'd3';
import { createDataTable, measureWidth, observeWidth, setRows, textWidth, type DataTable } from './dom';
import { composite, readableInk, toHex } from './contrast';
import { fillTemplate, formatCompactCount, formatCount, formatProbability, MISSING } from './format';
import { backdropOf, observeTheme, paintOf } from './themeColors';

/** A square (or rectangular) matrix of counts: rows are the previous token, columns the next. */
export interface HeatmapData {
  /** Row tokens as they should be shown (the page maps `\n` to `↵` and so on). */
  rowLabels: string[];
  /** Column tokens as they should be shown. */
  colLabels: string[];
  /** `values[row][col]`: how often `colLabels[col]` followed `rowLabels[row]`. */
  values: number[][];
  /** Sum of each full row, the denominator of P(next | previous); may exceed the visible cells' sum. */
  rowTotals: number[];
}

/** Every string the heatmap shows; the page passes them in its language. */
export interface HeatmapLabels {
  /** The readout for the active cell. Placeholders: `{prev}`, `{next}`, `{count}`, `{p}`. */
  readout: string;
  /** The readout while no cell is active. */
  readoutEmpty: string;
  /** The `<summary>` of the table alternative, e.g. "Show the data as a table". */
  tableSummary: string;
  /** The table's caption, e.g. "The most frequent pairs"; the matrix size is appended. */
  tableCaption: string;
  /**
   * The matrix size, appended to the caption in parentheses. Placeholders: `{rows}`, `{cols}`.
   * Omitted when not given (a page that already prints the size elsewhere needn't repeat it).
   */
  tableSize?: string;
  /** Column headers of the table, also the axis titles of the grid unless `axisRows`/`axisCols` are given. */
  colPrev: string;
  colNext: string;
  colCount: string;
  colP: string;
  /** The SVG's accessible name. Placeholders: `{size}`, `{rows}`, `{cols}`, `{top}` (e.g. `n → .`), `{topCount}`. */
  aria: string;
  /** The accessible name of the focusable grid; defaults to the filled `aria`. Say the arrow keys work here. */
  grid?: string;
  /** The accessible name while there is no data; defaults to `readoutEmpty`. */
  empty?: string;
  /** Axis title beside the rows (rotated); defaults to `colPrev`. */
  axisRows?: string;
  /** Axis title above the columns; defaults to `colNext`. */
  axisCols?: string;
}

export interface HeatmapOptions {
  /** BCP 47 tag for number formatting, e.g. `en` or `zh-CN`. */
  locale?: string;
  labels: HeatmapLabels;
  /** Overrides the SVG's accessible name computed from `labels.aria`. */
  describe?: (data: HeatmapData) => string;
  /** Called when the active cell changes (keyboard, hover, tap or `setActiveCell`). */
  onActiveCell?: (row: number, col: number) => void;
  /** How many of the most frequent pairs the table lists. Default 50. */
  tableRows?: number;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Largest cell side in CSS pixels, so a 27 × 27 grid doesn't fill a whole screen. Default 32. */
  maxCell?: number;
  /** Smallest cell side; below it the grid scrolls sideways instead of shrinking. Default 10. */
  minCell?: number;
}

/** Detail of the `activecell` event the view's root element dispatches (it bubbles). */
export interface ActiveCellDetail {
  row: number;
  col: number;
}

/** Cells at least this big (CSS px) show their count. */
const COUNT_MIN_CELL = 18;
/** Rows moved by PageUp / PageDown. */
const PAGE_ROWS = 5;

interface Layout {
  width: number;
  height: number;
  left: number;
  top: number;
  cell: number;
  labelFont: number;
  /** The narrowest the SVG may be drawn before it scrolls sideways. */
  minWidth: number;
}

interface Cell {
  row: number;
  col: number;
  value: number;
  /** Fill opacity in [0, 1]: log1p(count) relative to the largest count. */
  t: number;
}

/**
 * A count matrix drawn as a grid of cells shaded by log(1 + count). The grid is one tab stop; the
 * arrow keys (Home/End, Ctrl+Home/End, PageUp/PageDown) or the pointer move an active cell whose
 * count and probability the readout announces.
 */
export class HeatmapView {
  readonly #container: HTMLElement;
  readonly #opts: HeatmapOptions;
  readonly #root: HTMLDivElement;
  readonly #readout: HTMLParagraphElement;
  readonly #scroll: HTMLDivElement;
  readonly #grid: HTMLDivElement;
  readonly #tip: HTMLDivElement;
  readonly #svg: Selection<SVGSVGElement, unknown, null, undefined>;
  readonly #table: DataTable;
  readonly #unobserve: () => void;
  readonly #unwatchTheme: () => void;
  #data: HeatmapData | undefined;
  #cells: Cell[] = [];
  #layout: Layout | undefined;
  #width: number;
  #active: ActiveCellDetail | null = null;
  /** Whether the floating tooltip shows: while the pointer is over the grid or it has focus. */
  #tipShown = false;

  constructor(container: HTMLElement, opts: HeatmapOptions) {
    this.#container = container;
    this.#opts = opts;
    const doc = container.ownerDocument;
    const { labels } = opts;

    this.#root = doc.createElement('div');
    this.#root.className = 'chart heatmap-view';

    this.#readout = doc.createElement('p');
    this.#readout.className = 'chart-readout';
    this.#readout.setAttribute('aria-live', 'polite');
    this.#readout.style.minHeight = '1.5em';
    this.#readout.style.fontVariantNumeric = 'tabular-nums';
    this.#readout.textContent = labels.readoutEmpty;

    this.#scroll = doc.createElement('div');
    this.#scroll.className = 'heatmap-scroll';
    this.#scroll.style.overflowX = 'auto';

    this.#grid = doc.createElement('div');
    this.#grid.className = 'heatmap-grid';
    this.#grid.tabIndex = 0;
    // One tab stop for hundreds of cells: the grid handles the arrow keys itself.
    this.#grid.setAttribute('role', 'application');
    this.#grid.style.touchAction = 'manipulation';
    this.#grid.style.position = 'relative';

    // The tooltip repeats the live readout next to the cell, for a grid taller than the screen;
    // screen readers get the readout only.
    this.#tip = doc.createElement('div');
    this.#tip.className = 'heatmap-tooltip';
    this.#tip.setAttribute('aria-hidden', 'true');
    Object.assign(this.#tip.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      pointerEvents: 'none',
      whiteSpace: 'nowrap',
      background: 'var(--bg)',
      color: 'var(--text)',
      border: '1px solid var(--chart-axis)',
      borderRadius: '4px',
      padding: '2px 6px',
      fontSize: '0.8125rem',
      fontVariantNumeric: 'tabular-nums',
      visibility: 'hidden',
    });

    this.#svg = select(this.#grid)
      .append('svg')
      .attr('role', 'img')
      .attr('xmlns', 'http://www.w3.org/2000/svg')
      .style('display', 'block')
      .style('width', '100%')
      .style('height', 'auto');
    this.#svg.append('g').attr('class', 'heatmap-titles');
    this.#svg.append('g').attr('class', 'heatmap-col-labels');
    this.#svg.append('g').attr('class', 'heatmap-row-labels');
    this.#svg.append('g').attr('class', 'heatmap-cells');
    this.#svg.append('g').attr('class', 'heatmap-counts').style('pointer-events', 'none');
    this.#svg
      .append('rect')
      .attr('class', 'heatmap-active')
      .style('fill', 'none')
      .style('stroke', 'var(--text)')
      .style('stroke-width', '2')
      .style('pointer-events', 'none')
      .attr('visibility', 'hidden');

    this.#table = createDataTable(doc, labels.tableSummary, [labels.colPrev, labels.colNext, labels.colCount, labels.colP]);

    this.#grid.append(this.#tip);
    this.#scroll.append(this.#grid);
    this.#root.append(this.#readout, this.#scroll, this.#table.details);
    container.append(this.#root);

    this.#grid.addEventListener('keydown', this.#onKey);
    this.#grid.addEventListener('focus', this.#onFocus);
    this.#grid.addEventListener('blur', this.#onLeave);
    this.#grid.addEventListener('pointerover', this.#onPointer);
    this.#grid.addEventListener('pointerleave', this.#onLeave);
    this.#grid.addEventListener('click', this.#onPointer);

    this.#width = measureWidth(container, opts.width ?? 640);
    this.#unobserve = observeWidth(container, (width) => {
      if (width === this.#width) return;
      this.#width = width;
      this.#render();
    });
    this.#unwatchTheme = observeTheme(doc, () => this.#colourCounts());
    this.#render();
  }

  /** The element the view appended to its container (the `activecell` event is dispatched here). */
  get element(): HTMLElement {
    return this.#root;
  }

  /** The active cell, or `null` before the reader points at one. */
  get activeCell(): ActiveCellDetail | null {
    return this.#active ? { ...this.#active } : null;
  }

  /** Draws a new matrix. The active cell is kept if the new matrix has the same size. */
  update(data: HeatmapData): void {
    const sameSize = this.#data && this.#data.rowLabels.length === data.rowLabels.length && this.#data.colLabels.length === data.colLabels.length;
    this.#data = data;
    if (!sameSize) this.#active = null;
    this.#cells = toCells(data);
    this.#render();
  }

  /** Back to the empty state: no cells, no active cell, an empty table. */
  reset(): void {
    this.#data = undefined;
    this.#cells = [];
    this.#active = null;
    this.#render();
  }

  /** Makes a cell active as if the reader had moved there (clamped to the matrix). */
  setActiveCell(row: number, col: number): void {
    if (!this.#data) return;
    const rows = this.#data.rowLabels.length;
    const cols = this.#data.colLabels.length;
    if (rows === 0 || cols === 0) return;
    const r = clamp(Math.round(row), 0, rows - 1);
    const c = clamp(Math.round(col), 0, cols - 1);
    if (this.#active && this.#active.row === r && this.#active.col === c) return;
    this.#active = { row: r, col: c };
    this.#drawActive();
    this.#scrollToActive();
    this.#opts.onActiveCell?.(r, c);
    this.#root.dispatchEvent(new CustomEvent<ActiveCellDetail>('activecell', { detail: { row: r, col: c }, bubbles: true }));
  }

  /** Removes the view and its listeners from the page. */
  destroy(): void {
    this.#unobserve();
    this.#unwatchTheme();
    this.#grid.removeEventListener('keydown', this.#onKey);
    this.#grid.removeEventListener('focus', this.#onFocus);
    this.#grid.removeEventListener('blur', this.#onLeave);
    this.#grid.removeEventListener('pointerover', this.#onPointer);
    this.#grid.removeEventListener('pointerleave', this.#onLeave);
    this.#grid.removeEventListener('click', this.#onPointer);
    this.#root.remove();
  }

  #onFocus = (): void => {
    this.#tipShown = true;
    if (!this.#active) this.setActiveCell(0, 0);
    else this.#drawActive();
  };

  #onLeave = (event: Event): void => {
    // The pointer leaving a focused grid keeps the tooltip; blurring it hides it.
    if (event.type === 'pointerleave' && this.#grid.ownerDocument.activeElement === this.#grid) return;
    this.#tipShown = false;
    this.#tip.style.visibility = 'hidden';
  };

  #onKey = (event: KeyboardEvent): void => {
    if (!this.#data || event.altKey || event.metaKey) return;
    const rows = this.#data.rowLabels.length;
    const cols = this.#data.colLabels.length;
    const { row, col } = this.#active ?? { row: 0, col: 0 };
    const moved = this.#active !== null;
    let next: [number, number] | undefined;
    switch (event.key) {
      case 'ArrowRight':
        next = [row, moved ? col + 1 : col];
        break;
      case 'ArrowLeft':
        next = [row, col - 1];
        break;
      case 'ArrowDown':
        next = [moved ? row + 1 : row, col];
        break;
      case 'ArrowUp':
        next = [row - 1, col];
        break;
      case 'Home':
        next = event.ctrlKey ? [0, 0] : [row, 0];
        break;
      case 'End':
        next = event.ctrlKey ? [rows - 1, cols - 1] : [row, cols - 1];
        break;
      case 'PageDown':
        next = [row + PAGE_ROWS, col];
        break;
      case 'PageUp':
        next = [row - PAGE_ROWS, col];
        break;
    }
    if (!next) return;
    event.preventDefault();
    this.setActiveCell(next[0], next[1]);
  };

  #onPointer = (event: Event): void => {
    const target = event.target as Element | null;
    const row = target?.getAttribute?.('data-row');
    const col = target?.getAttribute?.('data-col');
    if (row == null || col == null) return;
    this.#tipShown = true;
    this.setActiveCell(Number(row), Number(col));
  };

  #computeLayout(data: HeatmapData): Layout {
    const { maxCell = 32, minCell = 10 } = this.#opts;
    const rows = Math.max(1, data.rowLabels.length);
    const cols = Math.max(1, data.colLabels.length);
    const titleBand = 18;
    const pad = 4;
    // Label font from a first guess at the cell size, then room for the widest row label.
    const guess = clamp((this.#width - titleBand - 24 - pad) / cols, minCell, maxCell);
    const labelFont = clamp(guess * 0.85, 9, 12);
    const rowLabelWidth = Math.max(labelFont, ...data.rowLabels.map((l) => textWidth(l, labelFont))) + 6;
    const left = Math.ceil(titleBand + rowLabelWidth);
    const top = Math.ceil(titleBand + labelFont + 6);
    const cell = Math.max(minCell, Math.min(maxCell, Math.floor((this.#width - left - pad) / cols)));
    const width = left + cols * cell + pad;
    const height = top + rows * cell + pad;
    return { width, height, left, top, cell, labelFont, minWidth: left + cols * minCell + pad };
  }

  #render(): void {
    const { labels } = this.#opts;
    const data = this.#data;
    const svg = this.#svg;
    if (!data || data.rowLabels.length === 0 || data.colLabels.length === 0) {
      this.#layout = undefined;
      svg.attr('viewBox', '0 0 0 0').attr('aria-label', labels.empty ?? labels.readoutEmpty);
      svg.selectAll('g').selectAll('*').remove();
      svg.select('.heatmap-active').attr('visibility', 'hidden');
      this.#grid.setAttribute('aria-label', labels.empty ?? labels.readoutEmpty);
      this.#readout.textContent = labels.readoutEmpty;
      this.#table.caption.textContent = labels.tableCaption;
      setRows(this.#table.tbody, []);
      return;
    }

    const layout = this.#computeLayout(data);
    this.#layout = layout;
    const { left, top, cell, labelFont } = layout;
    svg
      .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
      .style('max-width', `${layout.width}px`)
      .style('min-width', `${Math.min(layout.width, layout.minWidth)}px`);

    const aria = this.#opts.describe?.(data) ?? this.#describe(data);
    svg.attr('aria-label', aria);
    this.#grid.setAttribute('aria-label', labels.grid ?? aria);

    // Axis titles: "next" above the column labels, "previous" rotated beside the row labels.
    const titles = svg.select('.heatmap-titles');
    titles.selectAll('*').remove();
    const gridWidth = data.colLabels.length * cell;
    const gridHeight = data.rowLabels.length * cell;
    titles
      .append('text')
      .attr('x', left + gridWidth / 2)
      .attr('y', 12)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .style('fill', 'var(--muted)')
      .text(`${labels.axisCols ?? labels.colNext} →`);
    titles
      .append('text')
      .attr('transform', `translate(12 ${top + gridHeight / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .style('fill', 'var(--muted)')
      .text(`${labels.axisRows ?? labels.colPrev} →`);

    svg
      .select('.heatmap-col-labels')
      .selectAll('text')
      .data(data.colLabels)
      .join('text')
      .attr('x', (_, i) => left + (i + 0.5) * cell)
      .attr('y', top - 5)
      .attr('text-anchor', 'middle')
      .attr('font-size', round1(labelFont))
      .style('fill', 'var(--muted)')
      .text((d) => d);
    svg
      .select('.heatmap-row-labels')
      .selectAll('text')
      .data(data.rowLabels)
      .join('text')
      .attr('x', left - 5)
      .attr('y', (_, i) => top + (i + 0.5) * cell)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', round1(labelFont))
      .style('fill', 'var(--muted)')
      .text((d) => d);

    // Empty cells show the grid colour so that zero reads differently from "rare".
    const stroke = cell >= 14 ? 1 : 0.5;
    const cellsGroup = svg.select('.heatmap-cells');
    cellsGroup.selectAll('.heatmap-bg').data([0]).join('rect')
      .attr('class', 'heatmap-bg')
      .attr('x', left)
      .attr('y', top)
      .attr('width', gridWidth)
      .attr('height', gridHeight)
      .style('fill', 'var(--chart-grid)')
      .style('fill-opacity', '0.3');
    cellsGroup
      .selectAll<SVGRectElement, Cell>('.heatmap-cell')
      .data(this.#cells)
      .join('rect')
      .attr('class', 'heatmap-cell')
      .attr('data-row', (d) => d.row)
      .attr('data-col', (d) => d.col)
      .attr('x', (d) => left + d.col * cell)
      .attr('y', (d) => top + d.row * cell)
      .attr('width', cell)
      .attr('height', cell)
      .style('fill', 'var(--chart-1)')
      .style('fill-opacity', (d) => round3(d.t))
      .style('stroke', 'var(--bg)')
      .style('stroke-width', String(stroke));

    const showCounts = cell >= COUNT_MIN_CELL;
    const countFont = clamp(cell * 0.36, 7, 11);
    const locale = this.#opts.locale;
    const countText = (value: number): string => {
      const full = formatCount(value, locale);
      if (textWidth(full, countFont) <= cell - 3) return full;
      const compact = formatCompactCount(value, locale);
      return textWidth(compact, countFont) <= cell - 2 ? compact : '';
    };
    svg
      .select('.heatmap-counts')
      .selectAll('text')
      .data(showCounts ? this.#cells.filter((d) => d.value > 0) : [])
      .join('text')
      .attr('x', (d) => left + (d.col + 0.5) * cell)
      .attr('y', (d) => top + (d.row + 0.5) * cell)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'middle')
      .attr('font-size', round1(countFont))
      .style('font-variant-numeric', 'tabular-nums')
      .text((d) => countText(d.value));
    this.#colourCounts();

    this.#renderTable(data);
    this.#drawActive();
  }

  /**
   * Writes each count in black or white, whichever contrasts more with its cell as the reader
   * sees it: the cell's computed fill and opacity over the grid's background and the page
   * behind it (redone when the theme changes them). Where styles are not computed, the theme's
   * text colour.
   */
  #colourCounts(): void {
    const svg = this.#svg;
    const rects = new Map<Cell, SVGRectElement>();
    svg.selectAll<SVGRectElement, Cell>('.heatmap-cell').each((d, i, nodes) => rects.set(d, nodes[i]!));
    const grid = svg.select<SVGRectElement>('.heatmap-bg').node();
    const gridPaint = grid && paintOf(grid);
    const page = backdropOf(svg.node()!);
    const under = gridPaint && page && composite(gridPaint.rgb, gridPaint.alpha, page);
    svg
      .select('.heatmap-counts')
      .selectAll<SVGTextElement, Cell>('text')
      .style('fill', (d) => {
        const rect = rects.get(d);
        const paint = rect && paintOf(rect);
        return paint && under ? toHex(readableInk(composite(paint.rgb, paint.alpha, under))) : 'var(--text)';
      });
  }

  #drawActive(): void {
    const data = this.#data;
    const layout = this.#layout;
    const outline = this.#svg.select('.heatmap-active');
    const active = this.#active;
    const highlight = (group: string, index: number | undefined) =>
      this.#svg
        .select(group)
        .selectAll<SVGTextElement, string>('text')
        .style('fill', (_, i) => (i === index ? 'var(--text)' : 'var(--muted)'))
        .attr('font-weight', (_, i) => (i === index ? 'bold' : null));
    highlight('.heatmap-row-labels', active?.row);
    highlight('.heatmap-col-labels', active?.col);
    if (!data || !layout || !active) {
      outline.attr('visibility', 'hidden');
      this.#tip.style.visibility = 'hidden';
      this.#readout.textContent = this.#opts.labels.readoutEmpty;
      return;
    }
    const { left, top, cell } = layout;
    outline
      .attr('visibility', 'visible')
      .attr('x', left + active.col * cell + 1)
      .attr('y', top + active.row * cell + 1)
      .attr('width', cell - 2)
      .attr('height', cell - 2);
    const count = data.values[active.row]?.[active.col] ?? 0;
    const total = data.rowTotals[active.row] ?? 0;
    const locale = this.#opts.locale;
    const text = fillTemplate(this.#opts.labels.readout, {
      prev: data.rowLabels[active.row] ?? '',
      next: data.colLabels[active.col] ?? '',
      count: formatCount(count, locale),
      p: total > 0 ? formatProbability(count / total, locale) : MISSING,
    });
    this.#readout.textContent = text;
    this.#tip.textContent = text;
    this.#placeTip(layout, active);
  }

  /** Puts the tooltip above the active cell (below it in the top rows), inside the grid's width. */
  #placeTip(layout: Layout, active: ActiveCellDetail): void {
    const tip = this.#tip;
    if (!this.#tipShown) {
      tip.style.visibility = 'hidden';
      return;
    }
    const svgWidth = (this.#svg.node() as SVGSVGElement).getBoundingClientRect().width;
    const scale = svgWidth > 0 ? svgWidth / layout.width : 1;
    const { left, top, cell } = layout;
    const centre = (left + (active.col + 0.5) * cell) * scale;
    const cellTop = (top + active.row * cell) * scale;
    const below = cellTop < 40;
    const tipWidth = tip.offsetWidth;
    const x = clamp(centre - tipWidth / 2, 0, Math.max(0, layout.width * scale - tipWidth));
    tip.style.left = `${Math.round(x)}px`;
    tip.style.top = below ? `${Math.round(cellTop + cell * scale + 6)}px` : `${Math.round(cellTop - 6)}px`;
    tip.style.transform = below ? 'none' : 'translateY(-100%)';
    tip.style.visibility = 'visible';
  }

  /** Keeps the active cell in view when the grid is wider than a phone and scrolls sideways. */
  #scrollToActive(): void {
    const layout = this.#layout;
    const active = this.#active;
    const scroll = this.#scroll;
    if (!layout || !active || scroll.scrollWidth <= scroll.clientWidth) return;
    const svgWidth = (this.#svg.node() as SVGSVGElement).getBoundingClientRect().width;
    const scale = svgWidth > 0 ? svgWidth / layout.width : 1;
    const x0 = (layout.left + active.col * layout.cell) * scale;
    const x1 = x0 + layout.cell * scale;
    if (x0 - layout.left * scale < scroll.scrollLeft) scroll.scrollLeft = Math.max(0, x0 - layout.left * scale);
    else if (x1 > scroll.scrollLeft + scroll.clientWidth) scroll.scrollLeft = x1 - scroll.clientWidth + 4;
  }

  #describe(data: HeatmapData): string {
    const top = this.#cells.reduce<Cell | undefined>((best, c) => (c.value > (best?.value ?? 0) ? c : best), undefined);
    const rows = data.rowLabels.length;
    const cols = data.colLabels.length;
    return fillTemplate(this.#opts.labels.aria, {
      size: rows === cols ? rows : `${rows} × ${cols}`,
      rows,
      cols,
      top: top ? `${data.rowLabels[top.row]} → ${data.colLabels[top.col]}` : MISSING,
      topCount: top ? formatCount(top.value, this.#opts.locale) : MISSING,
    });
  }

  #renderTable(data: HeatmapData): void {
    const { labels, locale, tableRows = 50 } = this.#opts;
    const rows = data.rowLabels.length;
    const cols = data.colLabels.length;
    this.#table.caption.textContent = labels.tableSize
      ? `${labels.tableCaption} (${fillTemplate(labels.tableSize, { rows, cols })})`
      : labels.tableCaption;
    const top = this.#cells
      .filter((c) => c.value > 0)
      .sort((a, b) => b.value - a.value || a.row - b.row || a.col - b.col)
      .slice(0, tableRows);
    setRows(
      this.#table.tbody,
      top.map((c) => {
        const total = data.rowTotals[c.row] ?? 0;
        return [
          data.rowLabels[c.row] ?? '',
          data.colLabels[c.col] ?? '',
          formatCount(c.value, locale),
          total > 0 ? formatProbability(c.value / total, locale) : MISSING,
        ];
      }),
    );
  }
}

/** Flattens the matrix row by row; non-finite or negative counts are drawn as zero. */
function toCells(data: HeatmapData): Cell[] {
  const cells: Cell[] = [];
  let max = 0;
  for (let row = 0; row < data.rowLabels.length; row++) {
    for (let col = 0; col < data.colLabels.length; col++) {
      const raw = data.values[row]?.[col] ?? 0;
      const value = Number.isFinite(raw) && raw > 0 ? raw : 0;
      if (value > max) max = value;
      cells.push({ row, col, value, t: 0 });
    }
  }
  const scale = Math.log1p(max);
  // A floor of 0.12 keeps a count of 1 visibly different from an empty cell, in both themes.
  for (const c of cells) c.t = c.value > 0 && scale > 0 ? 0.12 + 0.88 * (Math.log1p(c.value) / scale) : 0;
  return cells;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
