import { axisBottom, axisLeft, scaleLinear, transition } from 'd3';
import { ChartFrame, type ChartLabels, clamp, round1, styleAxis } from './chartFrame';
import { setRows } from './dom';
import { fillTemplate, formatCount, formatTick, MISSING, numberFormat, tickStep } from './format';
import { easeDomain, type Domain } from './smoothDomain';

/** Counts per equal bin over [lo, hi], as the worker sends them. */
export interface HistogramData {
  lo: number;
  hi: number;
  /** `counts[i]`: values in [lo + i·w, lo + (i+1)·w), w = (hi − lo) / counts.length; the last bin includes hi. */
  counts: ArrayLike<number>;
}

/** A shaded range of values, e.g. |x| > 0.97 as "saturated" (two regions, one each side). */
export interface HistogramRegion {
  from: number;
  to: number;
  /** Drawn at the region's top and added to the readout of bins inside it. */
  label: string;
  /** A CSS colour. Default `var(--chart-2)`. */
  color?: string;
}

/**
 * The histogram's strings. `readout` placeholders: `{from}`, `{to}` (the bin's edges), `{count}`,
 * `{share}` (of all values, in percent), `{region}` (the label of a region the bin lies in, or
 * empty); `aria`: `{total}`, `{bins}`, `{lo}`, `{hi}`.
 */
export interface HistogramLabels extends ChartLabels {
  /** Table column headers. */
  colFrom: string;
  colTo: string;
  colCount: string;
}

export interface HistogramViewOptions {
  labels: HistogramLabels;
  /** BCP 47 tag for number formatting. */
  locale?: string;
  /** Shaded ranges; also settable with `setRegions`. */
  regions?: HistogramRegion[];
  /** Decimals of bin edges in the readout and table. Default 2. */
  digits?: number;
  /** Called when the active bin changes; `null` when cleared. */
  onActiveBin?: (index: number | null) => void;
  /** Length of the bars' change between updates in ms. Default 300; none under prefers-reduced-motion. */
  duration?: number;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Plot height in px; default scales with the width between 180 and 300. */
  height?: number;
}

const MARGIN = { top: 18, right: 14, bottom: 38, left: 64 };

/**
 * A distribution as bars over equal bins, with optional shaded regions. The y axis follows the
 * tallest bar smoothly (it grows at once and shrinks over a few updates), so bars that hold
 * still look still. The plot is one tab stop: the arrow keys, Home and End move the active bin.
 */
export class HistogramView {
  readonly #opts: HistogramViewOptions;
  readonly #frame: ChartFrame;
  #data: HistogramData | undefined;
  #counts: number[] = [];
  #total = 0;
  #regions: HistogramRegion[];
  #yDomain: Domain | undefined;
  #active: number | null = null;
  #tipShown = false;
  #geometry: { width: number; x: (v: number) => number; y: (c: number) => number } | undefined;

