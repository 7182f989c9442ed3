import { ChartFrame, clamp, round1 } from './chartFrame';
import { composite, readableInk, toHex } from './contrast';
import { setColumns, setRows, textWidth } from './dom';
import { fillTemplate, formatTick, MISSING, numberFormat } from './format';
import { backdropOf, paintOf } from './themeColors';

/** A matrix to draw: `rows × cols` values, row-major. */
export interface MatrixData {
  rows: number;
  cols: number;
  /** Row-major (`values[row * cols + col]`) or nested (`values[row][col]`). */
  values: Float32Array | readonly number[] | readonly (readonly number[])[];
  /** Row labels as shown (the page maps `\n` to `↵` and so on); row numbers if omitted. */
  rowLabels?: readonly string[];
  /** Column labels as shown; column numbers if omitted. */
  colLabels?: readonly string[];
  /**
   * Cells that take no value, e.g. the future positions under attention's causal mask: drawn
   * hatched, never active, skipped by the keyboard. Row-major, truthy = masked; or a predicate.
   */
  mask?: Uint8Array | readonly boolean[] | ((row: number, col: number) => boolean);
}

/** One cell, as the readout and table callbacks get it. */
export interface MatrixCell {
  row: number;
  col: number;
  value: number;
  rowLabel: string;
  colLabel: string;
}

/**
 * How values become colour. `sequential`: one hue whose strength grows from the domain's low end
 * (0 by default) to its high end (the largest value by default), optionally on log(1 + value),
 * where any value above the low end keeps at least 12% so that a count of 1 differs from 0.
 * `diverging`: symmetric around 0, positive values in one hue and negative in another, 0 neutral
 * (the grid's background), full strength at ±`max` (the largest |value| by default).
 */
export type MatrixScale =
  | { type: 'sequential'; domain?: readonly [number, number]; log?: boolean; color?: string }
  | { type: 'diverging'; max?: number; positive?: string; negative?: string };

/** Every string the view shows of its own; the page passes them in its language. */
export interface MatrixLabels {
  /** The readout while no cell is active. */
  readoutEmpty: string;
  /** The SVG's accessible name. Placeholders: `{rows}`, `{cols}`. */
  aria: string;
  /** The accessible name of the focusable grid; defaults to the SVG's. Say the arrow keys work here. */
  grid?: string;
  /** The accessible name while there is no data; defaults to `readoutEmpty`. */
  empty?: string;
  /** The `<summary>` of the table alternative, e.g. "Show the data as a table". */
  tableSummary: string;
  /** The table's caption; none if omitted. */
  tableCaption?: string;
  /** Axis title beside the rows (rotated, with an arrow); none if omitted. */
  axisRows?: string;
  /** Axis title above the columns (with an arrow); none if omitted. */
  axisCols?: string;
  /** Header of the default table's first column (the row labels). Default empty. */
  corner?: string;
}

/** The table alternative when the default (one table row per matrix row) doesn't suit. */
export interface MatrixTable {
  columns: string[];
  /** The body rows; the first cell of each is its row header. */
  rows: (data: MatrixData, cells: readonly MatrixCell[]) => string[][];
  /** Replaces `labels.tableCaption`, e.g. to add the matrix size. */
  caption?: (data: MatrixData) => string;
}

export interface MatrixViewOptions {
  labels: MatrixLabels;
  /** BCP 47 tag for number formatting, e.g. `en` or `zh-CN`. */
  locale?: string;
  /** Default `{ type: 'sequential' }`. */
  scale?: MatrixScale;
  /** The readout (and tooltip) for the active cell. */
  readout: (cell: MatrixCell) => string;
  /**
   * A cell's text, or candidates from the most precise down (`['5,438', '5.4K']`): the first that
   * fits the cell is drawn, none if none fits or the text is empty. Default: two decimals, else
   * one.
   */
  format?: (value: number, cell: MatrixCell) => string | readonly string[];
  /** Overrides the SVG's accessible name computed from `labels.aria`. */
  describe?: (data: MatrixData, cells: readonly MatrixCell[]) => string;
  /** The table alternative; default one row per matrix row. */
  table?: MatrixTable;
  /** Called when the active cell changes (keyboard, hover, tap or `setActiveCell`). */
  onActiveCell?: (row: number, col: number) => void;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Largest cell side in CSS pixels, so a 27 × 27 grid doesn't fill a whole screen. Default 32. */
  maxCell?: number;
  /** Smallest cell side; below it the grid scrolls sideways instead of shrinking. Default 10. */
  minCell?: number;
  /** Cells at least this big show their text. Default 18. */
  textMinCell?: number;
}

