import type { InspectInput, ModelInfo, Probe } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { HistogramView } from '../views/histogramView';
import { MatrixView } from '../views/matrixView';
import { HIDDEN_INPUT, HIDDEN_PROBES, SATURATION_THRESHOLD } from './hiddenProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { mergeText } from './text/define';
import { HIDDEN_LAYER_TEXT } from './text/hiddenLayer';
import { INSIDE_VIEW_TEXT } from './text/insideView';

const TEXT = mergeText(INSIDE_VIEW_TEXT, HIDDEN_LAYER_TEXT);

/** The hidden-layer view has no settings of its own. */
const SCHEMA = {} as const;

/**
 * The MLP's tanh hidden layer on the probe batch: the histogram of its activations (healthy:
 * spread over (−1, 1); badly initialized: piled at ±1) and the map of saturated units, positions
 * down and units across, white where |tanh| ≥ 0.97 — where the gradient barely flows. A column
 * white all the way down is a dead unit: it learns from no example.
 */
class HiddenLayerElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'hidden';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  protected readonly inspectInput: InspectInput = HIDDEN_INPUT;
  #histogram: HistogramView | undefined;
  #map: MatrixView | undefined;

  protected override setup(): void {
    const locale = HTML_LANG[this.locale];
    this.#histogram = new HistogramView(this.ref('histogram'), {
      locale,
      regions: [
        { from: -1, to: -SATURATION_THRESHOLD, label: this.t('hidden.region') },
        { from: SATURATION_THRESHOLD, to: 1, label: this.t('hidden.region') },
      ],
      labels: {
        x: this.t('hidden.x'),
        y: this.t('hidden.y'),
        aria: this.t('hidden.histAria'),
        readout: this.t('hidden.histReadout'),
        readoutEmpty: this.t('hidden.histEmpty'),
        tableSummary: this.t('table.show'),
        colFrom: this.t('hidden.colFrom'),
        colTo: this.t('hidden.colTo'),
        colCount: this.t('hidden.colCount'),
      },
    });
    this.#map = new MatrixView(this.ref('map'), {
      locale,
      scale: { type: 'sequential', domain: [0, 1] },
      labels: {
        aria: this.t('hidden.mapAria'),
        readoutEmpty: this.t('hidden.mapEmpty'),
        tableSummary: this.t('table.show'),
        axisRows: this.t('hidden.mapRows'),
        axisCols: this.t('hidden.mapCols'),
      },
      readout: (cell) => this.t(cell.value >= 1 ? 'hidden.mapSaturated' : 'hidden.mapFree', { unit: cell.col, position: cell.row }),
      format: () => '',
      // 200 units across a column of text: small cells, so the whole map is seen at once.
      minCell: 2,
      maxCell: 14,
      table: {
        columns: [this.t('hidden.mapRows'), this.t('hidden.colSaturated')],
        rows: (data) => Array.from({ length: data.rows }, (_, r) => [String(r), String(saturatedIn(data.values as Float32Array, r, data.cols))]),
      },
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
    if (histogram) this.#histogram?.update({ lo: -1, hi: 1, counts: histogram.data });
    if (!saturation) return;
    const [rows = 0, cols = 0] = saturation.shape;
    const values = Float32Array.from(saturation.data); // (rows, cols): 1 where saturated
    this.#map?.update({ rows, cols, values });
    // The share of every activation of the probe batch (the worker's count), not only the rows drawn.
    const share = Number(saturation.info?.fraction ?? values.reduce((n, x) => n + x, 0) / Math.max(1, rows * cols));
    const dead = Array.from({ length: cols }, (_, c) => c).filter((c) => Array.from({ length: rows }, (_, r) => values[r * cols + c]!).every((x) => x >= 1)).length;
    this.dataset.saturated = String(share);
    this.ref('saturated').textContent = this.t('hidden.saturatedShare', { share: this.number(100 * share, 1), dead, units: cols });
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    return this.t('inside.checkpoint');
  }
}

/** How many units of row `row` of a flat (rows, cols) 0/1 map are saturated. */
function saturatedIn(values: Float32Array, row: number, cols: number): number {
  let n = 0;
  for (let c = 0; c < cols; c++) n += values[row * cols + c]!;
  return n;
}

define('lm-hidden-layer', HiddenLayerElement);
