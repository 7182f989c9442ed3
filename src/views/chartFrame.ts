import { select, type Selection } from 'd3';
import { createDataTable, measureWidth, observeWidth, type DataTable } from './dom';
import { observeTheme } from './themeColors';
import './views.css';

/** What a view asks of its frame. */
export interface ChartFrameOptions {
  /**
   * The view's class prefix, e.g. `heatmap`: the root gets `chart <prefix>-view` (or `className`)
   * and each part `chart-<part> <prefix>-<part>`, so pages and tests can find one view's parts.
   */
  prefix: string;
  /** The root's class instead of `chart <prefix>-view`. */
  className?: string;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Called when the container's width changes (never with the width the frame already has). */
  onResize: (width: number) => void;
  /** Called when the page's theme may have changed, for colours computed in script. */
  onTheme?: () => void;
  /** A live readout line above the chart, with this text while nothing is active. */
  readout?: string;
  /**
   * A focusable plot: one tab stop (`role="application"`, named by the view) that handles the
   * arrow keys itself, inside a box that scrolls sideways, with a tooltip beside the pointer.
   */
  interactive?: boolean;
  /** The table alternative: a closed `<details>` below the chart. */
  table: { summary: string; columns: string[]; caption?: string };
}

/** The absolute box (in CSS px within the plot) a tooltip points at. */
export interface TipAnchor {
  x: number;
  y: number;
  /** Height of the thing pointed at, so that a tooltip placed below clears it. */
  height?: number;
}

/**
 * The parts every chart view shares: the root element, the readout line, the accessible SVG
 * host, a focusable scrolling plot with a tooltip, the table alternative, and the observation of
 * the container's width and the page's theme. A view draws into `svg` and fills `table`.
 */
export class ChartFrame {
  /** The element appended to the container. */
  readonly root: HTMLDivElement;
  /** The live readout (`aria-live="polite"`), when asked for. */
  readonly readout: HTMLParagraphElement | undefined;
  /** The focusable plot around the SVG when `interactive`, otherwise the root. */
  readonly plot: HTMLElement;
  /** The sideways-scrolling box around the plot when `interactive`. */
  readonly scroll: HTMLDivElement | undefined;
  /** The tooltip when `interactive`: hidden from screen readers, which get the readout. */
  readonly tip: HTMLDivElement | undefined;
  /** The chart, `role="img"`; the view sets its `viewBox` and `aria-label`. */
  readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  readonly table: DataTable;
  readonly #stops: (() => void)[] = [];
  readonly #emptyReadout: string;
  #width: number;

  constructor(container: HTMLElement, opts: ChartFrameOptions) {
    const doc = container.ownerDocument;
    const part = (name: string) => `chart-${name} ${opts.prefix}-${name}`;
    this.#emptyReadout = opts.readout ?? '';

    this.root = doc.createElement('div');
    this.root.className = opts.className ?? `chart ${opts.prefix}-view`;

    if (opts.readout !== undefined) {
      this.readout = doc.createElement('p');
      this.readout.className = 'chart-readout';
      this.readout.setAttribute('aria-live', 'polite');
      this.readout.textContent = opts.readout;
      this.root.append(this.readout);
    }

    if (opts.interactive) {
      this.scroll = doc.createElement('div');
      this.scroll.className = part('scroll');
      this.scroll.style.overflowX = 'auto';
      this.plot = doc.createElement('div');
      this.plot.className = part('grid');
      this.plot.tabIndex = 0;
      // One tab stop for hundreds of marks: the plot handles the arrow keys itself.
      this.plot.setAttribute('role', 'application');
      this.plot.style.position = 'relative';
      // The tooltip repeats the live readout next to the mark, for a chart taller than the
      // screen; screen readers get the readout only.
      this.tip = doc.createElement('div');
      this.tip.className = part('tooltip');
      this.tip.setAttribute('aria-hidden', 'true');
      this.tip.style.visibility = 'hidden';
      this.scroll.append(this.plot);
      this.root.append(this.scroll);
    } else {
      this.plot = this.root;
    }

    this.svg = select(this.plot)
      .append('svg')
      .attr('role', 'img')
      .attr('xmlns', 'http://www.w3.org/2000/svg')
      .style('display', 'block')
      .style('width', '100%')
      .style('height', 'auto');
    if (this.tip) this.plot.append(this.tip);

    this.table = createDataTable(doc, opts.table.summary, opts.table.columns);
    if (opts.table.caption !== undefined) this.table.caption.textContent = opts.table.caption;
    this.root.append(this.table.details);
    container.append(this.root);

    this.#width = measureWidth(container, opts.width ?? 640);
    this.#stops.push(
      observeWidth(container, (width) => {
        if (width === this.#width) return;
        this.#width = width;
        opts.onResize(width);
      }),
    );
    if (opts.onTheme) this.#stops.push(observeTheme(doc, opts.onTheme));
  }

