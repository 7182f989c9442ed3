import type { InspectInput, ModelInfo, Probe } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { HistogramView } from '../views/histogramView';
import { MatrixView } from '../views/matrixView';
import { HIDDEN_INPUT, HIDDEN_PROBES, SATURATION_THRESHOLD } from './hiddenProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';

/** The hidden-layer view has no settings of its own. */
const SCHEMA = {} as const;

/**
 * The MLP's tanh hidden layer on the probe batch: the histogram of its activations (healthy:
 * spread over (−1, 1); badly initialized: piled at ±1) and the map of saturated units, positions
 * down and units across, white where |tanh| ≥ 0.97 — where the gradient barely flows. A column
 * white all the way down is a dead unit: it learns from no example.
 */
class HiddenLayerElement extends InsideView<typeof SCHEMA> {
  protected readonly urlPrefix = 'hidden';
  protected readonly schema = SCHEMA;
  protected readonly inspectInput: InspectInput = HIDDEN_INPUT;
  #histogram: HistogramView | undefined;
  #map: MatrixView | undefined;

  protected override setup(): void {
    const locale = HTML_LANG[this.locale];
    this.#histogram = new HistogramView(this.ref('histogram'), {
      locale,
      highlight: [
        [-1, -SATURATION_THRESHOLD],
        [SATURATION_THRESHOLD, 1],
      ],
      labels: {
        x: this.t('hidden.x'),
        y: this.t('hidden.y'),
        aria: this.t('hidden.histAria'),
        readout: this.t('hidden.histReadout'),
        readoutEmpty: this.t('hidden.histEmpty'),
        tableSummary: this.t('table.show'),
        colBin: this.t('hidden.colBin'),
        colCount: this.t('hidden.colCount'),
      },
    });
    this.#map = new MatrixView(this.ref('map'), {
      locale,
      scale: { kind: 'sequential', domain: [0, 1] },
      labels: {
        aria: this.t('hidden.mapAria'),
        readoutEmpty: this.t('hidden.mapEmpty'),
        tableSummary: this.t('table.show'),
        axisRows: this.t('hidden.mapRows'),
        axisCols: this.t('hidden.mapCols'),
      },
      readout: (cell) => this.t(cell.value >= 1 ? 'hidden.mapSaturated' : 'hidden.mapFree', { unit: cell.col, position: cell.row }),
      format: () => '',
    });
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#histogram?.destroy();
    this.#map?.destroy();
  }

  protected probesFor(_info: ModelInfo): Record<string, Probe> {
    return HIDDEN_PROBES;
  }

  protected draw(frame: ViewFrame): void {
    const { histogram, saturation } = frame.arrays;
    if (histogram) this.#histogram?.update({ range: [-1, 1], counts: [...histogram.data] });
    if (!saturation) return;
    const [rows = 0, cols = 0] = saturation.shape;
    this.#map?.update({ rows, cols, values: saturation.data });
    const saturated = saturation.data.reduce((n, x) => n + x, 0);
    const dead = Array.from({ length: cols }, (_, c) => c).filter((c) => Array.from({ length: rows }, (_, r) => saturation.data[r * cols + c]!).every((x) => x >= 1)).length;
    this.dataset.saturated = String(saturated / Math.max(1, rows * cols));
    this.ref('saturated').textContent = this.t('hidden.saturatedShare', { share: this.number((100 * saturated) / Math.max(1, rows * cols), 1), dead, units: cols });
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    return this.t('inside.checkpoint');
  }
}

define('lm-hidden-layer', HiddenLayerElement);
