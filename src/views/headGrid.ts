import { attentionColours, paintPixels } from './attentionPaint';
import { fillTemplate } from './format';
import { observeTheme } from './themeColors';
import './views.css';

/** The grid's own strings; the page passes them in its language. */
export interface HeadGridLabels {
  /** A row's header. Placeholder `{layer}`. */
  layer: string;
  /** A column's header. Placeholder `{head}`. */
  head: string;
  /** The accessible name of the group of heads: say that the arrow keys move and Enter enlarges. */
  grid: string;
  /** Shown while there is nothing to draw. */
  empty: string;
}

export interface HeadGridOptions {
  labels: HeadGridLabels;
  /** The reader chose a head (click, Enter or Space). */
  onOpen?: (layer: number, head: number) => void;
}

/** What the grid draws: a (size, size) matrix per head of every layer, with a short caption and a text alternative per head. */
export interface HeadGridData {
  layers: number;
  heads: number;
  size: number;
  /** Head `head` of layer `layer`'s row-major (size, size) weights. */
  matrix: (layer: number, head: number) => ArrayLike<number>;
  /** A line under the head, e.g. its best pattern and score. */
  caption: (layer: number, head: number) => string;
  /** The head's accessible name: which head, its strongest pattern, where its attention goes. */
  describe: (layer: number, head: number) => string;
}

/** One head's panel. */
interface Panel {
  button: HTMLButtonElement;
  canvas: HTMLCanvasElement;
  caption: HTMLSpanElement;
}

/**
 * Every head of every layer as a small attention matrix (queries down, keys across, the causal
 * mask's triangle greyed), each drawn on its own canvas one pixel per cell and scaled up, with a
 * caption under it. The heads are buttons in one tab stop (a roving tabindex): the arrow keys
 * move between them, Home/End to a row's ends, Enter or Space (or a click) opens one. The
 * chosen head is pressed. Colours follow the page's theme.
 */
export class HeadGridView {
  readonly #opts: HeadGridOptions;
  readonly #root: HTMLDivElement;
  readonly #grid: HTMLDivElement;
  readonly #empty: HTMLParagraphElement;
  readonly #stopTheme: () => void;
  #panels: Panel[][] = [];
  #data: HeadGridData | undefined;
  /** The head with the grid's tab stop, and the one shown pressed. */
  #focus: [number, number] = [0, 0];
  #selected: [number, number] | undefined;