  /** The layout width: the container's, or the fallback where it reports none. */
  get width(): number {
    return this.#width;
  }

  /** Writes the readout; `undefined` puts back the text shown while nothing is active. */
  say(text: string | undefined): void {
    if (this.readout) this.readout.textContent = text ?? this.#emptyReadout;
  }

  /** How many CSS pixels one viewBox unit takes on screen (1 where layout is unknown). */
  scaleOf(viewBoxWidth: number): number {
    const shown = (this.svg.node() as SVGSVGElement).getBoundingClientRect().width;
    return shown > 0 && viewBoxWidth > 0 ? shown / viewBoxWidth : 1;
  }

  /**
   * Shows the tooltip above `anchor` (below it near the top), inside `maxWidth`; positions are
   * CSS px within the plot.
   */
  showTip(text: string, anchor: TipAnchor, maxWidth: number): void {
    const tip = this.tip;
    if (!tip) return;
    tip.textContent = text;
    const below = anchor.y < 40;
    const x = clamp(anchor.x - tip.offsetWidth / 2, 0, Math.max(0, maxWidth - tip.offsetWidth));
    tip.style.left = `${Math.round(x)}px`;
    tip.style.top = below ? `${Math.round(anchor.y + (anchor.height ?? 0) + 6)}px` : `${Math.round(anchor.y - 6)}px`;
    tip.style.transform = below ? 'none' : 'translateY(-100%)';
    tip.style.visibility = 'visible';
  }

  hideTip(): void {
    if (this.tip) this.tip.style.visibility = 'hidden';
  }

  /** Scrolls the plot sideways so that [x0, x1] (CSS px) is in view, keeping `keep` px of labels at the left. */
  scrollIntoView(x0: number, x1: number, keep = 0): void {
    const scroll = this.scroll;
    if (!scroll || scroll.scrollWidth <= scroll.clientWidth) return;
    if (x0 - keep < scroll.scrollLeft) scroll.scrollLeft = Math.max(0, x0 - keep);
    else if (x1 > scroll.scrollLeft + scroll.clientWidth) scroll.scrollLeft = x1 - scroll.clientWidth + 4;
  }

  /** Handles the reader's events on the focusable plot (keys, focus, pointer) until the frame is destroyed. */
  listen(handlers: { [K in 'keydown' | 'focus' | 'blur' | 'pointermove' | 'pointerover' | 'pointerleave' | 'click']?: (event: HTMLElementEventMap[K]) => void }): void {
    const plot = this.plot;
    for (const [type, handler] of Object.entries(handlers) as [string, EventListener][]) {
      plot.addEventListener(type, handler);
      this.#stops.push(() => plot.removeEventListener(type, handler));
    }
  }

  /** Whether the reader asked for less motion: views then jump instead of animating. */
  reducedMotion(): boolean {
    const view = this.root.ownerDocument.defaultView;
    return typeof view?.matchMedia === 'function' && view.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  /** Stops observing and removes the frame from the page. */
  destroy(): void {
    this.#stops.forEach((stop) => stop());
    this.root.remove();
  }
}

/**
 * The strings every view with a readout, axes and a table alternative takes; the page passes
 * them in its language. Each view's own labels extend these with its table's column headers and
 * say which placeholders its `readout` and `aria` fill.
 */
export interface ChartLabels {
  /** The readout for the active item (bin, point), with the view's placeholders. */
  readout: string;
  /** The readout while nothing is active. */
  readoutEmpty: string;
  /** The SVG's accessible name, with the view's placeholders. */
  aria: string;
  /** The accessible name of the focusable plot; defaults to the SVG's. Say which keys work here. */
  grid?: string;
  /** The accessible name while there is no data; defaults to `readoutEmpty`. */
  empty?: string;
  /** Axis titles; none if omitted. */
  x?: string;
  y?: string;
  /** The `<summary>` of the table alternative. */
  tableSummary: string;
  /** The table's caption; none if omitted. */
  tableCaption?: string;
}

/** Axis text and ticks in the theme's colours, at a size readable on a phone. */
export function styleAxis(g: Selection<SVGGElement, unknown, null, undefined>): void {
  g.attr('font-size', 11).attr('font-family', null);
  g.selectAll('.tick text').style('fill', 'var(--muted)');
  g.selectAll('.domain, .tick line').style('stroke', 'var(--chart-axis)');
}

/** Clamps `x` into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounds to one decimal, for coordinates written into the SVG. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