/** Detail of the `activecell` event the view's root element dispatches (it bubbles). */
export interface ActiveCellDetail {
  row: number;
  col: number;
}

/** Rows moved by PageUp / PageDown. */
const PAGE_ROWS = 5;
/** A log scale's least strength above zero: a count of 1 stays visible in both themes. */
const LOG_FLOOR = 0.12;

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

/** A drawn cell: the public cell plus its paint. */
interface Cell extends MatrixCell {
  masked: boolean;
  /** Fill opacity in [0, 1]. */
  t: number;
  fill: string;
}

let nextId = 0;

/**
 * A matrix drawn as a grid of cells shaded by value: counts, attention weights, activations. The
 * grid is one tab stop; the arrow keys (Home/End, Ctrl+Home/End, PageUp/PageDown) or the pointer
 * move an active cell that the readout announces. Cells big enough show their value in black or
 * white, whichever reads better on the cell as painted in the current theme.
 */
export class MatrixView {
  readonly #opts: MatrixViewOptions;
  readonly #frame: ChartFrame;
  readonly #hatchId = `heatmap-hatch-${nextId++}`;
  #data: MatrixData | undefined;
  #cells: Cell[] = [];
  #layout: Layout | undefined;
  #active: ActiveCellDetail | null = null;
  /** Whether the tooltip shows: while the pointer is over the grid or it has focus. */
  #tipShown = false;

