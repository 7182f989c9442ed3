import { fillTemplate, formatCompactCount, formatCount, formatProbability, MISSING } from './format';
import { MatrixView, type ActiveCellDetail, type MatrixCell } from './matrixView';

export type { ActiveCellDetail } from './matrixView';

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

/**
 * A count matrix drawn by a `MatrixView` shaded by log(1 + count): the readout gives a pair's
 * count and P(next | previous), cells show their counts, the table lists the most frequent pairs.
 */
export class HeatmapView {
  readonly #opts: HeatmapOptions;
  readonly #matrix: MatrixView;
  #data: HeatmapData | undefined;

  constructor(container: HTMLElement, opts: HeatmapOptions) {
    this.#opts = opts;
    const { labels, locale } = opts;
    this.#matrix = new MatrixView(container, {
      locale,
      width: opts.width,
      maxCell: opts.maxCell,
      minCell: opts.minCell,
      scale: { type: 'sequential', log: true },
      labels: {
        readoutEmpty: labels.readoutEmpty,
        aria: labels.aria,
        grid: labels.grid,
        empty: labels.empty,
        tableSummary: labels.tableSummary,
        tableCaption: labels.tableCaption,
        axisRows: labels.axisRows ?? labels.colPrev,
        axisCols: labels.axisCols ?? labels.colNext,
      },
      readout: (cell) => this.#readout(cell),
      format: (value) => (value > 0 ? [formatCount(value, locale), formatCompactCount(value, locale)] : ''),
      describe: (_, cells) => this.#describe(cells),
      table: {
        columns: [labels.colPrev, labels.colNext, labels.colCount, labels.colP],
        caption: (data) => (labels.tableSize ? `${labels.tableCaption} (${fillTemplate(labels.tableSize, { rows: data.rows, cols: data.cols })})` : labels.tableCaption),
        rows: (_, cells) => this.#tableRows(cells),
      },
      onActiveCell: opts.onActiveCell,
    });
  }

  /** The element the view appended to its container (the `activecell` event is dispatched here). */
  get element(): HTMLElement {
    return this.#matrix.element;
  }

  /** The active cell, or `null` before the reader points at one. */
  get activeCell(): ActiveCellDetail | null {
    return this.#matrix.activeCell;
  }

  /** Draws a new matrix. The active cell is kept if the new matrix has the same size. Non-finite or negative counts are drawn as zero. */
  update(data: HeatmapData): void {
    this.#data = data;
    const values = data.values.map((row) => row.map((v) => (Number.isFinite(v) && v > 0 ? v : 0)));
    this.#matrix.update({ rows: data.rowLabels.length, cols: data.colLabels.length, values, rowLabels: data.rowLabels, colLabels: data.colLabels });
  }

  /** Back to the empty state: no cells, no active cell, an empty table. */
  reset(): void {
    this.#data = undefined;
    this.#matrix.reset();
  }

  /** Makes a cell active as if the reader had moved there (clamped to the matrix). */
  setActiveCell(row: number, col: number): void {
    this.#matrix.setActiveCell(row, col);
  }

  /** Removes the view and its listeners from the page. */
  destroy(): void {
    this.#matrix.destroy();
  }

  #p(cell: MatrixCell): string {
    const total = this.#data?.rowTotals[cell.row] ?? 0;
    return total > 0 ? formatProbability(cell.value / total, this.#opts.locale) : MISSING;
  }

  #readout(cell: MatrixCell): string {
    return fillTemplate(this.#opts.labels.readout, {
      prev: cell.rowLabel,
      next: cell.colLabel,
      count: formatCount(cell.value, this.#opts.locale),
      p: this.#p(cell),
    });
  }

  #describe(cells: readonly MatrixCell[]): string {
    const data = this.#data!;
    const top = cells.reduce<MatrixCell | undefined>((best, c) => (c.value > (best?.value ?? 0) ? c : best), undefined);
    const rows = data.rowLabels.length;
    const cols = data.colLabels.length;
    return (
      this.#opts.describe?.(data) ??
      fillTemplate(this.#opts.labels.aria, {
        size: rows === cols ? rows : `${rows} × ${cols}`,
        rows,
        cols,
        top: top ? `${top.rowLabel} → ${top.colLabel}` : MISSING,
        topCount: top ? formatCount(top.value, this.#opts.locale) : MISSING,
      })
    );
  }

  #tableRows(cells: readonly MatrixCell[]): string[][] {
    return cells
      .filter((c) => c.value > 0)
      .sort((a, b) => b.value - a.value || a.row - b.row || a.col - b.col)
      .slice(0, this.#opts.tableRows ?? 50)
      .map((c) => [c.rowLabel, c.colLabel, formatCount(c.value, this.#opts.locale), this.#p(c)]);
  }
}
