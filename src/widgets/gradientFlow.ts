import type { ModelSpec } from '../../lab/models/registry';
import type { ModelInfo, ModelSource, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { LineChartView } from '../views/lineChart';
import { formatSignificant } from '../views/logScale';
import { FAR, FLOW_INPUT, FLOW_LENGTH, FLOW_PROBES, type FlowPoint, flowCurve, flowRatio, NEAR, readerCurve } from './flowProbes';
import { define, LabWidget } from './labWidget';
import { FOLLOWS_ATTRIBUTE, modelBus } from './modelBus';
import { GRADIENT_FLOW_TEXT } from './text/gradientFlow';

const TEXT = GRADIENT_FLOW_TEXT;

/** The untrained RNN's recurrent weight scale (`recurrentScale`): 1 is the usual U(±1/√H). */
const SCHEMA = {
  scale: { kind: 'float', default: 1, min: 0.25, max: 4 },
} as const;

/** The chart's lines: the shipped RNN and LSTM, the untrained RNN, the reader's RNN. */
type SeriesKey = 'rnn' | 'lstm' | 'fresh' | 'reader';
const SERIES: readonly SeriesKey[] = ['rnn', 'lstm', 'fresh', 'reader'];

/** A model to measure in the widget's worker: loaded, then inspected once. */
interface Task {
  series: Exclude<SeriesKey, 'reader'>;
  source: ModelSource;
}

/**
 * The vanishing gradient, measured: ‖∂ℓ/∂h_t‖ (the lab's `rnn.state_grad` under a `norm` probe,
 * averaged over 32 dev windows of 40 characters) against the distance from the loss, on a log
 * scale, for the shipped RNN and LSTM of the same size, an untrained RNN whose recurrent weights
 * the reader scales, and the reader's RNN from the trainer it follows. One light worker (cpu)
 * measures the models one after another, each a `load` then an `inspect`: the two shipped ones
 * once, the untrained one again whenever its scale changes. State for tests: `data-ratio-<series>`
 * (‖g(1)‖ / ‖g(30)‖) and `data-measured` (the series drawn, comma-separated).
 */
class GradientFlowElement extends LabWidget<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'flow';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  protected readonly backend = 'cpu';
  #chart: LineChartView | undefined;
  readonly #curves: Partial<Record<SeriesKey, FlowPoint[]>> = {};
  #queue: Task[] = [];
  #task: Task | undefined;
  /** The shipped RNN's spec: the untrained one is the same model, its recurrent weights scaled. */
  #rnnSpec: ModelSpec | undefined;
  #requestId = 0;
  #readerStep: number | undefined;
  #unfollow: (() => void) | undefined;

  protected setup(): void {
    this.#buildChart();
    this.#queue = (['rnn', 'lstm'] as const).flatMap((series) => {
      const checkpoint = this.dataset[series];
      return checkpoint ? [{ series, source: { checkpoint } }] : [];
    });
    const follows = this.getAttribute(FOLLOWS_ATTRIBUTE);
    if (follows) {
      this.#unfollow = modelBus.follow(follows, this, {
        onModel: () => {
          delete this.#curves.reader;
          this.#readerStep = undefined;
          this.#redraw();
        },
        onSnapshot: ({ step, arrays }) => {
          const curve = readerCurve(arrays);
          if (!curve) return;
          this.#curves.reader = curve;
          this.#readerStep = step;
          this.#redraw();
        },
      });
    }
    this.#next();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unfollow?.();
    this.#unfollow = undefined;
    this.#chart?.destroy();
  }

  #buildChart(): void {
    const colours: Record<SeriesKey, string> = { rnn: 'var(--chart-1)', lstm: 'var(--chart-3)', fresh: 'var(--chart-5)', reader: 'var(--chart-2)' };
    const locale = HTML_LANG[this.locale];
    this.#chart = new LineChartView(this.ref('chart'), {
      locale,
      x: 'linear',
      y: 'log',
      xDomain: [0, FLOW_LENGTH - 1],
      series: SERIES.map((key) => ({ key, label: this.t(`flow.${key}`), color: colours[key], dash: key === 'fresh' ? '6 4' : undefined })),
      picker: { series: 'rnn' },
      formatX: (x) => String(x),
      formatY: (y) => formatSignificant(y, locale, 3),
      labels: {
        x: this.t('flow.x'),
        y: this.t('flow.y'),
        aria: this.t('flow.aria'),
        grid: this.t('flow.grid'),
        readout: this.t('flow.readout'),
        tip: this.t('flow.tip'),
        readoutEmpty: this.t('flow.readoutEmpty'),
        tableSummary: this.t('table.show'),
        colX: this.t('flow.colX'),
      },
    });
  }

  /** A new scale: the untrained RNN is measured again (after the shipped models, if they are still to come). */
  protected onSettingChanged(): void {
    this.#queue = this.#queue.filter((task) => task.series !== 'fresh');
    const fresh = this.#freshTask();
    if (fresh) this.#queue.push(fresh);
    if (this.#task?.series === 'fresh') this.#task = undefined;
    if (!this.#task) this.#next();
  }

  /** A failed load or inspect is tried again from the error's retry (onSettingChanged). */
  protected override onJobFailed(): void {
    if (this.#task) this.#queue.unshift(this.#task);
    this.#task = undefined;
  }

  #freshTask(): Task | undefined {
    const spec = this.#rnnSpec;
    if (!spec) return undefined;
    const config = { ...(spec.config as object), recurrentScale: Number(this.values.scale) };
    return { series: 'fresh', source: { fresh: { dataset: 'names', spec: { ...spec, config } as ModelSpec } } };
  }

  /** Measures the next model in line, if any. */
  #next(): void {
    const task = this.#queue.shift();
    this.#task = task;
    if (!task) {
      this.setStatus(this.t('flow.measured'));
      return;
    }
    this.setStatus(this.t('flow.measuring', { model: this.#name(task.series) }));
    this.client?.send({ type: 'load', jobId: this.nextJob(), source: task.source });
  }

  protected onMessage(message: WorkerResponse): void {
    const task = this.#task;
    if (!task) return;
    switch (message.type) {
      case 'model':
        if (task.series === 'rnn') this.#knowRnn(message.info);
        this.#requestId += 1;
        this.client?.send({ type: 'inspect', jobId: this.currentJob, requestId: this.#requestId, input: FLOW_INPUT, probes: FLOW_PROBES });
        return;
      case 'snapshot': {
        const grad = message.arrays.grad;
        if (message.requestId !== this.#requestId || !grad) return;
        this.#curves[task.series] = flowCurve(grad.data);
        this.#redraw();
        this.#next();
        return;
      }
    }
  }

  /** The shipped RNN is known: the untrained one of the same size joins the line. */
  #knowRnn(info: ModelInfo): void {
    this.#rnnSpec = { kind: info.kind, config: info.config } as ModelSpec;
    const fresh = this.#freshTask();
    if (fresh && !this.#queue.some((t) => t.series === 'fresh')) this.#queue.push(fresh);
  }

  #redraw(): void {
    const drawn = SERIES.filter((key) => this.#curves[key]);
    this.#chart?.update({ series: Object.fromEntries(drawn.map((key) => [key, this.#curves[key]!])) });
    const rows: HTMLTableRowElement[] = [];
    const sentences: string[] = [];
    for (const key of drawn) {
      const ratio = flowRatio(this.#curves[key]!, NEAR, FAR);
      if (!ratio) continue;
      this.dataset[`ratio${key[0]!.toUpperCase()}${key.slice(1)}`] = String(ratio.ratio);
      const name = this.#name(key);
      rows.push(this.#row(key, [name, this.#norm(ratio.near), this.#norm(ratio.far), this.#ratio(ratio.ratio)]));
      const weaker = ratio.ratio >= 1;
      sentences.push(this.t(weaker ? 'flow.weaker' : 'flow.stronger', { model: name, ratio: this.#ratio(weaker ? ratio.ratio : 1 / ratio.ratio) }));
    }
    this.ref('ratios').querySelector('tbody')!.replaceChildren(...rows);
    this.ref('summary').replaceChildren(
      ...sentences.map((s) => {
        const p = document.createElement('p');
        p.textContent = s;
        return p;
      }),
    );
    this.dataset.measured = drawn.join(',');
  }

  #row(key: SeriesKey, cells: string[]): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.series = key;
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (cell as HTMLTableCellElement).scope = 'row';
      cell.textContent = text;
      tr.append(cell);
    });
    return tr;
  }

  /** A series as the table and the sentences name it. */
  #name(key: SeriesKey): string {
    if (key === 'fresh') return this.t('flow.freshScale', { scale: this.number(Number(this.values.scale), 2) });
    if (key === 'reader' && this.#readerStep !== undefined) return this.t('flow.readerStep', { step: this.number(this.#readerStep, 0) });
    return this.t(`flow.${key}`);
  }

  #norm(x: number): string {
    return formatSignificant(x, HTML_LANG[this.locale], 3);
  }

  #ratio(x: number): string {
    return formatSignificant(x, HTML_LANG[this.locale], 2);
  }
}

define('lm-gradient-flow', GradientFlowElement);