  constructor(container: HTMLElement, opts: HeadGridOptions) {
    this.#opts = opts;
    const doc = container.ownerDocument;
    this.#root = doc.createElement('div');
    this.#root.className = 'head-grid-view';
    this.#grid = doc.createElement('div');
    this.#grid.className = 'head-grid';
    this.#grid.setAttribute('role', 'group');
    this.#grid.setAttribute('aria-label', opts.labels.grid);
    this.#empty = doc.createElement('p');
    this.#empty.className = 'widget-caption';
    this.#empty.textContent = opts.labels.empty;
    this.#root.append(this.#empty, this.#grid);
    container.append(this.#root);
    this.#grid.addEventListener('keydown', this.#onKey);
    this.#stopTheme = observeTheme(doc, () => this.#paint());
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#root;
  }

  /** The head shown pressed, if any. */
  get selected(): [number, number] | undefined {
    return this.#selected ? [...this.#selected] : undefined;
  }

  /** Draws every head; the panels are kept while the grid keeps its layers and heads. */
  update(data: HeadGridData): void {
    this.#data = data;
    if (this.#panels.length !== data.layers || this.#panels[0]?.length !== data.heads) this.#build(data);
    for (let l = 0; l < data.layers; l++) {
      for (let h = 0; h < data.heads; h++) {
        const panel = this.#panels[l]![h]!;
        panel.caption.textContent = data.caption(l, h);
        panel.button.setAttribute('aria-label', data.describe(l, h));
      }
    }
    this.#empty.hidden = true;
    this.#paint();
  }

  /** Shows head (`layer`, `head`) pressed, and gives it the tab stop; `undefined` presses none. */
  select(head: [number, number] | undefined): void {
    this.#selected = head;
    if (head) this.#focus = head;
    this.#marks();
  }

  /** Back to the empty state. */
  reset(): void {
    this.#data = undefined;
    this.#panels = [];
    this.#grid.replaceChildren();
    this.#empty.hidden = false;
  }

  destroy(): void {
    this.#stopTheme();
    this.#grid.removeEventListener('keydown', this.#onKey);
    this.#root.remove();
  }

  #build(data: HeadGridData): void {
    const doc = this.#root.ownerDocument;
    const { labels } = this.#opts;
    this.#grid.style.setProperty('--heads', String(data.heads));
    const corner = doc.createElement('span');
    const header = Array.from({ length: data.heads }, (_, h) => {
      const th = doc.createElement('span');
      th.className = 'head-grid-col';
      th.textContent = fillTemplate(labels.head, { head: h });
      return th;
    });
    const cells: HTMLElement[] = [corner, ...header];
    this.#panels = Array.from({ length: data.layers }, (_, l) => {
      const rowHeader = doc.createElement('span');
      rowHeader.className = 'head-grid-row';
      rowHeader.textContent = fillTemplate(labels.layer, { layer: l });
      cells.push(rowHeader);
      return Array.from({ length: data.heads }, (_, h) => {
        const button = doc.createElement('button');
        button.type = 'button';
        button.className = 'head-grid-head';
        button.dataset.layer = String(l);
        button.dataset.head = String(h);
        const canvas = doc.createElement('canvas');
        canvas.setAttribute('aria-hidden', 'true');
        const caption = doc.createElement('span');
        caption.className = 'head-grid-caption';
        caption.setAttribute('aria-hidden', 'true');
        button.append(canvas, caption);
        button.addEventListener('click', () => {
          this.#focus = [l, h];
          this.#opts.onOpen?.(l, h);
        });
        cells.push(button);
        return { button, canvas, caption };
      });
    });
    this.#grid.replaceChildren(...cells);
    if (this.#focus[0] >= data.layers || this.#focus[1] >= data.heads) this.#focus = [0, 0];
    if (this.#selected && (this.#selected[0] >= data.layers || this.#selected[1] >= data.heads)) this.#selected = undefined;
    this.#marks();
  }

  /** The roving tab stop and the pressed head. */
  #marks(): void {
    this.#panels.forEach((row, l) =>
      row.forEach(({ button }, h) => {
        button.tabIndex = l === this.#focus[0] && h === this.#focus[1] ? 0 : -1;
        button.setAttribute('aria-pressed', String(!!this.#selected && this.#selected[0] === l && this.#selected[1] === h));
      }),
    );
  }

  #paint(): void {
    const data = this.#data;
    if (!data) return;
    const colours = attentionColours(this.#root);
    for (let l = 0; l < data.layers; l++) {
      for (let h = 0; h < data.heads; h++) {
        const { canvas } = this.#panels[l]![h]!;
        if (canvas.width !== data.size) canvas.width = canvas.height = data.size;
        const ctx = canvas.getContext('2d');
        if (!ctx) continue;
        const image = ctx.createImageData(data.size, data.size);
        paintPixels(image, data.matrix(l, h), data.size, colours);
        ctx.putImageData(image, 0, 0);
      }
    }
  }

  #onKey = (event: KeyboardEvent): void => {
    const data = this.#data;
    const target = (event.target as Element | null)?.closest<HTMLButtonElement>('.head-grid-head');
    if (!data || !target || event.altKey || event.ctrlKey || event.metaKey) return;
    let [l, h] = [Number(target.dataset.layer), Number(target.dataset.head)];
    switch (event.key) {
      case 'ArrowRight':
        h = Math.min(data.heads - 1, h + 1);
        break;
      case 'ArrowLeft':
        h = Math.max(0, h - 1);
        break;
      case 'ArrowDown':
        l = Math.min(data.layers - 1, l + 1);
        break;
      case 'ArrowUp':
        l = Math.max(0, l - 1);
        break;
      case 'Home':
        h = 0;
        break;
      case 'End':
        h = data.heads - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.#focus = [l, h];
    this.#marks();
    this.#panels[l]![h]!.button.focus();
  };
}