  constructor(container: HTMLElement, opts: MatrixViewOptions) {
    this.#opts = opts;
    const { labels } = opts;
    this.#frame = new ChartFrame(container, {
      prefix: 'heatmap',
      className: 'chart heatmap-view',
      width: opts.width,
      readout: labels.readoutEmpty,
      interactive: true,
      table: { summary: labels.tableSummary, columns: opts.table?.columns ?? [] },
      onResize: () => this.#render(),
      onTheme: () => this.#colourText(),
    });
    const svg = this.#frame.svg;
    svg.append('g').attr('class', 'heatmap-titles');
    svg.append('g').attr('class', 'heatmap-col-labels');
    svg.append('g').attr('class', 'heatmap-row-labels');
    svg.append('g').attr('class', 'heatmap-cells');
    svg.append('g').attr('class', 'heatmap-counts').style('pointer-events', 'none');
    svg
      .append('rect')
      .attr('class', 'heatmap-active')
      .style('fill', 'none')
      .style('stroke', 'var(--text)')
      .style('stroke-width', '2')
      .style('pointer-events', 'none')
      .attr('visibility', 'hidden');

    this.#frame.listen({ keydown: this.#onKey, focus: this.#onFocus, blur: this.#onLeave, pointerover: this.#onPointer, pointerleave: this.#onLeave, click: this.#onPointer });
    this.#render();
  }

  /** The element the view appended to its container (the `activecell` event is dispatched here). */
  get element(): HTMLElement {
    return this.#frame.root;
  }

  /** The active cell, or `null` before the reader points at one. */
  get activeCell(): ActiveCellDetail | null {
    return this.#active ? { ...this.#active } : null;
  }

  /** Draws a new matrix. The active cell is kept if the new matrix has the same size and doesn't mask it. */
  update(data: MatrixData): void {
    const sameSize = this.#data && this.#data.rows === data.rows && this.#data.cols === data.cols;
    this.#data = data;
    this.#cells = toCells(data, this.#opts.scale ?? { type: 'sequential' });
    if (!sameSize || (this.#active && this.#cellAt(this.#active.row, this.#active.col)?.masked)) this.#active = null;
    this.#render();
  }

  /** Back to the empty state: no cells, no active cell, an empty table. */
  reset(): void {
    this.#data = undefined;
    this.#cells = [];
    this.#active = null;
    this.#render();
  }

  /** Makes a cell active as if the reader had moved there (clamped to the matrix; masked cells are refused). */
  setActiveCell(row: number, col: number): void {
    const data = this.#data;
    if (!data || data.rows === 0 || data.cols === 0) return;
    const r = clamp(Math.round(row), 0, data.rows - 1);
    const c = clamp(Math.round(col), 0, data.cols - 1);
    if (this.#cellAt(r, c)?.masked) return;
    if (this.#active && this.#active.row === r && this.#active.col === c) return;
    this.#active = { row: r, col: c };
    this.#drawActive();
    this.#scrollToActive();
    this.#opts.onActiveCell?.(r, c);
    this.#frame.root.dispatchEvent(new CustomEvent<ActiveCellDetail>('activecell', { detail: { row: r, col: c }, bubbles: true }));
  }

  /** Removes the view and its listeners from the page. */
  destroy(): void {
    this.#frame.destroy();
  }

  #cellAt(row: number, col: number): Cell | undefined {
    return this.#data ? this.#cells[row * this.#data.cols + col] : undefined;
  }

  #open(row: number, col: number): boolean {
    const cell = this.#cellAt(row, col);
    return cell !== undefined && !cell.masked;
  }

  #onFocus = (): void => {
    this.#tipShown = true;
    if (this.#active) {
      this.#drawActive();
      return;
    }
    const first = this.#cells.find((c) => !c.masked);
    if (first) this.setActiveCell(first.row, first.col);
  };

  #onLeave = (event: Event): void => {
    // The pointer leaving a focused grid keeps the tooltip; blurring it hides it.
    if (event.type === 'pointerleave' && this.#frame.plot.ownerDocument.activeElement === this.#frame.plot) return;
    this.#tipShown = false;
    this.#frame.hideTip();
  };

  #onKey = (event: KeyboardEvent): void => {
    const data = this.#data;
    if (!data || event.altKey || event.metaKey) return;
    const next = this.#keyTarget(event.key, event.ctrlKey, data);
    if (next === undefined) return;
    event.preventDefault();
    if (next) this.setActiveCell(next[0], next[1]);
  };

  /**
   * Where a key moves the active cell: the nearest open cell that way (a masked run is jumped),
   * `null` for a handled key that goes nowhere, `undefined` for a key the grid leaves alone.
   */
  #keyTarget(key: string, ctrl: boolean, data: MatrixData): [number, number] | null | undefined {
    const { rows, cols } = data;
    const { row, col } = this.#active ?? { row: 0, col: 0 };
    const walk = (r: number, c: number, dr: number, dc: number): [number, number] | null => {
      for (; r >= 0 && r < rows && c >= 0 && c < cols; r += dr, c += dc) if (this.#open(r, c)) return [r, c];
      return null;
    };
    const firstOpen = (from: number, step: number): [number, number] | null => {
      for (let i = from; i >= 0 && i < rows * cols; i += step) if (this.#cells[i] && !this.#cells[i]!.masked) return [Math.floor(i / cols), i % cols];
      return null;
    };
    switch (key) {
      case 'ArrowRight':
        return walk(row, col + 1, 0, 1);
      case 'ArrowLeft':
        return walk(row, col - 1, 0, -1);
      case 'ArrowDown':
        return walk(row + 1, col, 1, 0);
      case 'ArrowUp':
        return walk(row - 1, col, -1, 0);
      case 'Home':
        return ctrl ? firstOpen(0, 1) : walk(row, 0, 0, 1);
      case 'End':
        return ctrl ? firstOpen(rows * cols - 1, -1) : walk(row, cols - 1, 0, -1);
      case 'PageDown':
        return walk(Math.min(rows - 1, row + PAGE_ROWS), col, 1, 0) ?? walk(Math.min(rows - 1, row + PAGE_ROWS), col, -1, 0);
      case 'PageUp':
        return walk(Math.max(0, row - PAGE_ROWS), col, -1, 0) ?? walk(Math.max(0, row - PAGE_ROWS), col, 1, 0);
      default:
        return undefined;
    }
  }

  #onPointer = (event: Event): void => {
    const target = event.target as Element | null;
    const row = target?.getAttribute?.('data-row');
    const col = target?.getAttribute?.('data-col');
    if (row == null || col == null) return;
    this.#tipShown = true;
    this.setActiveCell(Number(row), Number(col));
  };

  #computeLayout(data: MatrixData): Layout {
    const { maxCell = 32, minCell = 10 } = this.#opts;
    const { labels } = this.#opts;
    const width = this.#frame.width;
    const rows = Math.max(1, data.rows);
    const cols = Math.max(1, data.cols);
    const titleBand = 18;
    const pad = 4;
    // Label font from a first guess at the cell size, then room for the widest row label.
    const guess = clamp((width - titleBand - 24 - pad) / cols, minCell, maxCell);
    const labelFont = clamp(guess * 0.85, 9, 12);
    const rowLabelWidth = Math.max(labelFont, ...rowLabelsOf(data).map((l) => textWidth(l, labelFont))) + 6;
    const left = Math.ceil((labels.axisRows === undefined ? 4 : titleBand) + rowLabelWidth);
    const top = Math.ceil((labels.axisCols === undefined ? 4 : titleBand) + labelFont + 6);
    const cell = Math.max(minCell, Math.min(maxCell, Math.floor((width - left - pad) / cols)));
    return {
      width: left + cols * cell + pad,
      height: top + rows * cell + pad,
      left,
      top,
      cell,
      labelFont,
      minWidth: left + cols * minCell + pad,
    };
  }

  #render(): void {
    const { labels } = this.#opts;
    const data = this.#data;
    const svg = this.#frame.svg;
    const grid = this.#frame.plot;
    if (!data || data.rows === 0 || data.cols === 0) {
      this.#layout = undefined;
      svg.attr('viewBox', '0 0 0 0').attr('aria-label', labels.empty ?? labels.readoutEmpty);
      svg.selectAll('g').selectAll('*').remove();
      svg.select('.heatmap-active').attr('visibility', 'hidden');
      grid.setAttribute('aria-label', labels.empty ?? labels.readoutEmpty);
      this.#frame.say(undefined);
      this.#renderTable(undefined);
      return;
    }

    const layout = this.#computeLayout(data);
    this.#layout = layout;
    const { left, top, cell, labelFont } = layout;
    svg
      .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
      .style('max-width', `${layout.width}px`)
      .style('min-width', `${Math.min(layout.width, layout.minWidth)}px`);

    const aria = this.#opts.describe?.(data, this.#cells) ?? fillTemplate(labels.aria, { rows: data.rows, cols: data.cols });
    svg.attr('aria-label', aria);
    grid.setAttribute('aria-label', labels.grid ?? aria);

    const gridWidth = data.cols * cell;
    const gridHeight = data.rows * cell;
    // Axis titles: the columns' above the column labels, the rows' rotated beside the row labels.
    const titles: { text: string; x?: number; y?: number; transform?: string }[] = [
      ...(labels.axisCols === undefined ? [] : [{ text: labels.axisCols, x: left + gridWidth / 2, y: 12 }]),
      ...(labels.axisRows === undefined ? [] : [{ text: labels.axisRows, transform: `translate(12 ${top + gridHeight / 2}) rotate(-90)` }]),
    ];
    svg
      .select('.heatmap-titles')
      .selectAll('text')
      .data(titles)
      .join('text')
      .attr('transform', (d) => d.transform ?? null)
      .attr('x', (d) => d.x ?? null)
      .attr('y', (d) => d.y ?? null)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .style('fill', 'var(--muted)')
      .text((d) => `${d.text} →`);

    // Where labels are wider than cells (200 hidden units), only every few get one.
    const font = round1(labelFont);
    const colLabels = colLabelsOf(data);
    const colEvery = Math.max(1, Math.ceil((Math.max(0, ...colLabels.map((l) => textWidth(l, labelFont))) + 2) / cell));
    const rowEvery = Math.max(1, Math.ceil(labelFont / cell));
    svg
      .select('.heatmap-col-labels')
      .selectAll('text')
      .data(colLabels)
      .join('text')
      .attr('x', (_, i) => left + (i + 0.5) * cell)
      .attr('y', top - 5)
      .attr('text-anchor', 'middle')
      .attr('font-size', font)
      .attr('display', (_, i) => (i % colEvery === 0 ? null : 'none'))
      .style('fill', 'var(--muted)')
      .text((d) => d);
    svg
      .select('.heatmap-row-labels')
      .selectAll('text')
      .data(rowLabelsOf(data))
      .join('text')
      .attr('x', left - 5)
      .attr('y', (_, i) => top + (i + 0.5) * cell)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', font)
      .attr('display', (_, i) => (i % rowEvery === 0 ? null : 'none'))
      .style('fill', 'var(--muted)')
      .text((d) => d);

    this.#renderCells(layout, gridWidth, gridHeight);
    this.#renderText(layout);
    this.#renderTable(data);
    this.#drawActive();
  }

  #renderCells({ left, top, cell }: Layout, gridWidth: number, gridHeight: number): void {
    const group = this.#frame.svg.select('.heatmap-cells');
    // The hatching of masked cells: thin diagonal lines in the grid colour.
    const hatched = this.#cells.some((c) => c.masked);
    const pattern = group
      .selectAll('defs')
      .data(hatched ? [0] : [])
      .join('defs')
      .selectAll('pattern')
      .data([0])
      .join('pattern')
      .attr('id', this.#hatchId)
      .attr('width', 6)
      .attr('height', 6)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('patternTransform', 'rotate(45)');
    pattern.selectAll('line').data([0]).join('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 6).style('stroke', 'var(--chart-axis)').style('stroke-width', '1').style('stroke-opacity', '0.6');

    // Empty cells show the grid colour so that zero reads differently from "rare".
    group
      .selectAll('.heatmap-bg')
      .data([0])
      .join('rect')
      .attr('class', 'heatmap-bg')
      .attr('x', left)
      .attr('y', top)
      .attr('width', gridWidth)
      .attr('height', gridHeight)
      .style('fill', 'var(--chart-grid)')
      .style('fill-opacity', '0.3');
    const stroke = String(cell >= 14 ? 1 : 0.5);
    group
      .selectAll<SVGRectElement, Cell>('.heatmap-cell')
      .data(this.#cells)
      .join('rect')
      .attr('class', (d) => (d.masked ? 'heatmap-cell heatmap-masked' : 'heatmap-cell'))
      .attr('data-row', (d) => d.row)
      .attr('data-col', (d) => d.col)
      .attr('x', (d) => left + d.col * cell)
      .attr('y', (d) => top + d.row * cell)
      .attr('width', cell)
      .attr('height', cell)
      .style('fill', (d) => (d.masked ? `url(#${this.#hatchId})` : d.fill))
      .style('fill-opacity', (d) => (d.masked ? '1' : round3(d.t)))
      .style('stroke', 'var(--bg)')
      .style('stroke-width', stroke);
  }

  #renderText({ left, top, cell }: Layout): void {
    const { textMinCell = 18, locale } = this.#opts;
    const format = this.#opts.format ?? ((value: number) => [formatTick(value, locale, 0.01), formatTick(value, locale, 0.1)]);
    const font = clamp(cell * 0.36, 7, 11);
    // The most precise text keeps 3 px of margin; a shortened fallback may take a pixel more.
    const fits = (text: string, i: number) => text !== '' && textWidth(text, font) <= cell - (i === 0 ? 3 : 2);
    const texts: { cell: Cell; text: string }[] = [];
    if (cell >= textMinCell) {
      for (const c of this.#cells) {
        if (c.masked) continue;
        const candidates = format(c.value, c);
        const text = (typeof candidates === 'string' ? [candidates] : candidates).find(fits);
        if (text) texts.push({ cell: c, text });
      }
    }
    this.#frame.svg
      .select('.heatmap-counts')
      .selectAll('text')
      .data(texts)
      .join('text')
      .attr('x', (d) => left + (d.cell.col + 0.5) * cell)
      .attr('y', (d) => top + (d.cell.row + 0.5) * cell)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'middle')
      .attr('font-size', round1(font))
      .style('font-variant-numeric', 'tabular-nums')
      .text((d) => d.text);
    this.#colourText();
  }

  /**
   * Writes each cell's text in black or white, whichever contrasts more with its cell as the
   * reader sees it: the cell's computed fill and opacity over the grid's background and the page
   * behind it (redone when the theme changes them). Where styles are not computed, the theme's
   * text colour.
   */
  #colourText(): void {
    const svg = this.#frame.svg;
    const rects = new Map<Cell, SVGRectElement>();
    svg.selectAll<SVGRectElement, Cell>('.heatmap-cell').each((d, i, nodes) => rects.set(d, nodes[i]!));
    const grid = svg.select<SVGRectElement>('.heatmap-bg').node();
    const gridPaint = grid && paintOf(grid);
    const page = backdropOf(svg.node()!);
    const under = gridPaint && page && composite(gridPaint.rgb, gridPaint.alpha, page);
    svg
      .select('.heatmap-counts')
      .selectAll<SVGTextElement, { cell: Cell }>('text')
      .style('fill', (d) => {
        const rect = rects.get(d.cell);
        const paint = rect && paintOf(rect);
        return paint && under ? toHex(readableInk(composite(paint.rgb, paint.alpha, under))) : 'var(--text)';
      });
  }

  #drawActive(): void {
    const svg = this.#frame.svg;
    const layout = this.#layout;
    const active = this.#active;
    const highlight = (group: string, index: number | undefined) =>
      svg
        .select(group)
        .selectAll<SVGTextElement, string>('text')
        .style('fill', (_, i) => (i === index ? 'var(--text)' : 'var(--muted)'))
        .attr('font-weight', (_, i) => (i === index ? 'bold' : null));
    highlight('.heatmap-row-labels', active?.row);
    highlight('.heatmap-col-labels', active?.col);
    const outline = svg.select('.heatmap-active');
    const cell = active && this.#cellAt(active.row, active.col);
    if (!layout || !cell) {
      outline.attr('visibility', 'hidden');
      this.#frame.hideTip();
      this.#frame.say(undefined);
      return;
    }
    const { left, top } = layout;
    const size = layout.cell;
    outline
      .attr('visibility', 'visible')
      .attr('x', left + cell.col * size + 1)
      .attr('y', top + cell.row * size + 1)
      .attr('width', size - 2)
      .attr('height', size - 2);
    const text = this.#opts.readout(cell);
    this.#frame.say(text);
    if (!this.#tipShown) {
      this.#frame.hideTip();
      return;
    }
    const scale = this.#frame.scaleOf(layout.width);
    this.#frame.showTip(
      text,
      { x: (left + (cell.col + 0.5) * size) * scale, y: (top + cell.row * size) * scale, height: size * scale },
      layout.width * scale,
    );
  }

  /** Keeps the active cell in view when the grid is wider than a phone and scrolls sideways. */
  #scrollToActive(): void {
    const layout = this.#layout;
    const active = this.#active;
    if (!layout || !active) return;
    const scale = this.#frame.scaleOf(layout.width);
    const x0 = (layout.left + active.col * layout.cell) * scale;
    this.#frame.scrollIntoView(x0, x0 + layout.cell * scale, layout.left * scale);
  }

  #renderTable(data: MatrixData | undefined): void {
    const { labels, table, locale } = this.#opts;
    const caption = data && table?.caption ? table.caption(data) : labels.tableCaption;
    const { caption: captionEl, tbody } = this.#frame.table;
    captionEl.textContent = caption ?? '';
    captionEl.hidden = caption === undefined;
    if (!data) {
      setRows(tbody, []);
      return;
    }
    if (table) {
      setRows(tbody, table.rows(data, this.#cells));
      return;
    }
    // The default: the matrix itself, one table row per matrix row.
    setColumns(this.#frame.table, [labels.corner ?? '', ...colLabelsOf(data)]);
    const number = numberFormat(locale, { maximumSignificantDigits: 4 });
    const rowLabels = rowLabelsOf(data);
    setRows(
      tbody,
      rowLabels.map((label, row) => [
        label,
        ...this.#cells.slice(row * data.cols, (row + 1) * data.cols).map((c) => (c.masked ? MISSING : Number.isFinite(c.value) ? number.format(c.value) : MISSING)),
      ]),
    );
  }
}

function rowLabelsOf(data: MatrixData): readonly string[] {
  return data.rowLabels ?? Array.from({ length: data.rows }, (_, i) => String(i));
}

function colLabelsOf(data: MatrixData): readonly string[] {
  return data.colLabels ?? Array.from({ length: data.cols }, (_, i) => String(i));
}

/** The value at (row, col) of either layout; missing entries read as NaN. */
function valueAt(values: MatrixData['values'], cols: number, row: number, col: number): number {
  const first = values[0];
  if (first !== undefined && typeof first !== 'number') return (values as readonly (readonly number[])[])[row]?.[col] ?? NaN;
  return (values as ArrayLike<number>)[row * cols + col] ?? NaN;
}

function maskedAt(mask: MatrixData['mask'], cols: number, row: number, col: number): boolean {
  if (!mask) return false;
  if (typeof mask === 'function') return mask(row, col);
  return Boolean(mask[row * cols + col]);
}

/** Flattens the matrix row by row and paints each cell by the scale. */
function toCells(data: MatrixData, scale: MatrixScale): Cell[] {
  const { rows, cols } = data;
  const rowLabels = rowLabelsOf(data);
  const colLabels = colLabelsOf(data);
  const cells: Cell[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const value = valueAt(data.values, cols, row, col);
      const masked = maskedAt(data.mask, cols, row, col);
      cells.push({ row, col, value, rowLabel: rowLabels[row] ?? '', colLabel: colLabels[col] ?? '', masked, t: 0, fill: '' });
    }
  }
  const open = cells.filter((c) => !c.masked && Number.isFinite(c.value));
  if (scale.type === 'diverging') {
    const max = scale.max ?? maxOf(open, (c) => Math.abs(c.value), 0);
    for (const c of open) {
      c.t = max > 0 ? Math.min(1, Math.abs(c.value) / max) : 0;
      c.fill = c.value < 0 ? (scale.negative ?? 'var(--chart-2)') : (scale.positive ?? 'var(--chart-1)');
    }
    return cells;
  }
  const fill = scale.color ?? 'var(--chart-1)';
  const lo = scale.domain?.[0] ?? 0;
  const hi = scale.domain?.[1] ?? maxOf(open, (c) => c.value, lo);
  const f = scale.log ? (v: number) => Math.log1p(Math.max(0, v - lo)) : (v: number) => Math.max(0, v - lo);
  const top = f(hi);
  for (const c of cells) c.fill = fill;
  for (const c of open) {
    const x = top > 0 ? Math.min(1, f(c.value) / top) : 0;
    c.t = x <= 0 ? 0 : scale.log ? LOG_FLOOR + (1 - LOG_FLOOR) * x : x;
  }
  return cells;
}

/** The largest `f(item)`, at least `floor`: a loop, as 40,000 cells would overflow `Math.max(...)`'s arguments. */
function maxOf<T>(items: readonly T[], f: (item: T) => number, floor: number): number {
  let max = floor;
  for (const item of items) max = Math.max(max, f(item));
  return max;
}

function round3(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
