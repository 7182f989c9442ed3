import { line, scaleLinear, type ScaleLinear, type Selection } from 'd3';
import { drawAxes } from './axes';
import { ChartFrame, clamp, round1 } from './chartFrame';
import { setRows } from './dom';
import { fillTemplate, formatLoss, formatTick, MISSING, numberFormat, tickStep } from './format';
import { createLegend, type CurveStyle, drawCurves, renderLegend } from './curves';
import { RedrawBatch } from './redrawBatch';
import { thinEvenly } from './tableRows';

/** One loss measurement. */
export interface LossChartPoint {
  step: number;
  /** Which curve it belongs to: a `key` of `opts.series` (unknown keys get a default style). */
  series: string;
  loss: number;
}

/** How one curve looks. */
export type LossSeriesConfig = CurveStyle;

/** A horizontal line at a known loss, e.g. the count bigram's NLL. */
export interface LossReference {
  label: string;
  value: number;
  /** Draw it in this series' colour; otherwise in the axis colour. */
  series?: string;
}

/** Every string the chart shows; the page passes them in its language. */
export interface LossChartLabels {
  /** Axis titles. */
  x: string;
  y: string;
  /**
   * The SVG's accessible name. Placeholders: `{step}` (last step drawn), `{steps}` (total) and
   * `{<series key>}` (that series' latest loss, e.g. `{dev}`).
   */
  aria: string;
  /** The `<summary>` of the table alternative. */
  tableSummary: string;
  /** The table's caption; none if omitted. */
  tableCaption?: string;
  /** Table column headers. */
  colStep: string;
  colSeries: string;
  colLoss: string;
  /** A reference line's label. Placeholders: `{label}`, `{value}`. Default `{label} {value}`. */
  reference?: string;
}

export interface LossChartOptions {
  /** BCP 47 tag for number formatting. */
  locale?: string;
  /** The x axis runs to at least this step, so a run's curve grows into a fixed frame. */
  totalSteps?: number;
  series: LossSeriesConfig[];
  labels: LossChartLabels;
  /** Overrides the accessible name computed from `labels.aria`. */
  describe?: (state: LossChartState) => string;
  /**
   * Series listed in the table. Default: every series except `batch` (the per-step minibatch
   * loss, thousands of noisy rows); if that leaves nothing, the last `tableMaxRows` points.
   */
  tableSeries?: string[];
  /** Most rows in the table; longer histories are thinned evenly, first and last row kept. Default 500. */
  tableMaxRows?: number;
  /** Decimals of losses in the table and the reference labels. Default 3. */
  digits?: number;
  /** Layout width where the container reports none (Node tests, hidden containers). Default 640. */
  width?: number;
  /** Plot height in px; default scales with the width between 220 and 360. */
  height?: number;
}

/** What `describe` gets: the chart's current contents. */
export interface LossChartState {
  totalSteps: number;
  /** Last step drawn, 0 when empty. */
  step: number;
  /** Each series' latest loss. */
  last: Record<string, number>;
  pointCount: number;
  references: readonly LossReference[];
}

/** The data `update` replaces everything with. */
export interface LossChartData {
  points: LossChartPoint[];
  references?: LossReference[];
  totalSteps?: number;
}

interface Series {
  config: LossSeriesConfig;
  steps: number[];
  losses: number[];
}

const MARGIN = { top: 14, right: 14, bottom: 40, left: 52 };
const DEFAULT_DIGITS = 3;
const REF_LABEL_GAP = 13;

/**
 * Loss against step for several named curves plus horizontal reference lines. `append` takes only
 * the new points; redraws are batched to one per animation frame.
 */
export class LossChartView {
  readonly #opts: LossChartOptions;
  readonly #frame: ChartFrame;
  readonly #legend: HTMLUListElement;
  readonly #svg: Selection<SVGSVGElement, unknown, null, undefined>;
  #series = new Map<string, Series>();
  #references: LossReference[] = [];
  #totalSteps: number;
  readonly #redraw = new RedrawBatch(() => this.#render());
  #count = 0;
  #yMin = Infinity;
  #yMax = -Infinity;
  #xMax = 0;

