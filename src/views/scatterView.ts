import { axisBottom, axisLeft, scaleLinear, transition, type ScaleLinear } from 'd3';
import { ChartFrame, type ChartLabels, clamp, round1, styleAxis } from './chartFrame';
import { setColumns, setRows, textWidth } from './dom';
import { fillTemplate, formatTick, numberFormat, tickStep } from './format';
import { nearestInDirection, nearestTo, type Direction, type ScreenPoint } from './nearest';
import { easeDomain, type Domain } from './smoothDomain';

/** One point of a 2-D embedding. */
export interface ScatterPoint {
  /** Stable across snapshots (the token id): points are matched by it when they move. */
  id: number;
  /** The text drawn at the point (a character). */
  label: string;
  x: number;
  y: number;
  /** Points of a group share a colour (e.g. vowels, consonants). */
  group?: string;
  /** Drawn larger, with a label that is never hidden to make room. */
  emphasis?: boolean;
}

/**
 * The scatter's strings. `readout` placeholders: `{label}`, `{x}`, `{y}`, `{group}`; `aria`:
 * `{count}`, `{step}` (empty where not given). Its plot also takes Escape.
 */
export interface ScatterLabels extends ChartLabels {
  /** Table column headers. */
  colLabel: string;
  colX: string;
  colY: string;
  /** Header of a group column, shown when given and some point has a group. */
  colGroup?: string;
}

export interface ScatterViewOptions {
  labels: ScatterLabels;
  /** BCP 47 tag for number formatting. */
  locale?: string;
  /** A CSS colour per group; groups not listed take the palette (`var(--chart-1)`, …) in order of appearance. */
  groupColors?: Record<string, string>;
  /** Called when the active point changes (pointer, tap, keyboard, `setActivePoint`); `null` when cleared. */
  onActivePoint?: (id: number | null) => void;
  /** Overrides the SVG's accessible name computed from `labels.aria`. */
  describe?: (points: readonly ScatterPoint[], step: number | undefined) => string;
  /** Length of the move between snapshots in ms. Default 300; none under prefers-reduced-motion. */
  duration?: number;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Plot height in px; default scales with the width between 260 and 520. */
  height?: number;
  /** Up to this many points every label shows; above it, labels that would overlap others are hidden. Default 60. */
  allLabels?: number;
}

/** Detail of the `activepoint` event the view's root element dispatches (it bubbles). */
export interface ActivePointDetail {
  id: number | null;
}

const MARGIN = { top: 10, right: 16, bottom: 36, left: 44 };
/** Padding around the points, as a fraction of their extent. */
const PAD = 0.08;
/** A pointer this close (CSS px) to a point makes it active. */
const HIT_RADIUS = 24;
const LABEL_FONT = 12;
const SMALL_LABEL_FONT = 9;

interface Placed {
  point: ScatterPoint;
  px: number;
  py: number;
}

/**
 * A 2-D embedding drawn as labelled points on axes of equal scale (a unit of x is as long as a
 * unit of y: distances are what an embedding means). `update` moves the points to a new snapshot,
 * matched by id, and the axes follow smoothly. The plot is one tab stop: the arrow keys move to
 * the nearest point that way, Escape clears; the pointer picks the nearest point.
 */
export class ScatterView {
  readonly #opts: ScatterViewOptions;
  readonly #frame: ChartFrame;
  readonly #colors = new Map<string, string>();
  #points: ScatterPoint[] = [];
  #placed: Placed[] = [];
  #step: number | undefined;
  #xBounds: Domain | undefined;
  #yBounds: Domain | undefined;
  #x: ScaleLinear<number, number> = scaleLinear();
  #y: ScaleLinear<number, number> = scaleLinear();
  #height = 0;
  #active: number | null = null;
  #highlighted = new Set<number>();
  #tipShown = false;

