import { attentionColours, cellColour, cssColour } from './attentionPaint';
import { clamp } from './chartFrame';
import { createDataTable, type DataTable, measureWidth, observeWidth, setRows, textWidth } from './dom';
import { fillTemplate, numberFormat } from './format';
import { observeTheme } from './themeColors';
import './views.css';

/** The view's strings; the page passes them in its language. */
export interface AttentionMatrixLabels {
  /** The readout while no cell is active. */
  readoutEmpty: string;
  /** The active cell. Placeholders `{query}`, `{t}` (its position), `{key}`, `{j}`, `{weight}`. */
  readout: string;
  /** The focusable matrix's accessible name: what it shows and that the arrow keys move. Placeholder `{title}`. */
  grid: string;
  /** Axis titles: the query rows (down) and the key columns (across). */
  rows: string;
  cols: string;
  tableSummary: string;
  /** Table columns: the query's position, its character, where its weight goes. */
  colPosition: string;
  colQuery: string;
  colTop: string;
  /** One entry of the "where its weight goes" cell. Placeholders `{key}`, `{j}`, `{weight}`. */
  topEntry: string;
}

export interface AttentionMatrixOptions {
  labels: AttentionMatrixLabels;
  /** BCP 47 tag for numbers. */
  locale?: string;
  /** Layout width where the container reports none. Default 640. */
  width?: number;
}

/** One head's weights with the characters read. */
export interface AttentionMatrixData {
  /** Which head, for the accessible name. */
  title: string;
  /** The characters at each position, as shown (a space as ␣, a newline as ⏎). */
  tokens: readonly string[];
  /** Row-major (T, T): row t is query t's weights over the keys j ≤ t. */
  values: ArrayLike<number>;
}

/** Keys listed per query row in the table alternative. */
const TABLE_TOP = 3;
/** Cell sides in CSS px: small enough for a 64-character block on a laptop, large enough to read its letters; below it scrolls sideways. */
const MIN_CELL = 11;
const MAX_CELL = 24;
const TITLE_BAND = 16;

interface Layout {
  cell: number;
  left: number;
  top: number;
  width: number;
  height: number;
  font: number;
}

/**
 * One head's attention, enlarged: a canvas of (T, T) cells, queries down and keys across, each
 * row's weights over the characters it may read (the causal mask's triangle greyed), the
 * characters on both axes. A 64 × 64 matrix keeps cells big enough to label on a phone and
 * scrolls sideways there. One tab stop: the arrow keys (Home/End) move an active cell whose
 * weight the readout announces; the pointer does the same. A table lists, per query, the keys
 * with the most weight.
 */
export class AttentionMatrixView {
  readonly #opts: AttentionMatrixOptions;
  readonly #root: HTMLDivElement;
  readonly #readout: HTMLParagraphElement;
  readonly #scroll: HTMLDivElement;
  readonly #plot: HTMLDivElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #table: DataTable;
  readonly #stops: (() => void)[] = [];
  #width: number;
  #data: AttentionMatrixData | undefined;
  #layout: Layout | undefined;
  #active: [number, number] | undefined;

