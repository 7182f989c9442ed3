import { line, scaleLinear, scaleLog, type ScaleContinuousNumeric, type Selection } from 'd3';
import { drawAxes } from './axes';
import { ChartFrame, type ChartLabels, clamp, round1 } from './chartFrame';
import { setColumns, setRows } from './dom';
import { fillTemplate, formatTick, MISSING, numberFormat, tickStep } from './format';
import { drawGuides, drawMarkers, type LineGuide, type LineMarker, MARKER_ROW, type MarkerLayout, placeMarkers, type PlotEdges } from './lineMarks';
import { formatSignificant, logTicks, nearestIndex } from './logScale';
import { createLegend, type CurveStyle, drawCurves, renderLegend } from './curves';
import { RedrawBatch } from './redrawBatch';
import { thinEvenly } from './tableRows';

/** How an axis maps values: evenly, or by orders of magnitude (only positive values are drawn). */
export type ScaleKind = 'linear' | 'log';

export type { LineGuide, LineMarker } from './lineMarks';

/** One point of a curve. */
export interface LinePoint {
  x: number;
  y: number;
}

/** How one curve looks. */
export type LineSeriesConfig = CurveStyle;

/**
 * The chart's strings. `readout` (the picked point) fills `{x}` and, for each series, `{<key>}`
 * with its y at the point of that series nearest in x (`–` where it has none); `aria` fills
 * `{count}` (points of the first series), `{from}` and `{to}` (the x range drawn) and `{<key>}`
 * with each series' last y.
 */
export interface LineChartLabels extends ChartLabels {
  /** The table's first column header, over the x values; the other columns are the series' labels. */
  colX: string;
  /** A guide's label on the chart and in the table. Placeholders `{label}`, `{value}`. Default `{label}`. */
  guide?: string;
  /** A marker's label. Placeholders `{label}`, `{x}`. Default `{label} {x}`. */
  marker?: string;
  /** The tooltip beside the picked point, with the readout's placeholders; short, for a phone. Default: the readout. */
  tip?: string;
}

/** The optional picker: the reader chooses one x value of a series, by click or by keys. */
export interface LinePicker {
  /** The series whose points the picker moves along. */
  series: string;
  /** Called with the x the reader picked (not when a program calls {@link LineChartView.pick}). */
  onPick?: (x: number) => void;
}

export interface LineChartOptions {
  labels: LineChartLabels;
  /** BCP 47 tag for number formatting. */
  locale?: string;
  /** The x and y scales. Default linear. */
  x?: ScaleKind;
  y?: ScaleKind;
  series: LineSeriesConfig[];
  guides?: LineGuide[];
  markers?: LineMarker[];
  /** Fixed domains, e.g. a sweep's range, so a curve grows into its frame; by default the data's (and guides'). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** With a picker the plot is one tab stop with a readout: click, or ←/→ (Shift: ten points), Home and End. */
  picker?: LinePicker;
  /** How x and y values are written in the readout, the table and the labels (not the ticks). Default {@link formatSignificant}, 4 digits. */
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Series listed in the table. Default: every series. */
  tableSeries?: string[];
  /** Most rows in the table; longer curves are thinned evenly, first and last row kept. Default 500. */
  tableMaxRows?: number;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Plot height in px; default scales with the width between 220 and 360. */
  height?: number;
}

/** What `update` replaces everything with. */
export interface LineChartData {
  /** Points by series key. */
  series: Record<string, readonly LinePoint[]>;
  guides?: LineGuide[];
  markers?: LineMarker[];
}

interface Series {
  config: LineSeriesConfig;
  xs: number[];
  ys: number[];
}

type Scale = ScaleContinuousNumeric<number, number>;

interface Geometry {
  width: number;
  x: Scale;
  y: Scale;
}

const MARGIN = { top: 14, right: 16, bottom: 40, left: 56 };
let clipIds = 0;