  constructor(container: HTMLElement, opts: ScatterViewOptions) {
    this.#opts = opts;
    const { labels } = opts;
    this.#frame = new ChartFrame(container, {
      prefix: 'scatter',
      width: opts.width,
      readout: labels.readoutEmpty,
      interactive: true,
      table: { summary: labels.tableSummary, columns: [labels.colLabel, labels.colX, labels.colY], caption: labels.tableCaption },
      onResize: () => this.#render(false),
    });
    if (labels.tableCaption === undefined) this.#frame.table.caption.remove();
    const svg = this.#frame.svg;
    for (const name of ['grid', 'x-axis', 'y-axis', 'titles', 'links', 'points']) svg.append('g').attr('class', `scatter-${name}`);
    svg.selectAll('.scatter-x-axis, .scatter-y-axis').style('color', 'var(--chart-axis)');

    this.#frame.listen({ keydown: this.#onKey, focus: this.#onFocus, blur: this.#onLeave, pointermove: this.#onPointer, pointerover: this.#onPointer, pointerleave: this.#onLeave, click: this.#onClick });
    this.#render(false);
  }

  /** The element the view appended to its container (the `activepoint` event is dispatched here). */
  get element(): HTMLElement {
    return this.#frame.root;
  }

  /** The active point's id, or `null`. */
  get activePoint(): number | null {
    return this.#active;
  }

  /**
   * Draws a new snapshot: points with a known id move there (smoothly, unless the reader prefers
   * less motion), new ones appear, missing ones go. `step` is the training step it shows. Points
   * with non-finite coordinates are left out.
   */
  update(points: readonly ScatterPoint[], opts: { step?: number } = {}): void {
    this.#points = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    this.#step = opts.step;
    if (this.#points.length > 0) {
      this.#xBounds = easeDomain(this.#xBounds, paddedExtent(this.#points.map((p) => p.x)));
      this.#yBounds = easeDomain(this.#yBounds, paddedExtent(this.#points.map((p) => p.y)));
    }
    const ids = new Set(this.#points.map((p) => p.id));
    this.#highlighted = new Set([...this.#highlighted].filter((id) => ids.has(id)));
    if (this.#active !== null && !ids.has(this.#active)) this.setActivePoint(null);
    this.#render(true);
  }

  /** Marks these points (e.g. the active point's nearest neighbours); `[]` clears. */
  highlight(ids: readonly number[]): void {
    this.#highlighted = new Set(ids);
    this.#render(false);
  }

  /** Makes a point active as if the reader had picked it; `null` clears. Unknown ids are ignored. */
  setActivePoint(id: number | null): void {
    if (id !== null && !this.#points.some((p) => p.id === id)) return;
    if (id === this.#active) return;
    this.#active = id;
    this.#drawActive();
    this.#opts.onActivePoint?.(id);
    this.#frame.root.dispatchEvent(new CustomEvent<ActivePointDetail>('activepoint', { detail: { id }, bubbles: true }));
  }

  /** Back to the empty state: no points, no active point, axes forgotten. */
  reset(): void {
    this.#points = [];
    this.#step = undefined;
    this.#xBounds = undefined;
    this.#yBounds = undefined;
    this.#highlighted.clear();
    this.setActivePoint(null);
    this.#render(false);
  }

  /** Removes the view and its listeners from the page. */
  destroy(): void {
    this.#frame.destroy();
  }

  #onFocus = (): void => {
    this.#tipShown = true;
    if (this.#active === null && this.#points[0]) this.setActivePoint(this.#points[0].id);
    else this.#drawActive();
  };

  #onLeave = (event: Event): void => {
    // The pointer leaving a focused plot keeps the tooltip; blurring it hides it.
    if (event.type === 'pointerleave' && this.#frame.plot.ownerDocument.activeElement === this.#frame.plot) return;
    this.#tipShown = false;
    this.#frame.hideTip();
  };

  #onKey = (event: KeyboardEvent): void => {
    if (event.altKey || event.metaKey || event.ctrlKey) return;
    if (event.key === 'Escape') {
      if (this.#active === null) return;
      event.preventDefault();
      this.setActivePoint(null);
      return;
    }
    const direction = ARROWS[event.key];
    if (!direction) return;
    event.preventDefault();
    const from = this.#placed.findIndex((p) => p.point.id === this.#active);
    if (from < 0) {
      const first = this.#placed[0];
      if (first) this.setActivePoint(first.point.id);
      return;
    }
    const next = this.#placed[nearestInDirection(this.#screenPoints(), from, direction)];
    if (next) this.setActivePoint(next.point.id);
  };

  #onPointer = (event: Event): void => {
    const id = this.#pointAt(event);
    if (id === undefined) return;
    this.#tipShown = true;
    this.setActivePoint(id);
  };

  /** A tap on a point picks it; a tap far from every point clears. */
  #onClick = (event: Event): void => {
    const id = this.#pointAt(event);
    this.#tipShown = id !== undefined;
    this.setActivePoint(id ?? null);
  };

  /** The point under the event: the element's `data-id`, else the nearest within reach of the pointer. */
  #pointAt(event: Event): number | undefined {
    const mark = (event.target as Element | null)?.closest?.('[data-id]');
    if (mark) return Number(mark.getAttribute('data-id'));
    if (!('clientX' in event)) return undefined;
    const { clientX, clientY } = event as MouseEvent;
    const box = (this.#frame.svg.node() as SVGSVGElement).getBoundingClientRect();
    const scale = this.#frame.scaleOf(this.#frame.width);
    const index = nearestTo(this.#screenPoints(), (clientX - box.left) / scale, (clientY - box.top) / scale, HIT_RADIUS / scale);
    return this.#placed[index]?.point.id;
  }

  #screenPoints(): ScreenPoint[] {
    return this.#placed.map((p) => ({ x: p.px, y: p.py }));
  }

  #colorOf(group: string | undefined): string {
    if (group === undefined) return 'var(--chart-1)';
    const given = this.#opts.groupColors?.[group];
    if (given) return given;
    let color = this.#colors.get(group);
    if (!color) {
      color = `var(--chart-${(this.#colors.size % 6) + 1})`;
      this.#colors.set(group, color);
    }
    return color;
  }

  /** Fits the (eased) bounds of the points into the plot at one scale for both axes. */
  #fitScales(width: number, height: number): void {
    const [x0, x1] = this.#xBounds ?? [-1, 1];
    const [y0, y1] = this.#yBounds ?? [-1, 1];
    const plotWidth = width - MARGIN.left - MARGIN.right;
    const plotHeight = height - MARGIN.top - MARGIN.bottom;
    const k = Math.min(plotWidth / (x1 - x0), plotHeight / (y1 - y0));
    const xc = (x0 + x1) / 2;
    const yc = (y0 + y1) / 2;
    this.#x = scaleLinear().domain([xc - plotWidth / (2 * k), xc + plotWidth / (2 * k)]).range([MARGIN.left, width - MARGIN.right]);
    this.#y = scaleLinear().domain([yc - plotHeight / (2 * k), yc + plotHeight / (2 * k)]).range([height - MARGIN.bottom, MARGIN.top]);
  }

  /** Draws everything; `moved` says the points have a new snapshot (so the domain eases and the points glide). */
  #render(moved: boolean): void {
    const { labels, locale } = this.#opts;
    const svg = this.#frame.svg;
    const width = Math.max(240, this.#frame.width);
    const height = this.#opts.height ?? Math.round(clamp(width * 0.75, 260, 520));
    this.#height = height;
    svg.attr('viewBox', `0 0 ${width} ${height}`);
    this.#fitScales(width, height);
    const x = this.#x;
    const y = this.#y;
    const duration = moved && !this.#frame.reducedMotion() ? (this.#opts.duration ?? 300) : 0;
    // A named import of `transition`: d3 is marked free of side effects, so a bundler keeps the
    // module that adds `.transition()` to selections only when a name from it is used.
    const motion = transition().duration(duration);

    const plotWidth = width - MARGIN.left - MARGIN.right;
    const plotHeight = height - MARGIN.top - MARGIN.bottom;
    const xTicks = x.ticks(Math.max(2, Math.floor(plotWidth / 80)));
    const yTicks = y.ticks(Math.max(2, Math.floor(plotHeight / 50)));
    const xAxis = axisBottom(x).tickValues(xTicks).tickFormat((d) => formatTick(Number(d), locale, tickStep(xTicks))).tickSizeOuter(0);
    const yAxis = axisLeft(y).tickValues(yTicks).tickFormat((d) => formatTick(Number(d), locale, tickStep(yTicks))).tickSizeOuter(0);
    const xAxisGroup = svg.select<SVGGElement>('.scatter-x-axis').attr('transform', `translate(0 ${height - MARGIN.bottom})`);
    const yAxisGroup = svg.select<SVGGElement>('.scatter-y-axis').attr('transform', `translate(${MARGIN.left} 0)`);
    if (duration > 0) {
      xAxisGroup.transition(motion).call(xAxis);
      yAxisGroup.transition(motion).call(yAxis);
    } else {
      xAxisGroup.call(xAxis);
      yAxisGroup.call(yAxis);
    }
    styleAxis(xAxisGroup);
    styleAxis(yAxisGroup);
    const gridLines = [
      ...xTicks.map((t) => ({ x1: x(t), x2: x(t), y1: MARGIN.top, y2: height - MARGIN.bottom })),
      ...yTicks.map((t) => ({ x1: MARGIN.left, x2: width - MARGIN.right, y1: y(t), y2: y(t) })),
    ];
    svg
      .select('.scatter-grid')
      .selectAll('line')
      .data(gridLines)
      .join('line')
      .attr('x1', (d) => round1(d.x1))
      .attr('x2', (d) => round1(d.x2))
      .attr('y1', (d) => round1(d.y1))
      .attr('y2', (d) => round1(d.y2))
      .style('stroke', 'var(--chart-grid)')
      .style('stroke-width', '1');
    const titles = [
      ...(labels.x === undefined ? [] : [{ text: labels.x, transform: `translate(${(MARGIN.left + width - MARGIN.right) / 2} ${height - 4})` }]),
      ...(labels.y === undefined ? [] : [{ text: labels.y, transform: `translate(12 ${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)` }]),
    ];
    svg
      .select('.scatter-titles')
      .selectAll('text')
      .data(titles)
      .join('text')
      .attr('transform', (d) => d.transform)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .style('fill', 'var(--muted)')
      .text((d) => d.text);

    this.#placed = this.#points.map((point) => ({ point, px: x(point.x), py: y(point.y) }));
    const shown = this.#visibleLabels();
    const small = this.#points.length > (this.#opts.allLabels ?? 60);
    const place = (d: Placed) => `translate(${round1(d.px)} ${round1(d.py)})`;
    const marks = svg
      .select('.scatter-points')
      .selectAll<SVGGElement, Placed>('g.scatter-point')
      .data(this.#placed, (d) => d.point.id)
      .join((enter) => enter.append('g').attr('class', 'scatter-point').attr('transform', place).call((g) => {
        g.append('circle');
        g.append('text').attr('class', 'scatter-label').attr('dy', '0.35em');
      }))
      .attr('data-id', (d) => d.point.id)
      .classed('scatter-highlight', (d) => this.#highlighted.has(d.point.id))
      .classed('scatter-emphasis', (d) => Boolean(d.point.emphasis));
    if (duration > 0) marks.transition(motion).attr('transform', place);
    else marks.interrupt().attr('transform', place);
    marks
      .select('circle')
      .attr('r', (d) => (d.point.emphasis || this.#highlighted.has(d.point.id) ? 4 : 3))
      .style('fill', (d) => this.#colorOf(d.point.group))
      .style('stroke', (d) => (this.#highlighted.has(d.point.id) ? 'var(--text)' : 'var(--bg)'))
      .style('stroke-width', (d) => (this.#highlighted.has(d.point.id) ? '1.5' : '1'));
    marks
      .select('text')
      .attr('x', 5)
      .attr('font-size', (d) => (small && !d.point.emphasis && !this.#highlighted.has(d.point.id) ? SMALL_LABEL_FONT : LABEL_FONT))
      .attr('font-weight', (d) => (d.point.emphasis || this.#highlighted.has(d.point.id) ? 'bold' : null))
      .attr('display', (d) => (shown.has(d.point.id) ? null : 'none'))
      .style('fill', (d) => (small && !d.point.emphasis && !this.#highlighted.has(d.point.id) ? 'var(--muted)' : 'var(--text)'))
      .text((d) => d.point.label);

    const aria =
      this.#points.length === 0
        ? (labels.empty ?? labels.readoutEmpty)
        : (this.#opts.describe?.(this.#points, this.#step) ??
          fillTemplate(labels.aria, { count: numberFormat(locale).format(this.#points.length), step: this.#step === undefined ? '' : numberFormat(locale).format(this.#step) }));
    svg.attr('aria-label', aria);
    this.#frame.plot.setAttribute('aria-label', this.#points.length === 0 ? aria : (labels.grid ?? aria));
    this.#renderTable();
    this.#drawActive();
  }

  /**
   * The ids whose labels show: all up to `allLabels` points; beyond, greedily the active point,
   * the highlighted and emphasized ones, then the rest in order, each only where its label box
   * overlaps no label already placed.
   */
  #visibleLabels(): Set<number> {
    const all = this.#placed.length <= (this.#opts.allLabels ?? 60);
    if (all) return new Set(this.#points.map((p) => p.id));
    const rank = (p: ScatterPoint) => (p.id === this.#active ? 0 : this.#highlighted.has(p.id) ? 1 : p.emphasis ? 2 : 3);
    const order = [...this.#placed].sort((a, b) => rank(a.point) - rank(b.point));
    const boxes: [number, number, number, number][] = [];
    const shown = new Set<number>();
    for (const { point, px, py } of order) {
      const font = rank(point) < 3 ? LABEL_FONT : SMALL_LABEL_FONT;
      const box: [number, number, number, number] = [px + 4, py - font / 2, px + 6 + textWidth(point.label, font), py + font / 2];
      const free = boxes.every((b) => box[0] >= b[2] || box[2] <= b[0] || box[1] >= b[3] || box[3] <= b[1]);
      if (free || rank(point) < 3) {
        boxes.push(box);
        shown.add(point.id);
      }
    }
    return shown;
  }

  #drawActive(): void {
    const svg = this.#frame.svg;
    const active = this.#placed.find((p) => p.point.id === this.#active);
    svg.selectAll<SVGGElement, Placed>('g.scatter-point').classed('scatter-active', (d) => d.point.id === this.#active);
    svg
      .select('.scatter-points')
      .selectAll('circle.scatter-ring')
      .data(active ? [active] : [])
      .join('circle')
      .attr('class', 'scatter-ring')
      .attr('cx', (d) => round1(d.px))
      .attr('cy', (d) => round1(d.py))
      .attr('r', 8)
      .style('fill', 'none')
      .style('stroke', 'var(--text)')
      .style('stroke-width', '2')
      .style('pointer-events', 'none');
    const links = active ? this.#placed.filter((p) => this.#highlighted.has(p.point.id) && p !== active) : [];
    svg
      .select('.scatter-links')
      .selectAll('line')
      .data(links)
      .join('line')
      .attr('x1', round1(active?.px ?? 0))
      .attr('y1', round1(active?.py ?? 0))
      .attr('x2', (d) => round1(d.px))
      .attr('y2', (d) => round1(d.py))
      .style('stroke', 'var(--chart-axis)')
      .style('stroke-width', '1')
      .style('stroke-dasharray', '3 3');
    if (!active) {
      this.#frame.say(undefined);
      this.#frame.hideTip();
      return;
    }
    const { labels, locale } = this.#opts;
    const number = numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const text = fillTemplate(labels.readout, {
      label: active.point.label,
      x: number.format(active.point.x),
      y: number.format(active.point.y),
      group: active.point.group ?? '',
    });
    this.#frame.say(text);
    if (!this.#tipShown) {
      this.#frame.hideTip();
      return;
    }
    const scale = this.#frame.scaleOf(Math.max(240, this.#frame.width));
    this.#frame.showTip(text, { x: active.px * scale, y: (active.py - 8) * scale, height: 16 * scale }, Math.max(240, this.#frame.width) * scale);
  }

  #renderTable(): void {
    const { labels, locale } = this.#opts;
    const withGroup = labels.colGroup !== undefined && this.#points.some((p) => p.group !== undefined);
    setColumns(this.#frame.table, [labels.colLabel, labels.colX, labels.colY, ...(withGroup ? [labels.colGroup!] : [])]);
    const number = numberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    setRows(
      this.#frame.table.tbody,
      this.#points.map((p) => [p.label, number.format(p.x), number.format(p.y), ...(withGroup ? [p.group ?? ''] : [])]),
    );
  }

  /** The plot's height in viewBox units (for tests and the page's layout). */
  get height(): number {
    return this.#height;
  }
}

const ARROWS: Partial<Record<string, Direction>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** The points' extent on one axis with some room around them (a unit either side when they coincide). */
function paddedExtent(values: readonly number[]): Domain {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = (hi - lo) * PAD || 1;
  return [lo - pad, hi + pad];
}