  constructor(container: HTMLElement, opts: AttentionMatrixOptions) {
    this.#opts = opts;
    const doc = container.ownerDocument;
    const { labels } = opts;
    this.#root = doc.createElement('div');
    this.#root.className = 'chart attention-matrix-view';
    this.#readout = doc.createElement('p');
    this.#readout.className = 'chart-readout';
    this.#readout.setAttribute('aria-live', 'polite');
    this.#readout.textContent = labels.readoutEmpty;
    this.#scroll = doc.createElement('div');
    this.#scroll.className = 'attention-matrix-scroll';
    this.#plot = doc.createElement('div');
    this.#plot.className = 'chart-grid attention-matrix-grid';
    this.#plot.tabIndex = 0;
    // One tab stop for thousands of cells: the matrix handles the arrow keys itself.
    this.#plot.setAttribute('role', 'application');
    this.#canvas = doc.createElement('canvas');
    this.#canvas.setAttribute('aria-hidden', 'true');
    this.#plot.append(this.#canvas);
    this.#scroll.append(this.#plot);
    this.#table = createDataTable(doc, labels.tableSummary, [labels.colPosition, labels.colQuery, labels.colTop]);
    this.#table.caption.remove();
    this.#root.append(this.#readout, this.#scroll, this.#table.details);
    container.append(this.#root);
    this.#width = measureWidth(container, opts.width ?? 640);
    this.#stops.push(
      observeWidth(container, (width) => {
        if (width === this.#width) return;
        this.#width = width;
        this.#render();
      }),
      observeTheme(doc, () => this.#render()),
    );
    const on = <K extends keyof HTMLElementEventMap>(type: K, handler: (event: HTMLElementEventMap[K]) => void) => {
      this.#plot.addEventListener(type, handler);
      this.#stops.push(() => this.#plot.removeEventListener(type, handler));
    };
    on('keydown', this.#onKey);
    on('pointermove', this.#onPointer);
    on('click', this.#onPointer);
    on('focus', () => {
      if (!this.#active && this.#data && this.#data.tokens.length > 0) this.setActive(this.#data.tokens.length - 1, this.#data.tokens.length - 1);
    });
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#root;
  }

  /** The focusable matrix, to move the reader's focus to. */
  get focusTarget(): HTMLElement {
    return this.#plot;
  }

  /** The active cell: [query, key]. */
  get active(): [number, number] | undefined {
    return this.#active ? [...this.#active] : undefined;
  }

  /** Draws a head; the active cell is kept if it is still inside the matrix. */
  update(data: AttentionMatrixData): void {
    const size = data.tokens.length;
    if (this.#active && (this.#active[0] >= size || this.#active[1] > this.#active[0])) this.#active = undefined;
    this.#data = data;
    this.#plot.setAttribute('aria-label', fillTemplate(this.#opts.labels.grid, { title: data.title }));
    this.#render();
    this.#renderTable();
    this.#say();
  }

  /** Makes cell (query `t`, key `j`) active, clamped into the lower triangle. */
  setActive(t: number, j: number): void {
    const size = this.#data?.tokens.length ?? 0;
    if (size === 0) return;
    const row = clamp(Math.round(t), 0, size - 1);
    this.#active = [row, clamp(Math.round(j), 0, row)];
    this.#render();
    this.#say();
    this.#scrollToActive();
  }

  destroy(): void {
    this.#stops.forEach((stop) => stop());
    this.#root.remove();
  }

  #computeLayout(size: number): Layout {
    const font0 = 12;
    const label = Math.max(font0, ...(this.#data?.tokens ?? []).map((t) => textWidth(t, font0))) + 6;
    const left = TITLE_BAND + label;
    const top = TITLE_BAND + font0 + 6;
    const cell = clamp(Math.floor((this.#width - left - 4) / Math.max(1, size)), MIN_CELL, MAX_CELL);
    return { cell, left, top, width: left + size * cell + 4, height: top + size * cell + 4, font: clamp(Math.round(cell * 0.8), 9, 14) };
  }

  #render(): void {
    const data = this.#data;
    const ctx = this.#canvas.getContext('2d');
    if (!data || !ctx) return;
    const size = data.tokens.length;
    const layout = this.#computeLayout(size);
    this.#layout = layout;
    const dpr = Math.max(1, Math.min(3, this.#root.ownerDocument.defaultView?.devicePixelRatio ?? 1));
    this.#canvas.width = Math.round(layout.width * dpr);
    this.#canvas.height = Math.round(layout.height * dpr);
    this.#canvas.style.width = `${layout.width}px`;
    this.#canvas.style.height = `${layout.height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    const colours = attentionColours(this.#root);
    const { cell, left, top, font } = layout;
    for (let t = 0; t < size; t++) {
      for (let j = 0; j < size; j++) {
        ctx.fillStyle = cssColour(cellColour(data.values[t * size + j] ?? NaN, j > t, colours));
        ctx.fillRect(left + j * cell, top + t * cell, cell, cell);
      }
    }
    const family = this.#root.ownerDocument.defaultView?.getComputedStyle(this.#root).fontFamily || 'sans-serif';
    const active = this.#active;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (let i = 0; i < size; i++) {
      const bold = active && (active[0] === i || active[1] === i);
      ctx.font = `${bold ? 'bold ' : ''}${font}px ${family}`;
      ctx.fillStyle = active && active[1] === i ? colours.text : colours.muted;
      ctx.fillText(data.tokens[i]!, left + (i + 0.5) * cell, top - font / 2 - 3);
      ctx.fillStyle = active && active[0] === i ? colours.text : colours.muted;
      ctx.textAlign = 'right';
      ctx.fillText(data.tokens[i]!, left - 4, top + (i + 0.5) * cell);
      ctx.textAlign = 'center';
    }
    ctx.font = `12px ${family}`;
    ctx.fillStyle = colours.muted;
    ctx.textAlign = 'left';
    ctx.fillText(`${this.#opts.labels.cols} →`, left, 8);
    ctx.save();
    ctx.translate(8, top);
    ctx.rotate(Math.PI / 2);
    ctx.fillText(`${this.#opts.labels.rows} →`, 0, 0);
    ctx.restore();
    if (active) {
      ctx.strokeStyle = colours.text;
      ctx.lineWidth = 2;
      ctx.strokeRect(left + active[1] * cell + 1, top + active[0] * cell + 1, cell - 2, cell - 2);
    }
  }

  #format(w: number): string {
    return numberFormat(this.#opts.locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(w);
  }

  #say(): void {
    const data = this.#data;
    const active = this.#active;
    if (!data || !active) {
      this.#readout.textContent = this.#opts.labels.readoutEmpty;
      return;
    }
    const [t, j] = active;
    this.#readout.textContent = fillTemplate(this.#opts.labels.readout, {
      query: data.tokens[t]!,
      t,
      key: data.tokens[j]!,
      j,
      weight: this.#format(data.values[t * data.tokens.length + j] ?? NaN),
    });
  }

  #renderTable(): void {
    const data = this.#data;
    if (!data) return setRows(this.#table.tbody, []);
    const size = data.tokens.length;
    const rows = data.tokens.map((token, t) => {
      const keys = Array.from({ length: t + 1 }, (_, j) => j).sort((a, b) => (data.values[t * size + b] ?? 0) - (data.values[t * size + a] ?? 0) || a - b);
      const top = keys.slice(0, TABLE_TOP).map((j) => fillTemplate(this.#opts.labels.topEntry, { key: data.tokens[j]!, j, weight: this.#format(data.values[t * size + j] ?? NaN) }));
      return [String(t), token, top.join(', ')];
    });
    setRows(this.#table.tbody, rows);
  }

  #scrollToActive(): void {
    const layout = this.#layout;
    const active = this.#active;
    if (!layout || !active) return;
    const x0 = layout.left + active[1] * layout.cell;
    const scroll = this.#scroll;
    if (x0 - layout.left < scroll.scrollLeft) scroll.scrollLeft = Math.max(0, x0 - layout.left);
    else if (x0 + layout.cell > scroll.scrollLeft + scroll.clientWidth) scroll.scrollLeft = x0 + layout.cell - scroll.clientWidth + 4;
  }

  #onKey = (event: KeyboardEvent): void => {
    const size = this.#data?.tokens.length ?? 0;
    if (size === 0 || event.altKey || event.metaKey || event.ctrlKey) return;
    const [t, j] = this.#active ?? [size - 1, size - 1];
    const moves: Record<string, [number, number]> = {
      ArrowRight: [t, j + 1],
      ArrowLeft: [t, j - 1],
      ArrowDown: [t + 1, j],
      ArrowUp: [t - 1, Math.min(j, t - 1)],
      Home: [t, 0],
      End: [t, t],
    };
    const next = moves[event.key];
    if (!next) return;
    event.preventDefault();
    this.setActive(next[0], next[1]);
  };

  #onPointer = (event: PointerEvent | MouseEvent): void => {
    const layout = this.#layout;
    const size = this.#data?.tokens.length ?? 0;
    if (!layout || size === 0) return;
    const rect = this.#canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - layout.left;
    const y = event.clientY - rect.top - layout.top;
    const j = Math.floor(x / layout.cell);
    const t = Math.floor(y / layout.cell);
    if (t < 0 || t >= size || j < 0 || j > t) return;
    if (this.#active && this.#active[0] === t && this.#active[1] === j) return;
    this.setActive(t, j);
  };
}