/**
 * Curves of {x, y} points on linear or log scales, with labelled horizontal guides and vertical
 * markers, an optional picker, a legend and the table alternative (one row per x, one column per
 * series). `append` takes only new points; redraws are batched to one per animation frame.
 * Colours are theme variables, so the chart follows the page into dark mode.
 */
export class LineChartView {
  readonly #opts: LineChartOptions;
  readonly #frame: ChartFrame;
  readonly #legend: HTMLUListElement;
  readonly #svg: Selection<SVGSVGElement, unknown, null, undefined>;
  readonly #redraw = new RedrawBatch(() => this.#render());
  readonly #series = new Map<string, Series>();
  #guides: LineGuide[] = [];
  #markers: LineMarker[] = [];
  #xDomain: [number, number] | undefined;
  #yDomain: [number, number] | undefined;
  #geometry: Geometry | undefined;
  /** Index of the picked point in the picker's series. */
  #picked: number | null = null;
  /** Index of the point under the pointer, shown instead of the picked one while there. */
  #hover: number | null = null;
  #tipShown = false;

  constructor(container: HTMLElement, opts: LineChartOptions) {
    this.#opts = opts;
    this.#xDomain = opts.xDomain;
    this.#yDomain = opts.yDomain;
    const { labels } = opts;
    this.#frame = new ChartFrame(container, {
      prefix: 'line',
      width: opts.width,
      readout: opts.picker ? labels.readoutEmpty : undefined,
      interactive: opts.picker !== undefined,
      table: { summary: labels.tableSummary, columns: [], caption: labels.tableCaption },
      onResize: () => this.#redraw.schedule(),
    });
    if (labels.tableCaption === undefined) this.#frame.table.caption.remove();
    this.#legend = createLegend(container.ownerDocument);
    this.#frame.root.prepend(this.#legend);

    const clipId = `line-clip-${++clipIds}`;
    this.#svg = this.#frame.svg;
    this.#svg.append('defs').append('clipPath').attr('id', clipId).append('rect');
    for (const name of ['grid', 'x-axis', 'y-axis', 'guides', 'markers', 'lines', 'pick']) this.#svg.append('g').attr('class', `line-${name}`);
    this.#svg.append('text').attr('class', 'line-x-title');
    this.#svg.append('text').attr('class', 'line-y-title');
    this.#svg.selectAll('.line-x-axis, .line-y-axis').style('color', 'var(--chart-axis)');
    this.#svg.select('.line-lines').attr('clip-path', `url(#${clipId})`).style('fill', 'none');

    for (const config of opts.series) this.#series.set(config.key, { config, xs: [], ys: [] });
    renderLegend(this.#legend, opts.series);
    this.#guides = opts.guides ?? [];
    this.#markers = opts.markers ?? [];
    if (opts.picker) this.#frame.listen({ keydown: this.#onKey, focus: this.#onFocus, blur: this.#onLeave, pointermove: this.#onPointer, pointerleave: this.#onLeave, click: this.#onClick });
    this.#redraw.now();
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#frame.root;
  }

  /** How many points the chart holds, over all series. */
  get pointCount(): number {
    let count = 0;
    for (const s of this.#series.values()) count += s.xs.length;
    return count;
  }

  /** The x of the picked point, or `null`. */
  get picked(): number | null {
    return this.#picked === null ? null : (this.#pickerSeries()?.xs[this.#picked] ?? null);
  }

  /**
   * Adds points by series key (only the new ones: the chart keeps what it has). Points with a
   * non-finite coordinate, or one at or below zero on a log axis, are skipped. Points of a series
   * come in increasing x. A key nobody configured gets the next palette colour.
   */
  append(points: Readonly<Record<string, readonly LinePoint[]>>): void {
    for (const [key, list] of Object.entries(points)) {
      const series = this.#seriesFor(key);
      for (const p of list) {
        if (!this.#drawable(p.x, this.#opts.x) || !this.#drawable(p.y, this.#opts.y)) continue;
        series.xs.push(p.x);
        series.ys.push(p.y);
      }
    }
    this.#redraw.schedule();
  }

  /** Replaces all points, and the guides and markers where given. */
  update(data: LineChartData): void {
    this.#clearPoints();
    if (data.guides) this.#guides = data.guides;
    if (data.markers) this.#markers = data.markers;
    this.append(data.series);
  }

  /** Replaces the horizontal guides. */
  setGuides(guides: readonly LineGuide[]): void {
    this.#guides = [...guides];
    this.#redraw.schedule();
  }

  /** Replaces the vertical markers. */
  setMarkers(markers: readonly LineMarker[]): void {
    this.#markers = [...markers];
    this.#redraw.schedule();
  }

  /** Fixes an axis' domain (points outside are clipped), or with `undefined` lets it follow the data again. */
  setDomain(axis: 'x' | 'y', domain: [number, number] | undefined): void {
    if (axis === 'x') this.#xDomain = domain;
    else this.#yDomain = domain;
    this.#redraw.schedule();
  }

  /** Moves the picker to the point of its series nearest `x` (`null` clears it), without calling `onPick`. */
  pick(x: number | null): void {
    const xs = this.#pickerSeries()?.xs ?? [];
    this.#picked = x === null || xs.length === 0 ? null : nearestIndex(xs, x, this.#opts.x === 'log');
    this.#redraw.schedule();
  }

  /** Empties the chart for a new run: no points, markers or pick (guides and fixed domains stay). */
  reset(): void {
    this.#clearPoints();
    this.#markers = [];
    this.#redraw.schedule();
  }

  /** Draws now whatever is waiting for the next animation frame (tests, or before a screenshot). */
  flush(): void {
    this.#redraw.flush();
  }

  /** Removes the view, its listeners and any pending frame. */
  destroy(): void {
    this.#redraw.cancel();
    this.#frame.destroy();
  }

  #clearPoints(): void {
    for (const s of this.#series.values()) {
      s.xs = [];
      s.ys = [];
    }
    this.#picked = null;
    this.#hover = null;
  }

  #drawable(v: number, kind: ScaleKind | undefined): boolean {
    return Number.isFinite(v) && (kind !== 'log' || v > 0);
  }

  #seriesFor(key: string): Series {
    let series = this.#series.get(key);
    if (!series) {
      series = { config: { key, label: key, color: `var(--chart-${(this.#series.size % 6) + 1})` }, xs: [], ys: [] };
      this.#series.set(key, series);
      renderLegend(this.#legend, [...this.#series.values()].map((s) => s.config));
    }
    return series;
  }

  #pickerSeries(): Series | undefined {
    const key = this.#opts.picker?.series;
    return key === undefined ? undefined : this.#series.get(key);
  }

  #formatX(x: number): string {
    return this.#opts.formatX?.(x) ?? formatSignificant(x, this.#opts.locale, 4);
  }

  #formatY(y: number): string {
    return this.#opts.formatY?.(y) ?? formatSignificant(y, this.#opts.locale, 4);
  }

  /** The domain of one axis: fixed, or the values drawn (and the guides, for y) with a little room. */
  #domain(axis: 'x' | 'y'): [number, number] {
    const fixed = axis === 'x' ? this.#xDomain : this.#yDomain;
    if (fixed) return fixed;
    const log = (axis === 'x' ? this.#opts.x : this.#opts.y) === 'log';
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.#series.values()) {
      for (const v of axis === 'x' ? s.xs : s.ys) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (axis === 'y') {
      for (const g of this.#guides) {
        if (!this.#drawable(g.value, this.#opts.y)) continue;
        lo = Math.min(lo, g.value);
        hi = Math.max(hi, g.value);
      }
    }
    if (!Number.isFinite(lo)) return log ? [1, 10] : [0, 1];
    if (log) {
      const span = Math.max(hi / lo, 1.2);
      const pad = axis === 'y' ? span ** 0.06 : 1;
      return [lo / pad, hi * pad];
    }
    const span = hi - lo || Math.abs(hi) * 0.1 || 1;
    return axis === 'y' ? [lo - span * 0.06, hi + span * 0.06] : [lo, lo === hi ? lo + span : hi];
  }

  #scale(kind: ScaleKind | undefined, domain: [number, number], range: [number, number]): Scale {
    return kind === 'log' ? scaleLog().domain(domain).range(range) : scaleLinear().domain(domain).range(range);
  }

  #ticks(scale: Scale, kind: ScaleKind | undefined, count: number): number[] {
    return kind === 'log' ? logTicks(scale, count) : scale.ticks(count);
  }

  #render(): void {
    const { labels, locale } = this.#opts;
    const width = Math.max(240, this.#frame.width);
    const height = this.#opts.height ?? Math.round(clamp(width * 0.55, 220, 360));
    const markerRows = this.#markerLayout(width).rows;
    const top = MARGIN.top + markerRows * MARKER_ROW;
    const box = { left: MARGIN.left, right: width - MARGIN.right, top, bottom: height - MARGIN.bottom, height };
    const svg = this.#svg.attr('viewBox', `0 0 ${width} ${height}`);
    const x = this.#scale(this.#opts.x, this.#domain('x'), [box.left, box.right]);
    const y = this.#scale(this.#opts.y, this.#domain('y'), [box.bottom, box.top]);
    if (this.#opts.y !== 'log' && !this.#yDomain) y.nice();
    this.#geometry = { width, x, y };

    const xTicks = this.#ticks(x, this.#opts.x, Math.max(2, Math.floor((box.right - box.left) / 80)));
    const yTicks = this.#ticks(y, this.#opts.y, Math.max(3, Math.floor((box.bottom - box.top) / 40)));
    const tickFormat = (kind: ScaleKind | undefined, ticks: number[]) => (d: number) => (kind === 'log' ? formatSignificant(d, locale, 2) : formatTick(d, locale, tickStep(ticks)));
    drawAxes(svg, 'line', box, { scale: x, ticks: xTicks, format: tickFormat(this.#opts.x, xTicks) }, { scale: y, ticks: yTicks, format: tickFormat(this.#opts.y, yTicks) }, labels);
    svg.select('clipPath rect').attr('x', box.left).attr('y', box.top).attr('width', box.right - box.left).attr('height', box.bottom - box.top);

    const series = [...this.#series.values()];
    const pathOf = (s: Series): string =>
      line<number>()
        .x((v) => round1(x(v)))
        .y((_, i) => round1(y(s.ys[i] ?? NaN)))(s.xs) ?? '';
    drawCurves(svg.select<SVGGElement>('.line-lines'), series, pathOf);

    this.#renderGuides(box);
    this.#renderMarkers(box);
    this.#describe();
    this.#renderTable();
    this.#drawPick();
  }

  #renderGuides(box: PlotEdges): void {
    const y = this.#geometry!.y;
    const guides = this.#guides.filter((g) => this.#drawable(g.value, this.#opts.y)).map((g) => ({ guide: g, y: round1(y(g.value)), text: this.#guideText(g) }));
    drawGuides(this.#svg.select<SVGGElement>('.line-guides'), guides, box);
  }

  #guideText(g: LineGuide): string {
    return fillTemplate(this.#opts.labels.guide ?? '{label}', { label: g.label, value: this.#formatY(g.value) });
  }

  #markerText(m: LineMarker): string {
    return fillTemplate(this.#opts.labels.marker ?? '{label} {x}', { label: m.label, x: this.#formatX(m.x) });
  }

  /** The markers' labels placed above the plot, in as many rows as they need. */
  #markerLayout(width: number): MarkerLayout {
    const right = width - MARGIN.right;
    const x = this.#scale(this.#opts.x, this.#domain('x'), [MARGIN.left, right]);
    const markers = this.#markers.filter((m) => this.#drawable(m.x, this.#opts.x)).map((marker) => ({ marker, text: this.#markerText(marker), x: clamp(x(marker.x), MARGIN.left, right) }));
    return placeMarkers(markers, width);
  }

  #renderMarkers(box: PlotEdges): void {
    drawMarkers(this.#svg.select<SVGGElement>('.line-markers'), this.#markerLayout(this.#geometry!.width), box);
  }

  #describe(): void {
    const { labels, locale } = this.#opts;
    const first = [...this.#series.values()][0];
    const empty = [...this.#series.values()].every((s) => s.xs.length === 0);
    const [from, to] = this.#domainOfData();
    const aria = empty
      ? (labels.empty ?? labels.readoutEmpty)
      : fillTemplate(labels.aria, {
          count: numberFormat(locale).format(first?.xs.length ?? 0),
          from: this.#formatX(from),
          to: this.#formatX(to),
          ...Object.fromEntries([...this.#series].map(([key, s]) => [key, s.ys.length ? this.#formatY(s.ys[s.ys.length - 1]!) : MISSING])),
        });
    this.#svg.attr('aria-label', aria);
    if (this.#opts.picker) this.#frame.plot.setAttribute('aria-label', empty ? aria : (labels.grid ?? aria));
  }

  #domainOfData(): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.#series.values()) {
      if (s.xs.length === 0) continue;
      lo = Math.min(lo, s.xs[0]!, s.xs[s.xs.length - 1]!);
      hi = Math.max(hi, s.xs[0]!, s.xs[s.xs.length - 1]!);
    }
    return [lo, hi];
  }

  /** One row per x value of the table's series (thinned evenly), one column per series; guides and markers in the footer. */
  #renderTable(): void {
    const keys = (this.#opts.tableSeries ?? [...this.#series.keys()]).filter((k) => this.#series.has(k));
    const columns = keys.map((k) => this.#series.get(k)!);
    setColumns(this.#frame.table, [this.#opts.labels.colX, ...columns.map((s) => s.config.label)]);
    const byX = new Map<number, string[]>();
    columns.forEach((s, c) =>
      s.xs.forEach((x, i) => {
        let cells = byX.get(x);
        if (!cells) byX.set(x, (cells = columns.map(() => MISSING)));
        cells[c] = this.#formatY(s.ys[i]!);
      }),
    );
    const rows = [...byX].sort((a, b) => a[0] - b[0]).map(([x, cells]) => [this.#formatX(x), ...cells]);
    setRows(this.#frame.table.tbody, thinEvenly(rows, this.#opts.tableMaxRows ?? 500));
    const at = (x: number) => columns.map((s) => (s.xs.length ? this.#formatY(s.ys[nearestIndex(s.xs, x, this.#opts.x === 'log')]!) : MISSING));
    setRows(this.#frame.table.tfoot, [
      ...this.#markers.map((m) => [this.#markerText(m), ...at(m.x)]),
      ...this.#guides.map((g) => [g.label, ...columns.map(() => this.#formatY(g.value))]),
    ]);
  }

  /** The readout, tooltip and marks of the point shown: the one under the pointer, else the picked one. */
  #drawPick(): void {
    const pickSeries = this.#pickerSeries();
    const geometry = this.#geometry;
    const index = this.#hover ?? this.#picked;
    const shown = pickSeries && geometry && index !== null && index < pickSeries.xs.length ? index : null;
    const svg = this.#svg;
    const point = shown === null ? [] : [{ x: geometry!.x(pickSeries!.xs[shown]!), y: geometry!.y(pickSeries!.ys[shown]!) }];
    const [top, bottom] = geometry ? (geometry.y.range() as [number, number]).slice().sort((a, b) => a - b) : [0, 0];
    svg
      .select('.line-pick')
      .selectAll('line')
      .data(point)
      .join('line')
      .attr('x1', (p) => round1(p.x))
      .attr('x2', (p) => round1(p.x))
      .attr('y1', top!)
      .attr('y2', bottom!)
      .style('stroke', 'var(--text)')
      .style('stroke-opacity', '0.6')
      .style('stroke-width', '1.5')
      .style('pointer-events', 'none');
    svg
      .select('.line-pick')
      .selectAll('circle')
      .data(point)
      .join('circle')
      .attr('cx', (p) => round1(p.x))
      .attr('cy', (p) => round1(clamp(p.y, top!, bottom!)))
      .attr('r', 4.5)
      .style('fill', pickSeries?.config.color ?? 'var(--text)')
      .style('stroke', 'var(--bg)')
      .style('stroke-width', '2')
      .style('pointer-events', 'none');
    if (shown === null || !pickSeries || !geometry) {
      this.#frame.say(undefined);
      this.#frame.hideTip();
      return;
    }
    const x = pickSeries.xs[shown]!;
    const log = this.#opts.x === 'log';
    const vars = {
      x: this.#formatX(x),
      ...Object.fromEntries([...this.#series].map(([key, s]) => [key, s.xs.length ? this.#formatY(s.ys[nearestIndex(s.xs, x, log)]!) : MISSING])),
    };
    const { readout, tip } = this.#opts.labels;
    this.#frame.say(fillTemplate(readout, vars));
    if (!this.#tipShown) return this.#frame.hideTip();
    const scale = this.#frame.scaleOf(geometry.width);
    this.#frame.showTip(fillTemplate(tip ?? readout, vars), { x: point[0]!.x * scale, y: clamp(point[0]!.y, top!, bottom!) * scale, height: 0 }, geometry.width * scale);
  }

  #choose(index: number | null, notify: boolean): void {
    const xs = this.#pickerSeries()?.xs ?? [];
    const next = index === null || xs.length === 0 ? null : clamp(index, 0, xs.length - 1);
    const changed = next !== this.#picked;
    this.#picked = next;
    this.#drawPick();
    if (changed && notify && next !== null) this.#opts.picker?.onPick?.(xs[next]!);
  }

  #onFocus = (): void => {
    this.#tipShown = true;
    if (this.#picked === null) this.#choose(0, true);
    else this.#drawPick();
  };

  #onLeave = (event: Event): void => {
    this.#hover = null;
    if (event.type === 'pointerleave' && this.#frame.plot.ownerDocument.activeElement === this.#frame.plot) return this.#drawPick();
    this.#tipShown = false;
    this.#drawPick();
  };

  #onKey = (event: KeyboardEvent): void => {
    const count = this.#pickerSeries()?.xs.length ?? 0;
    if (event.altKey || event.metaKey || event.ctrlKey || count === 0) return;
    const at = this.#picked ?? 0;
    const stride = event.shiftKey ? 10 : 1;
    const moves: Record<string, number> = { ArrowRight: this.#picked === null ? 0 : at + stride, ArrowLeft: at - stride, ArrowUp: at + stride, ArrowDown: at - stride, Home: 0, End: count - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.#hover = null;
    this.#tipShown = true;
    this.#choose(moves[event.key]!, true);
  };

  #indexAt(event: MouseEvent): number | null {
    const geometry = this.#geometry;
    const xs = this.#pickerSeries()?.xs ?? [];
    if (!geometry || xs.length === 0) return null;
    const rect = (this.#svg.node() as SVGSVGElement).getBoundingClientRect();
    const scale = this.#frame.scaleOf(geometry.width);
    const px = (event.clientX - rect.left) / scale;
    return nearestIndex(xs, geometry.x.invert(clamp(px, ...(geometry.x.range() as [number, number]))), this.#opts.x === 'log');
  }

  #onPointer = (event: PointerEvent): void => {
    const index = this.#indexAt(event);
    if (index === null || index === this.#hover) return;
    this.#hover = index;
    this.#tipShown = true;
    this.#drawPick();
  };

  #onClick = (event: MouseEvent): void => {
    const index = this.#indexAt(event);
    if (index === null) return;
    this.#hover = null;
    this.#tipShown = true;
    this.#choose(index, true);
  };
}
