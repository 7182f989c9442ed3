import type { BackendName } from '../../lab/backend/names';
import type { Job, RangePoint, RangeSuggestion, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { formatLoss } from '../views/format';
import { LineChartView, type LineMarker } from '../views/lineChart';
import { formatSignificant } from '../views/logScale';
import { define } from './labWidget';
import { LR_FINDER_SCHEMA, type LrFinderSettings, rangeJob, rangeProblem, RATE_LIMITS, roundRate } from './lrFinderSchema';
import type { RunPhase } from './runLifecycle';
import { LR_FINDER_TEXT } from './text/lrFinder';
import { TrainingWidget } from './trainingWidget';

/** The event another widget's settings are set with (LabWidget listens for it). */
const SET_VALUES_EVENT = 'lm-set-values';

/** The loss of a uniform guess over names' 27 characters: where a fresh model should start. */
const UNIFORM_LOSS = Math.log(27);

/** How much higher than its start the chart shows the loss: above, the blow-up leaves the frame, and the curve's dip keeps its height. */
const HEADROOM = 1.2;

/** The loss axis before a test has drawn anything: where the losses of names' models lie. */
const INITIAL_LOSS_AXIS: [number, number] = [2, 4];

/** Longest the widget waits for the target trainer's code before telling it the rate anyway. */
const TARGET_WAIT_MS = 10_000;

/**
 * The learning-rate range test (Smith 2015; fastai's lr_find) on chapter 2's lecture MLP: its
 * worker trains a fresh model while the rate grows geometrically from the lowest rate to the
 * highest, and the batch loss (faint) and its moving average are drawn against the rate on a
 * log axis as they come. At the end the steepest descent and the minimum are marked and said in
 * words; the reader picks a rate on the curve (click, or keys) and "Train with this rate" sets
 * it as the `lr` of the trainer whose URL prefix is `data-target` (default `dyn`).
 *
 * It uses the trainers' run lifecycle (Run, Pause, Stop, lost worker or GPU) but is not a
 * training run: nothing is evaluated or kept. Mirrored in `data-*`: state, step, suggested,
 * minimum, picked, stopped-early, refused.
 */
class LrFinderElement extends TrainingWidget<typeof LR_FINDER_SCHEMA, typeof LR_FINDER_TEXT> {
  protected readonly urlPrefix = 'lrf';
  protected readonly schema = LR_FINDER_SCHEMA;
  protected readonly text = LR_FINDER_TEXT;
  /** A range test trains no model worth comparing: its sweep is not a run of the runs panel. */
  protected override readonly keepsRuns = false;
  protected get backend(): BackendName | 'auto' {
    return this.values.backend as BackendName | 'auto';
  }
  #chart: LineChartView | undefined;
  /** The current test's lowest loss (batch or smoothed) and its first smoothed loss, for the y axis. */
  #lowest = Infinity;
  #first = NaN;
  #last: RangePoint | undefined;
  #chosen: number | undefined;

  protected override setup(): void {
    const words = this.words;
    const locale = HTML_LANG[this.locale];
    const { min, max } = this.#settings();
    this.#chart = new LineChartView(this.ref('chart'), {
      locale,
      x: 'log',
      series: [
        { key: 'batch', label: words['chart.batch'], color: 'var(--chart-3)', opacity: 0.4, width: 1.25 },
        { key: 'smoothed', label: words['lrf.smoothed'], color: 'var(--chart-1)', width: 2.25 },
      ],
      guides: [{ value: UNIFORM_LOSS, label: words['lrf.uniform'] }],
      xDomain: [min, max],
      yDomain: INITIAL_LOSS_AXIS,
      picker: { series: 'smoothed', onPick: (x) => this.#choose(x) },
      // Three digits on the curve: two steps of a sweep can share two (0.0018 and 0.0018 at 200 steps).
      formatX: (x) => formatSignificant(x, locale, 3),
      formatY: (y) => formatLoss(y, locale, 3),
      labels: {
        x: words['lrf.axisRate'],
        y: words['chart.loss'],
        readout: words['lrf.readout'],
        tip: words['lrf.tip'],
        // The markers' labels carry their rate as the verdict writes it (two digits).
        marker: '{label}',
        readoutEmpty: words['lrf.readoutEmpty'],
        aria: words['lrf.aria'],
        grid: words['lrf.grid'],
        empty: words['lrf.empty'],
        tableSummary: words['table.show'],
        colX: words['lrf.colRate'],
      },
    });
    for (const input of this.querySelectorAll<HTMLInputElement>('input[data-rate]')) {
      const key = input.dataset.rate as 'min' | 'max';
      input.value = String(this.values[key]);
      this.listen(input, 'change', () => this.#typedRate(key, input));
    }
    super.setup();
    this.listen(this.ref('apply'), 'click', () => void this.#apply());
    this.#showOrderProblem();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  protected onSettingChanged(key: keyof typeof LR_FINDER_SCHEMA): void {
    if (key === 'backend') this.switchBackend(this.backend);
    else if (this.active) this.dispatch({ type: 'stop' });
    if (key === 'min' || key === 'max') {
      const { min, max } = this.#settings();
      if (!rangeProblem({ min, max })) this.#chart?.setDomain('x', [min, max]);
      this.#showOrderProblem();
    }
    if (this.run.phase === 'idle') this.onPhase('idle');
  }

  /** Starts a test, unless its range is not one: then says why and starts nothing. */
  protected override startRun(): void {
    if (this.#showOrderProblem()) {
      this.dataset.refused = 'true';
      return;
    }
    delete this.dataset.refused;
    super.startRun();
  }

  protected makeJob(): Job {
    return rangeJob(this.#settings());
  }

  protected beginRun(): void {
    const { min, max } = this.#settings();
    this.#lowest = Infinity;
    this.#first = NaN;
    this.#last = undefined;
    this.#chart?.reset();
    this.#chart?.setDomain('x', [min, max]);
    this.#chart?.setDomain('y', INITIAL_LOSS_AXIS);
    this.#choose(undefined);
    for (const part of ['progress', 'verdict']) this.ref(part).textContent = '';
    for (const key of ['step', 'suggested', 'minimum', 'stoppedEarly']) delete this.dataset[key];
  }

  protected onRunMessage(_message: WorkerResponse): void {}

  /** A test's points are drawn whatever the run's phase: its last message may come after the worker says it is done. */
  protected override onMessage(message: WorkerResponse): void {
    if (message.type === 'range') return this.#range(message);
    super.onMessage(message);
  }

  protected onPhase(phase: RunPhase): void {
    const { min, max, steps } = this.#settings();
    const status: Partial<Record<RunPhase, string>> = {
      idle: this.t('lrf.idle', { min: this.#rate(min), max: this.#rate(max), steps }),
      loading: this.t('status.loading', { dataset: this.t('data.names') }),
      running: this.t('lrf.running'),
      paused: this.t('train.paused'),
      stopped: this.t('train.stopped'),
      done: this.t('train.done'),
      error: '',
    };
    if (status[phase] !== undefined) this.setStatus(status[phase]);
  }

  #settings(): LrFinderSettings {
    const v = this.values;
    return { min: v.min as number, max: v.max as number, steps: Number(v.steps), batch: Number(v.batch), seed: v.seed as number };
  }

  /** A rate in the page's language, two significant digits: `0.003`, `3.2e-5`. */
  #rate(x: number): string {
    return formatSignificant(x, HTML_LANG[this.locale], 2);
  }

  /** A rate the reader typed: any spelling of a number (`1e-4` too) from 1e-7 to 10, else refused with a message. */
  #typedRate(key: 'min' | 'max', input: HTMLInputElement): void {
    const given = input.value.trim();
    const rate = Number(given);
    if (given === '' || rangeProblem({ min: rate, max: rate }) === 'range') {
      input.value = String(this.values[key]);
      this.showError(this.t('lrf.rangeRefused', { given: given || '–' }));
      return;
    }
    this.clearError();
    this.setValue(key, rate);
  }

  /**
   * Says so when the lowest rate is not below the highest (a link can ask for that; each rate is
   * already inside {@link RATE_LIMITS}, the URL's reading clamps it), and clears that message
   * once it no longer holds; returns whether the range is refused.
   */
  #showOrderProblem(): boolean {
    const { min, max } = this.#settings();
    const refused = rangeProblem({ min, max }) !== undefined;
    if (refused) this.showError(this.t('lrf.orderRefused', { min: this.#rate(min), max: this.#rate(max) }));
    else if (this.run.phase !== 'error') this.clearError();
    return refused;
  }

  #range(message: Extract<WorkerResponse, { type: 'range' }>): void {
    const chart = this.#chart;
    if (!chart) return;
    const { points } = message;
    chart.append({
      batch: points.map((p) => ({ x: p.learningRate, y: p.loss })),
      smoothed: points.map((p) => ({ x: p.learningRate, y: p.smoothed })),
    });
    for (const p of points) {
      if (Number.isNaN(this.#first) && Number.isFinite(p.smoothed)) this.#first = p.smoothed;
      for (const loss of [p.loss, p.smoothed]) if (Number.isFinite(loss)) this.#lowest = Math.min(this.#lowest, loss);
    }
    this.#fitLoss();
    const last = points.at(-1) ?? this.#last;
    this.#last = last;
    const { steps } = this.#settings();
    if (last) {
      this.dataset.step = String(last.step);
      this.showProgress(last.step, steps);
      this.ref('progress').textContent = this.t('lrf.progress', { step: last.step, steps, rate: this.#rate(last.learningRate), smoothed: this.number(last.smoothed, 3) });
    }
    if (message.done) this.#finish(message.suggestion, message.stoppedEarly === true);
  }

  /** The y axis runs from the lowest loss to a little above the start (and the uniform guess): a blow-up leaves the frame at the top. */
  #fitLoss(): void {
    if (!Number.isFinite(this.#lowest) || Number.isNaN(this.#first)) return;
    const top = Math.max(this.#first, UNIFORM_LOSS) * HEADROOM;
    const bottom = Math.min(this.#lowest, top - 0.1);
    this.#chart?.setDomain('y', [bottom - 0.05 * (top - bottom), top]);
  }

  /** The test ended: mark the suggestion and the minimum, say them, and pick the suggestion. */
  #finish(suggestion: RangeSuggestion | undefined, stoppedEarly: boolean): void {
    const sentences: string[] = [];
    if (stoppedEarly) {
      this.dataset.stoppedEarly = 'true';
      sentences.push(this.t('lrf.stoppedEarly', { rate: this.#rate(this.#last?.learningRate ?? NaN) }));
    }
    if (suggestion) {
      const { learningRate, rule, minimum } = suggestion;
      const markers: LineMarker[] = [
        { x: learningRate, label: this.t(rule === 'steepest' ? 'lrf.markSteepest' : 'lrf.markTenth', { rate: this.#rate(learningRate) }), color: 'var(--chart-2)' },
        { x: minimum.learningRate, label: this.t('lrf.markLowest', { rate: this.#rate(minimum.learningRate) }), color: 'var(--text)' },
      ];
      this.#chart?.setMarkers(markers);
      this.dataset.suggested = String(learningRate);
      this.dataset.minimum = String(minimum.learningRate);
      sentences.unshift(this.t(rule === 'steepest' ? 'lrf.steepest' : 'lrf.tenth', { suggested: this.#rate(learningRate), lowest: this.#rate(minimum.learningRate) }));
      this.#chart?.pick(learningRate);
      this.#choose(this.#chart?.picked ?? undefined);
    } else {
      sentences.push(this.t('lrf.noSuggestion'));
    }
    this.ref('verdict').textContent = sentences.join(' ');
  }

  /** The rate "Train with this rate" sets: the reader's pick, or the suggestion. */
  #choose(rate: number | undefined): void {
    this.#chosen = rate;
    const apply = this.ref<HTMLButtonElement>('apply');
    apply.disabled = rate === undefined;
    this.ref('picked').textContent = rate === undefined ? '' : this.t('lrf.picked', { rate: this.#rate(roundRate(rate)) });
    if (rate === undefined) delete this.dataset.picked;
    else this.dataset.picked = String(roundRate(rate));
  }

  /** Sets the target trainer's learning rate to the chosen one, loading that trainer first if it is not yet. */
  async #apply(): Promise<void> {
    if (this.#chosen === undefined) return;
    const rate = roundRate(this.#chosen);
    const prefix = this.dataset.target || 'dyn';
    await whenLoaded(document.querySelector<HTMLElement>(`[data-url-prefix="${CSS.escape(prefix)}"]`));
    document.dispatchEvent(new CustomEvent(SET_VALUES_EVENT, { detail: { prefix, values: { lr: rate }, reveal: true } }));
    this.ref('picked').textContent = this.t('lrf.applied', { rate: this.#rate(rate) });
  }
}

/**
 * Resolves once `host`'s custom element is defined (at once when it is, or when there is no
 * host). A widget's code loads only as the reader nears it (lazyWidget.ts), and one not loaded
 * would miss an event: scrolling to it starts the load. Gives up after {@link TARGET_WAIT_MS}.
 */
async function whenLoaded(host: HTMLElement | null): Promise<void> {
  if (!host || customElements.get(host.localName)) return;
  host.scrollIntoView({ block: 'start' });
  await Promise.race([customElements.whenDefined(host.localName), new Promise((resolve) => setTimeout(resolve, TARGET_WAIT_MS))]);
}

define('lm-lr-finder', LrFinderElement);