  constructor(container: HTMLElement, opts: HistogramViewOptions) {
    this.#opts = opts;
    this.#regions = opts.regions ?? [];
    const { labels } = opts;
    this.#frame = new ChartFrame(container, {
      prefix: 'histogram',
      width: opts.width,
      readout: labels.readoutEmpty,
      interactive: true,
      table: { summary: labels.tableSummary, columns: [labels.colFrom, labels.colTo, labels.colCount], caption: labels.tableCaption },
      onResize: () => this.#render(false),
    });
    if (labels.tableCaption === undefined) this.#frame.table.caption.remove();
    const svg = this.#frame.svg;
    for (const name of ['regions', 'grid', 'bars', 'x-axis', 'y-axis', 'titles', 'active']) svg.append('g').attr('class', `histogram-${name}`);
    svg.selectAll('.histogram-x-axis, .histogram-y-axis').style('color', 'var(--chart-axis)');

    this.#frame.listen({ keydown: this.#onKey, focus: this.#onFocus, blur: this.#onLeave, pointerover: this.#onPointer, pointerleave: this.#onLeave, click: this.#onPointer });
    this.#render(false);
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#frame.root;
  }

  /** The active bin's index, or `null`. */
  get activeBin(): number | null {
    return this.#active;
  }

  /** Draws new counts; the bars change smoothly unless the reader prefers less motion. Non-finite or negative counts are drawn as zero. */
  update(data: HistogramData): void {
    this.#data = data;
    this.#counts = Array.from(data.counts, (c) => (Number.isFinite(c) && c > 0 ? c : 0));
    this.#total = this.#counts.reduce((a, b) => a + b, 0);
    this.#yDomain = easeDomain(this.#yDomain, [0, Math.max(1, ...this.#counts)]);
    if (this.#active !== null && this.#active >= this.#counts.length) this.setActiveBin(null);
    this.#render(true);
  }

  /** Replaces the shaded regions. */
  setRegions(regions: readonly HistogramRegion[]): void {
    this.#regions = [...regions];
    this.#render(false);
  }

  /** Makes a bin active as if the reader had moved there (clamped); `null` clears. */
  setActiveBin(index: number | null): void {
    const bins = this.#counts.length;
    const next = index === null || bins === 0 ? null : clamp(Math.round(index), 0, bins - 1);
    if (next === this.#active) return;
    this.#active = next;
    this.#drawActive();
    this.#opts.onActiveBin?.(next);
  }

  /** Back to the empty state: no bars, no active bin, the y axis forgotten. */
  reset(): void {
    this.#data = undefined;
    this.#counts = [];
    this.#total = 0;
    this.#yDomain = undefined;
    this.setActiveBin(null);
    this.#render(false);
  }

  /** Removes the view and its listeners from the page. */
  destroy(): void {
    this.#frame.destroy();
  }

  #onFocus = (): void => {
    this.#tipShown = true;
    if (this.#active === null) this.setActiveBin(0);
    else this.#drawActive();
  };

  #onLeave = (event: Event): void => {
    if (event.type === 'pointerleave' && this.#frame.plot.ownerDocument.activeElement === this.#frame.plot) return;
    this.#tipShown = false;
    this.#frame.hideTip();
  };

  #onKey = (event: KeyboardEvent): void => {
    if (event.altKey || event.metaKey || event.ctrlKey || this.#counts.length === 0) return;
    const at = this.#active ?? 0;
    const moves: Record<string, number | null> = {
      ArrowRight: this.#active === null ? 0 : at + 1,
      ArrowLeft: at - 1,
      Home: 0,
      End: this.#counts.length - 1,
      Escape: null,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.setActiveBin(moves[event.key]!);
  };

  #onPointer = (event: Event): void => {
    const bin = (event.target as Element | null)?.getAttribute?.('data-bin');
    if (bin == null) return;
    this.#tipShown = true;
    this.setActiveBin(Number(bin));
  };

  #edges(i: number): [number, number] {
    const { lo, hi } = this.#data ?? { lo: 0, hi: 1 };
    const w = (hi - lo) / Math.max(1, this.#counts.length);
    return [lo + i * w, i === this.#counts.length - 1 ? hi : lo + (i + 1) * w];
  }

  #render(moved: boolean): void {
    const { labels, locale } = this.#opts;
    const svg = this.#frame.svg;
    const width = Math.max(240, this.#frame.width);
    const height = this.#opts.height ?? Math.round(clamp(width * 0.4, 180, 300));
    svg.attr('viewBox', `0 0 ${width} ${height}`);
    const bottom = height - MARGIN.bottom;
    const data = this.#data;
    const x = scaleLinear()
      .domain(data && data.hi > data.lo ? [data.lo, data.hi] : [0, 1])
      .range([MARGIN.left, width - MARGIN.right]);
    const y = scaleLinear()
      .domain(this.#yDomain ?? [0, 1])
      .range([bottom, MARGIN.top]);
    this.#geometry = { width, x, y };
    const duration = moved && !this.#frame.reducedMotion() ? (this.#opts.duration ?? 300) : 0;
    // A named import of `transition`: d3 is marked free of side effects, so a bundler keeps the
    // module that adds `.transition()` to selections only when a name from it is used.
    const motion = transition().duration(duration);

    const xTicks = x.ticks(Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 70)));
    const yTicks = y.ticks(Math.max(2, Math.floor((bottom - MARGIN.top) / 40))).filter(Number.isInteger);
    const xAxis = axisBottom(x).tickValues(xTicks).tickFormat((d) => formatTick(Number(d), locale, tickStep(xTicks))).tickSizeOuter(0);
    const yAxis = axisLeft(y).tickValues(yTicks).tickFormat((d) => formatTick(Number(d), locale, 1)).tickSizeOuter(0);
    const xAxisGroup = svg.select<SVGGElement>('.histogram-x-axis').attr('transform', `translate(0 ${bottom})`).call(xAxis);
    const yAxisGroup = svg.select<SVGGElement>('.histogram-y-axis').attr('transform', `translate(${MARGIN.left} 0)`);
    if (duration > 0) yAxisGroup.transition(motion).call(yAxis);
    else yAxisGroup.call(yAxis);
    styleAxis(xAxisGroup);
    styleAxis(yAxisGroup);
    svg
      .select('.histogram-grid')
      .selectAll('line')
      .data(yTicks)
      .join('line')
      .attr('x1', MARGIN.left)
      .attr('x2', width - MARGIN.right)
      .attr('y1', (d) => round1(y(d)))
      .attr('y2', (d) => round1(y(d)))
      .style('stroke', 'var(--chart-grid)')
      .style('stroke-width', '1');
    const titles = [
      ...(labels.x === undefined ? [] : [{ text: labels.x, transform: `translate(${(MARGIN.left + width - MARGIN.right) / 2} ${height - 4})` }]),
      ...(labels.y === undefined ? [] : [{ text: labels.y, transform: `translate(12 ${(MARGIN.top + bottom) / 2}) rotate(-90)` }]),
    ];
    svg
      .select('.histogram-titles')
      .selectAll('text')
      .data(titles)
      .join('text')
      .attr('transform', (d) => d.transform)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .style('fill', 'var(--muted)')
      .text((d) => d.text);

    // Regions are clipped to the x range: |x| > 0.97 of tanh is drawn up to ±1.
    const [lo, hi] = x.domain() as [number, number];
    const regions = this.#regions
      .map((r) => ({ ...r, a: clamp(Math.min(r.from, r.to), lo, hi), b: clamp(Math.max(r.from, r.to), lo, hi) }))
      .filter((r) => r.b > r.a);
    const atRight = (r: { a: number; b: number }) => r.a + r.b > lo + hi;
    const region = svg
      .select('.histogram-regions')
      .selectAll('g')
      .data(regions)
      .join((enter) => enter.append('g').call((g) => {
        g.append('rect');
        g.append('text');
      }));
    region
      .select('rect')
      .attr('x', (r) => round1(x(r.a)))
      .attr('y', MARGIN.top)
      .attr('width', (r) => round1(x(r.b) - x(r.a)))
      .attr('height', bottom - MARGIN.top)
      .style('fill', (r) => r.color ?? 'var(--chart-2)')
      .style('fill-opacity', '0.12');
    region
      .select('text')
      // Anchored at the region's outer edge (a region at either end is often narrow).
      .attr('x', (r) => round1(atRight(r) ? x(r.b) : x(r.a)))
      .attr('y', MARGIN.top - 4)
      .attr('text-anchor', (r) => (atRight(r) ? 'end' : 'start'))
      .attr('font-size', 11)
      .style('fill', 'var(--muted)')
      .text((r) => r.label);

    const bars = svg
      .select('.histogram-bars')
      .selectAll<SVGRectElement, number>('rect')
      .data(this.#counts)
      .join((enter) => enter.append('rect').attr('y', bottom).attr('height', 0))
      .attr('class', 'histogram-bar')
      .attr('data-bin', (_, i) => i)
      .attr('x', (_, i) => round1(x(this.#edges(i)[0])))
      .attr('width', (_, i) => round1(Math.max(0.5, x(this.#edges(i)[1]) - x(this.#edges(i)[0]) - (this.#counts.length > 60 ? 0 : 1))))
      .style('fill', 'var(--chart-1)');
    if (duration > 0) bars.transition(motion).attr('y', (c) => round1(y(c))).attr('height', (c) => round1(bottom - y(c)));
    else bars.interrupt().attr('y', (c) => round1(y(c))).attr('height', (c) => round1(bottom - y(c)));

    const number = numberFormat(locale);
    const aria =
      !data || this.#counts.length === 0
        ? (labels.empty ?? labels.readoutEmpty)
        : fillTemplate(labels.aria, { total: number.format(this.#total), bins: number.format(this.#counts.length), lo: this.#edge(data.lo), hi: this.#edge(data.hi) });
    svg.attr('aria-label', aria);
    this.#frame.plot.setAttribute('aria-label', data && this.#counts.length > 0 ? (labels.grid ?? aria) : aria);
    setRows(
      this.#frame.table.tbody,
      this.#counts.map((c, i) => {
        const [from, to] = this.#edges(i);
        return [this.#edge(from), this.#edge(to), formatCount(c, locale)];
      }),
    );
    this.#drawActive();
  }

  #edge(v: number): string {
    const digits = this.#opts.digits ?? 2;
    return Number.isFinite(v) ? numberFormat(this.#opts.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v) : MISSING;
  }

  #drawActive(): void {
    const geometry = this.#geometry;
    const active = this.#active;
    const svg = this.#frame.svg;
    const [from, to] = active === null ? [0, 0] : this.#edges(active);
    const shown = geometry && active !== null && this.#data ? [active] : [];
    svg
      .select('.histogram-active')
      .selectAll('rect')
      .data(shown)
      .join('rect')
      .attr('x', () => round1(geometry!.x(from)))
      .attr('y', MARGIN.top)
      .attr('width', () => round1(geometry!.x(to) - geometry!.x(from)))
      .attr('height', () => round1(geometry!.y(0) - MARGIN.top))
      .style('fill', 'var(--text)')
      .style('fill-opacity', '0.08')
      .style('stroke', 'var(--text)')
      .style('stroke-width', '1.5')
      .style('pointer-events', 'none');
    if (!geometry || active === null || !this.#data) {
      this.#frame.say(undefined);
      this.#frame.hideTip();
      return;
    }
    const { locale, labels } = this.#opts;
    const count = this.#counts[active] ?? 0;
    const mid = (from + to) / 2;
    const text = fillTemplate(labels.readout, {
      from: this.#edge(from),
      to: this.#edge(to),
      count: formatCount(count, locale),
      share: this.#total > 0 ? numberFormat(locale, { maximumFractionDigits: 1 }).format((100 * count) / this.#total) : MISSING,
      region: this.#regions.find((r) => mid >= Math.min(r.from, r.to) && mid <= Math.max(r.from, r.to))?.label ?? '',
    }).trim();
    this.#frame.say(text);
    if (!this.#tipShown) {
      this.#frame.hideTip();
      return;
    }
    const scale = this.#frame.scaleOf(geometry.width);
    const top = geometry.y(count);
    this.#frame.showTip(text, { x: geometry.x(mid) * scale, y: top * scale, height: 0 }, geometry.width * scale);
  }
}