  constructor(container: HTMLElement, opts: LossChartOptions) {
    this.#opts = opts;
    this.#totalSteps = opts.totalSteps ?? 0;
    const doc = container.ownerDocument;
    const { labels } = opts;

    this.#frame = new ChartFrame(container, {
      prefix: 'loss',
      className: 'chart loss-chart',
      width: opts.width,
      table: { summary: labels.tableSummary, columns: [labels.colStep, labels.colSeries, labels.colLoss], caption: labels.tableCaption },
      onResize: () => this.#redraw.schedule(),
    });
    if (!labels.tableCaption) this.#frame.table.caption.remove();

    this.#legend = createLegend(doc);

    this.#svg = this.#frame.svg.style('overflow', 'visible');
    this.#svg.append('g').attr('class', 'loss-grid');
    this.#svg.append('g').attr('class', 'loss-x-axis').style('color', 'var(--chart-axis)');
    this.#svg.append('g').attr('class', 'loss-y-axis').style('color', 'var(--chart-axis)');
    this.#svg.append('text').attr('class', 'loss-x-title');
    this.#svg.append('text').attr('class', 'loss-y-title');
    this.#svg.append('g').attr('class', 'loss-references');
    this.#svg.append('g').attr('class', 'loss-lines').style('fill', 'none');
    this.#svg.append('g').attr('class', 'loss-markers');
    this.#svg.append('g').attr('class', 'loss-reference-labels');

    this.#frame.root.prepend(this.#legend);

    for (const config of opts.series) this.#series.set(config.key, { config, steps: [], losses: [] });
    this.#renderLegend();
    this.#redraw.now();
  }

  /** The element the view appended to its container. */
  get element(): HTMLElement {
    return this.#frame.root;
  }

  /** How many finite points the chart holds. */
  get pointCount(): number {
    return this.#count;
  }

  /** Adds new points (only the new ones: the chart keeps what it has). Non-finite losses or steps are skipped. */
  append(points: readonly LossChartPoint[]): void {
    for (const p of points) {
      if (!Number.isFinite(p.loss) || !Number.isFinite(p.step)) continue;
      const series = this.#seriesFor(p.series);
      series.steps.push(p.step);
      series.losses.push(p.loss);
      this.#count++;
      if (p.loss < this.#yMin) this.#yMin = p.loss;
      if (p.loss > this.#yMax) this.#yMax = p.loss;
      if (p.step > this.#xMax) this.#xMax = p.step;
    }
    this.#redraw.schedule();
  }

  /** Replaces the reference lines; non-finite values are skipped. */
  setReferences(refs: readonly LossReference[]): void {
    this.#references = refs.filter((r) => Number.isFinite(r.value));
    this.#redraw.schedule();
  }

  /** Replaces all points (and the references and total steps, where given). */
  update(data: LossChartData): void {
    this.#clear();
    if (data.totalSteps !== undefined) this.#totalSteps = data.totalSteps;
    if (data.references) this.setReferences(data.references);
    this.append(data.points);
  }

  /** Empties the chart for a new run; `totalSteps` sets the new run's length. */
  reset(opts: { totalSteps?: number } = {}): void {
    this.#clear();
    this.#references = [];
    if (opts.totalSteps !== undefined) this.#totalSteps = opts.totalSteps;
    this.#redraw.schedule();
  }

  /** Draws now whatever is waiting for the next animation frame (tests, or before a screenshot). */
  flush(): void {
    this.#redraw.flush();
  }

  /** Removes the view, its observer and any pending frame. */
  destroy(): void {
    this.#redraw.cancel();
    this.#frame.destroy();
  }

  #clear(): void {
    for (const s of this.#series.values()) {
      s.steps = [];
      s.losses = [];
    }
    this.#count = 0;
    this.#yMin = Infinity;
    this.#yMax = -Infinity;
    this.#xMax = 0;
  }

  #seriesFor(key: string): Series {
    let series = this.#series.get(key);
    if (!series) {
      // A curve nobody configured still gets drawn, in the next palette colour.
      const color = `var(--chart-${(this.#series.size % 6) + 1})`;
      series = { config: { key, label: key, color }, steps: [], losses: [] };
      this.#series.set(key, series);
      this.#renderLegend();
    }
    return series;
  }

  #state(): LossChartState {
    const last: Record<string, number> = {};
    for (const [key, s] of this.#series) {
      const loss = s.losses[s.losses.length - 1];
      if (loss !== undefined) last[key] = loss;
    }
    return { totalSteps: this.#totalSteps, step: this.#xMax, last, pointCount: this.#count, references: this.#references };
  }

  #renderLegend(): void {
    renderLegend(this.#legend, [...this.#series.values()].map((s) => s.config));
  }

  #render(): void {
    const { labels, locale } = this.#opts;
    const digits = this.#opts.digits ?? DEFAULT_DIGITS;
    const width = Math.max(240, this.#frame.width);
    const height = this.#opts.height ?? Math.round(clamp(width * 0.55, 220, 360));
    const plotRight = width - MARGIN.right;
    const plotBottom = height - MARGIN.bottom;
    const svg = this.#svg.attr('viewBox', `0 0 ${width} ${height}`);

    const x = scaleLinear()
      .domain([0, Math.max(1, this.#xMax, this.#totalSteps)])
      .range([MARGIN.left, plotRight]);
    const y = scaleLinear().domain(this.#yDomain(plotBottom - MARGIN.top)).range([plotBottom, MARGIN.top]).nice();

    // Axes, with as many ticks as fit: about one per 80 px across, one per 40 px up.
    const xTicks = Math.max(2, Math.floor((plotRight - MARGIN.left) / 80));
    const yTicks = Math.max(3, Math.floor((plotBottom - MARGIN.top) / 40));
    const xTickValues = x.ticks(xTicks);
    const yTickValues = y.ticks(yTicks);
    const xStep = tickStep(xTickValues);
    const yStep = tickStep(yTickValues);
    drawAxes(
      svg,
      'loss',
      { left: MARGIN.left, right: plotRight, top: MARGIN.top, bottom: plotBottom, height },
      { scale: x, ticks: xTickValues, format: (d) => formatTick(d, locale, xStep) },
      { scale: y, ticks: yTickValues, format: (d) => formatTick(d, locale, yStep) },
      labels,
    );

    this.#renderReferences(x, y);

    const series = [...this.#series.values()];
    const pathOf = (s: Series): string =>
      line<number>()
        .x((step) => round1(x(step)))
        .y((_, i) => round1(y(s.losses[i] ?? 0)))(s.steps) ?? '';
    drawCurves(svg.select<SVGGElement>('.loss-lines'), series, pathOf);

    // Dots on sparse curves (evaluations every few steps) so single points are visible too.
    const plotWidth = plotRight - MARGIN.left;
    const sparse = series.filter((s) => s.steps.length > 0 && s.steps.length <= plotWidth / 8);
    svg
      .select('.loss-markers')
      .selectAll<SVGGElement, Series>('g')
      .data(sparse, (s) => s.config.key)
      .join('g')
      .attr('data-series', (s) => s.config.key)
      .style('fill', (s) => s.config.color)
      .style('fill-opacity', (s) => String(s.config.opacity ?? 1))
      .selectAll('circle')
      .data((s) => s.steps.map((step, i) => [step, s.losses[i] ?? 0] as const))
      .join('circle')
      .attr('cx', (d) => round1(x(d[0])))
      .attr('cy', (d) => round1(y(d[1])))
      .attr('r', 2.5);

    const state = this.#state();
    const aria =
      this.#opts.describe?.(state) ??
      fillTemplate(labels.aria, {
        step: numberFormat(locale).format(state.step),
        steps: numberFormat(locale).format(state.totalSteps),
        ...Object.fromEntries(Object.entries(state.last).map(([k, v]) => [k, formatLoss(v, locale, digits)])),
      });
    svg.attr('aria-label', aria);

    this.#renderTable();
  }

  /**
   * The data and the references with 6% padding, plus room under the lowest reference for the
   * reference labels, which stack below their lines (`plotHeight` converts that room to loss units).
   */
  #yDomain(plotHeight: number): [number, number] {
    let lo = this.#yMin;
    let hi = this.#yMax;
    for (const r of this.#references) {
      lo = Math.min(lo, r.value);
      hi = Math.max(hi, r.value);
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
    const span = hi - lo || Math.max(Math.abs(hi), 1); // one value alone (an idle chart's reference line): a frame about it wide enough for short tick labels
    hi += span * 0.06;
    lo -= span * 0.06;
    if (this.#references.length > 0) {
      const lowest = Math.min(...this.#references.map((r) => r.value));
      // Solve for lo: (lowest - lo) / (hi - lo) = room / plotHeight.
      const k = Math.min(0.5, (this.#references.length * REF_LABEL_GAP + 4) / Math.max(1, plotHeight));
      lo = Math.min(lo, (lowest - k * hi) / (1 - k));
    }
    return [lo, hi];
  }

  #renderReferences(x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): void {
    const { labels, locale } = this.#opts;
    const digits = this.#opts.digits ?? DEFAULT_DIGITS;
    const [x0, x1] = x.range() as [number, number];
    const colorOf = (r: LossReference) => (r.series && this.#series.get(r.series)?.config.color) || 'var(--chart-axis)';
    const refs = this.#references.map((r) => ({ ...r, y: round1(y(r.value)) })).sort((a, b) => a.y - b.y);

    this.#svg
      .select('.loss-references')
      .selectAll('line')
      .data(refs)
      .join('line')
      .attr('x1', x0)
      .attr('x2', x1)
      .attr('y1', (r) => r.y)
      .attr('y2', (r) => r.y)
      .style('stroke', colorOf)
      .style('stroke-width', '1.25')
      .style('stroke-dasharray', '5 4');

    // Labels sit at the left just below their line: a falling loss curve is still far above
    // there, and the y domain leaves room below the lowest line. Close lines (train and dev NLL
    // differ by ~0.01) get their labels stacked in the lines' order; a line with another just
    // below it, which would cross its label there, takes its label above it when that is clear.
    let previous = -Infinity;
    const placed = refs.map((r, i) => {
      const crossedBelow = (refs[i + 1]?.y ?? Infinity) - r.y < REF_LABEL_GAP;
      const clearAbove = Math.max(previous, refs[i - 1]?.y ?? -Infinity) < r.y - REF_LABEL_GAP;
      const labelY = crossedBelow && clearAbove ? r.y - 3 : Math.max(r.y + REF_LABEL_GAP - 1, previous + REF_LABEL_GAP);
      previous = labelY;
      return { ...r, labelY, text: fillTemplate(labels.reference ?? '{label} {value}', { label: r.label, value: formatLoss(r.value, locale, digits) }) };
    });
    const fontSize = 11;
    this.#svg
      .select('.loss-reference-labels')
      .selectAll('text')
      .data(placed)
      .join('text')
      .attr('x', x0 + 6)
      .attr('y', (r) => r.labelY)
      .attr('text-anchor', 'start')
      .attr('font-size', fontSize)
      .style('fill', colorOf)
      .style('stroke', 'var(--bg)')
      .style('stroke-width', '3')
      .style('stroke-linejoin', 'round')
      .style('paint-order', 'stroke')
      .text((r) => r.text);
  }

  #renderTable(): void {
    const { locale, tableSeries, tableMaxRows = 500 } = this.#opts;
    const digits = this.#opts.digits ?? DEFAULT_DIGITS;
    const order = [...this.#series.keys()];
    const keys = tableSeries ?? order.filter((k) => k !== 'batch');
    let rows: { step: number; key: string; loss: number }[] = [];
    for (const key of keys) {
      const s = this.#series.get(key);
      if (s) s.steps.forEach((step, i) => rows.push({ step, key, loss: s.losses[i] ?? NaN }));
    }
    if (rows.length === 0 && !tableSeries) {
      for (const [key, s] of this.#series) s.steps.forEach((step, i) => rows.push({ step, key, loss: s.losses[i] ?? NaN }));
      rows.sort((a, b) => a.step - b.step);
      rows = rows.slice(-tableMaxRows);
    }
    rows.sort((a, b) => a.step - b.step || order.indexOf(a.key) - order.indexOf(b.key));
    rows = thinEvenly(rows, tableMaxRows);
    const stepFormat = numberFormat(locale);
    const labelOf = (key: string) => this.#series.get(key)?.config.label ?? key;
    setRows(
      this.#frame.table.tbody,
      rows.map((r) => [stepFormat.format(r.step), labelOf(r.key), formatLoss(r.loss, locale, digits)]),
    );
    // The references go in the footer: they belong to no step.
    setRows(
      this.#frame.table.tfoot,
      this.#references.map((r) => [MISSING, r.label, formatLoss(r.value, locale, digits)]),
    );
  }
}
