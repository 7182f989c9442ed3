import type { InspectInput, ModelInfo, Probe, ShapedArray } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { type HistogramLabels, HistogramView } from '../views/histogramView';
import { LineChartView } from '../views/lineChart';
import { SATURATION_THRESHOLD } from './hiddenProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { GRADIENT_RANGES, gradientRange, HEALTHY_RATIO, LAYER_INPUT, LAYER_PROBES, probeName } from './layerProbes';
import { expandProbes, hiddenLayers, inspectable, matrices } from './probeTemplates';
import { mergeText } from './text/define';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { LAYER_STATS_TEXT } from './text/layerStats';

const TEXT = mergeText(INSIDE_VIEW_TEXT, LAYER_STATS_TEXT);

/** The view has no settings of its own. */
const SCHEMA = {} as const;

/** Height of each small histogram, px: several sit side by side. */
const HISTOGRAM_HEIGHT = 150;
/** The ratio chart's y axis before a run has drawn any point: the orders of magnitude ratios usually span. */
const EMPTY_RATIO_DOMAIN: [number, number] = [1e-5, 1e-1];
/** The colours of the ratio chart's series, one per weight matrix, in turn. */
const SERIES_COLOURS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)', 'var(--chart-6)'];

/** One small histogram with its name above and its words below. */
interface Cell {
  root: HTMLElement;
  view: HistogramView;
  words: HTMLElement;
  /** For a gradient: the index of the range it is drawn over (GRADIENT_RANGES). */
  range?: number;
}

/**
 * Statistics of every layer of an MLP, makemore's lecture 3 diagnostics: per hidden layer the
 * histogram of its tanh activations with the share that is saturated; per weight matrix the
 * histogram of the loss's gradient; and, while the followed trainer runs, each matrix's
 * update-to-weight ratio over the steps on a log axis, against the usual 1e-3. It opens on the
 * shipped checkpoint (activations and gradients; a model that does not train has no updates),
 * and draws as many layers as the model has: a deeper run draws more.
 * State for tests: `data-layers`, `data-matrices` (how many are drawn), `data-ratio-points`.
 */
class LayerStatsElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'layers';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  protected readonly inspectInput: InspectInput = LAYER_INPUT;
  #activations: Cell[] = [];
  #gradients = new Map<string, Cell>();
  #ratios: LineChartView | undefined;
  /** The matrices the ratio chart has a series for, in order (series `m0`, `m1`…). */
  #ratioMatrices: string[] = [];
  /** The run whose ratios are drawn: a new one starts the chart again. */
  #ratioRun: ModelInfo | undefined;
  #ratioPoints = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clear();
    this.#ratios?.destroy();
    this.#ratios = undefined;
  }

  protected probesFor(info: ModelInfo): Record<string, Probe> {
    return Object.fromEntries(Object.entries(expandProbes(LAYER_PROBES, info)).filter(([, probe]) => inspectable(probe)));
  }

  protected draw(frame: ViewFrame): void {
    const layers = hiddenLayers(frame.info);
    const mats = matrices(frame.info);
    this.#layout(layers, mats);
    const { arrays } = frame;
    this.#activations.forEach((cell, l) => {
      const counts = arrays[probeName.activations(l)];
      if (counts) cell.view.update({ lo: -1, hi: 1, counts: counts.data });
      const share = arrays[probeName.saturation(l)]?.info?.fraction;
      if (share !== undefined) cell.words.textContent = this.t('layers.saturated', { share: this.number(100 * Number(share), 1) });
      if (l === 0 && share !== undefined) this.dataset.saturated = String(share);
    });
    for (const matrix of mats) this.#drawGradient(matrix, arrays);
    this.#drawRatios(frame, mats);
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    return this.t('inside.checkpoint');
  }

  /** The gradient of `matrix`, over the narrowest range that holds it. */
  #drawGradient(matrix: string, arrays: Record<string, ShapedArray>): void {
    const std = arrays[probeName.gradientStd(matrix)]?.data[0];
    if (std === undefined) return;
    const range = gradientRange(std);
    const counts = arrays[probeName.gradient(matrix, range)];
    let cell = this.#gradients.get(matrix)!;
    if (cell.range !== range) {
      // The bin edges' decimals follow the range: a new view for a new range (a step of about 3, rare).
      cell.view.destroy();
      cell = { ...cell, view: this.#gradientView(cell.root, matrix, range), range };
      this.#gradients.set(matrix, cell);
    }
    const r = GRADIENT_RANGES[range]!;
    if (counts) cell.view.update({ lo: -r, hi: r, counts: counts.data });
    cell.words.textContent = this.t('layers.gradStd', { std: this.#small(std), range: this.#small(r) });
  }

  /** Appends the run's ratios at this snapshot, one point per matrix; the shipped model has none. */
  #drawRatios(frame: ViewFrame, mats: string[]): void {
    const words = this.ref('ratio-words');
    if (frame.source !== 'reader') {
      words.textContent = this.t('layers.noRatios');
      return;
    }
    if (frame.info !== this.#ratioRun) {
      this.#ratioRun = frame.info;
      this.#ratioChart(mats);
    }
    const points: Record<string, { x: number; y: number }[]> = {};
    const wasEmpty = this.#ratioPoints === 0;
    let furthest: { matrix: string; ratio: number } | undefined;
    this.#ratioMatrices.forEach((matrix, i) => {
      const ratio = frame.arrays[probeName.ratio(matrix)]?.data[0];
      if (ratio === undefined || !(ratio > 0)) return;
      points[`m${i}`] = [{ x: frame.step, y: ratio }];
      this.#ratioPoints += 1;
      if (!furthest || Math.abs(Math.log10(ratio / HEALTHY_RATIO)) > Math.abs(Math.log10(furthest.ratio / HEALTHY_RATIO))) furthest = { matrix, ratio };
    });
    if (wasEmpty && this.#ratioPoints > 0) this.#ratios?.setDomain('y', undefined); // the data's own, now there is some
    this.#ratios?.append(points);
    this.dataset.ratioPoints = String(this.#ratioPoints);
    if (furthest) words.textContent = this.t('layers.ratioWords', { step: this.number(frame.step, 0), matrix: furthest.matrix, ratio: this.#small(furthest.ratio), log: this.number(Math.log10(furthest.ratio), 2) });
  }

  /** A new, empty ratio chart with a series per matrix. */
  #ratioChart(mats: string[]): void {
    this.#ratios?.destroy();
    this.#ratioMatrices = mats;
    this.#ratioPoints = 0;
    const values = mats.map((m, i) => `${m} {m${i}}`).join(' · ');
    this.#ratios = new LineChartView(this.ref('ratios'), {
      locale: HTML_LANG[this.locale],
      y: 'log',
      yDomain: EMPTY_RATIO_DOMAIN,
      series: mats.map((label, i) => ({ key: `m${i}`, label, color: SERIES_COLOURS[i % SERIES_COLOURS.length]! })),
      guides: [{ value: HEALTHY_RATIO, label: this.t('layers.ratioGuide') }],
      formatY: (y) => this.#small(y),
      labels: {
        x: this.t('layers.ratioX'),
        y: this.t('layers.ratioY'),
        aria: this.t('layers.ratioAria'),
        readout: this.t('layers.ratioReadout', { values }),
        readoutEmpty: this.t('layers.ratioEmpty'),
        tableSummary: this.t('table.show'),
        colX: this.t('layers.colStep'),
      },
    });
  }

  /** Makes a histogram per hidden layer and per matrix, unless the model has the ones drawn already. */
  #layout(layers: number, mats: string[]): void {
    if (layers === this.#activations.length && mats.join() === [...this.#gradients.keys()].join()) return;
    this.#clear();
    const activations = this.ref('activations');
    for (let l = 0; l < layers; l++) {
      const root = this.#cell(activations, this.t('layers.layer', { layer: l + 1 }));
      const view = new HistogramView(root.querySelector<HTMLElement>('[data-chart]')!, {
        locale: HTML_LANG[this.locale],
        height: HISTOGRAM_HEIGHT,
        regions: [
          { from: -1, to: -SATURATION_THRESHOLD, label: this.t('layers.saturatedRegion') },
          { from: SATURATION_THRESHOLD, to: 1, label: this.t('layers.saturatedRegion') },
        ],
        labels: this.#histogramLabels(this.t('layers.actX'), this.t('layers.actAria', { layer: l + 1 })),
      });
      this.#activations.push({ root, view, words: root.querySelector('p:last-child')! });
    }
    const gradients = this.ref('gradients');
    for (const matrix of mats) {
      const root = this.#cell(gradients, matrix);
      const range = gradientRange(0);
      this.#gradients.set(matrix, { root, view: this.#gradientView(root, matrix, range), words: root.querySelector('p:last-child')!, range });
    }
    this.dataset.layers = String(layers);
    this.dataset.matrices = String(mats.length);
    if (!this.#ratios) this.#ratioChart(mats);
  }

  #gradientView(root: HTMLElement, matrix: string, range: number): HistogramView {
    const r = GRADIENT_RANGES[range]!;
    return new HistogramView(root.querySelector<HTMLElement>('[data-chart]')!, {
      locale: HTML_LANG[this.locale],
      height: HISTOGRAM_HEIGHT,
      // Enough decimals for the bins of ±r: 40 bins of r / 20 each.
      digits: Math.max(2, Math.ceil(-Math.log10(r / 20))),
      labels: this.#histogramLabels(this.t('layers.gradX'), this.t('layers.gradAria', { matrix, range: this.#small(r) })),
    });
  }

  #histogramLabels(x: string, aria: string): HistogramLabels {
    return {
      x,
      y: this.t('layers.count'),
      aria,
      readout: this.t('layers.readout'),
      readoutEmpty: this.t('layers.readoutEmpty'),
      tableSummary: this.t('table.show'),
      colFrom: this.t('layers.colFrom'),
      colTo: this.t('layers.colTo'),
      colCount: this.t('layers.colCount'),
    };
  }

  /** A cell of a grid: its name, a place for the chart, a line of words. */
  #cell(grid: HTMLElement, name: string): HTMLElement {
    const root = document.createElement('div');
    root.className = 'layer-stats-cell';
    const title = document.createElement('p');
    title.className = 'layer-stats-name';
    title.textContent = name;
    const chart = document.createElement('div');
    chart.dataset.chart = '';
    const words = document.createElement('p');
    words.className = 'widget-readout';
    root.append(title, chart, words);
    grid.append(root);
    return root;
  }

  #clear(): void {
    for (const cell of [...this.#activations, ...this.#gradients.values()]) {
      cell.view.destroy();
      cell.root.remove();
    }
    this.#activations = [];
    this.#gradients.clear();
  }

  /** A small positive number with two significant digits: 0.0023, 1.2e-5 as `1.2 × 10⁻⁵`. */
  #small(x: number): string {
    if (x === 0 || !Number.isFinite(x)) return this.number(x, 0);
    if (Math.abs(x) >= 1e-4) return x.toLocaleString(HTML_LANG[this.locale], { maximumSignificantDigits: 2 });
    const power = Math.floor(Math.log10(Math.abs(x)));
    return `${(x / 10 ** power).toLocaleString(HTML_LANG[this.locale], { maximumSignificantDigits: 2 })} × 10${superscript(power)}`;
  }
}

/** An integer in superscript digits, for powers of ten. */
function superscript(n: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `${n < 0 ? '⁻' : ''}${[...String(Math.abs(n))].map((d) => digits[Number(d)]).join('')}`;
}

define('lm-layer-stats', LayerStatsElement);
