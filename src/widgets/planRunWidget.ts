import type { BackendName, ProbeResult } from '../../lab/backend/names';
import type { DatasetId } from '../../lab/data/datasets';
import type { TrainingPlan } from '../../lab/train/run';
import type { Job, LossPoint, ModelInfo, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView, LossReference } from '../views/lossChart';
import { MEMORY_LIMIT_BYTES, type PlanCost, planCost } from './planCost';
import { canonicalJson } from './canonicalJson';
import { modelBus } from './modelBus';
import type { RunPhase, RunState } from './runLifecycle';
import type { TextKey, WidgetText } from './text/define';
import type { MLP_RUN_TEXT } from './text/mlpRun';
import { type ReferenceCurve, referenceFor, type RunFacts } from './runPlan';
import { trainingChart } from './trainingChart';
import { type TrainerSettings, TrainingWidget } from './trainingWidget';
import type { Field } from './urlState';
import { FOLLOWER_INPUT_EVENT, watchGroups } from './watchInputs';

/** A trainer's settings with a step count among them. */
export type PlanRunSettings = TrainerSettings & { steps: Field };

/** The chart's series of a reference run's dev curve from Node, drawn dashed. */
const REFERENCE_SERIES = 'reference';

/**
 * Snapshots for the views that follow this trainer: about this many per run, and never more
 * often than every 10 steps, unless a follower asks for its own cadence (watchInputs.ts,
 * `data-watch-every`).
 */
const SNAPSHOTS_PER_RUN = 200;
const MIN_WATCH_EVERY = 10;

/**
 * What every trainer of a model on names shares (chapter 2's and 3's MLP, chapters 4 and 5's
 * recurrent cells): a run is a `plan` job ({@link plan}); before Start it shows what the configuration costs (parameters, memory,
 * estimated time on the backend) and refuses one that would not fit; while it trains, the train
 * and dev curves run against the widget's reference lines and a reference curve from Node where
 * one applies, and the views that follow it (`data-follows` = its URL prefix) redraw from the
 * snapshots its worker takes between steps: it asks for them once the worker has built the
 * run's model, whose parameters the views' probes may name. A view that runs the model itself
 * (a sampler, `data-wants-model`) gets it saved when a run ends, done or stopped. Mirrored in `data-*`: state, step,
 * dev, params, refused.
 */
export abstract class PlanRunWidget<S extends PlanRunSettings, T extends WidgetText<TextKey<typeof MLP_RUN_TEXT>>> extends TrainingWidget<S, T> {
  protected get backend(): BackendName | 'auto' {
    return this.values.backend as BackendName | 'auto';
  }
  protected facts!: RunFacts;
  /** The current run's latest loss of each series. */
  protected last: Partial<Record<LossPoint['series'], number>> = {};
  #chart: LossChartView | undefined;
  /** Whether the chart has the reference run's series (and so its legend entry). */
  #chartHasReference = false;
  #probe: ProbeResult[] = [];
  #chosen: BackendName | undefined;
  #requests = 0;
  /** The input of each watch or inspect sent for the followers, by request id (canonical JSON). */
  readonly #watchInputs = new Map<number, string>();
  #modelInfo: ModelInfo | undefined;
  /** The request that saves a finished run's model for the followers that want it. */
  #trainedRequest = 0;
  /** The job whose model the worker holds (a run's or a loaded file's). */
  protected modelJob = 0;

  /** The plan a run of the current settings trains. */
  protected abstract plan(): TrainingPlan;
  /** The loss chart's accessible name. */
  protected abstract chartAria(): string;
  /** Horizontal lines on the chart, e.g. the count bigram's dev loss. */
  protected abstract referenceLines(): LossReference[];
  /** The Node run to draw dashed for the current settings, if one applies. */
  protected abstract referenceCurve(): ReferenceCurve | undefined;
  /** The status line of a finished run. */
  protected abstract doneText(): string;

  /** The data set a run trains on: names, unless a subclass trains on another. */
  protected get trainsOn(): DatasetId {
    return 'names';
  }

  /** Tokens of the data set and per training sequence of `plan`, for its cost: the page's facts unless a subclass knows better. */
  protected runShape(plan: TrainingPlan): { vocabSize: number; length: number } {
    return { vocabSize: this.facts.vocabSize, length: plan.sequenceLength ?? this.facts.length };
  }

  /**
   * Why the current settings cannot run, besides memory (which the base checks): a subclass's
   * sizes that do not go together. Said in the cost line before Start, and instead of a run.
   */
  protected refusal(): string | undefined {
    return undefined;
  }

  protected override setup(): void {
    this.facts = JSON.parse(this.ref('facts').textContent || '{}') as RunFacts;
    this.resetChart();
    super.setup();
    this.showCost();
    document.addEventListener(FOLLOWER_INPUT_EVENT, this.#onFollowerInput);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener(FOLLOWER_INPUT_EVENT, this.#onFollowerInput);
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  /** Steps of a run of the current settings. */
  protected get steps(): number {
    return Number(this.values.steps);
  }

  protected onSettingChanged(key: keyof S): void {
    if (key === 'backend') this.switchBackend(this.backend);
    else if (this.active) this.dispatch({ type: 'stop' });
    this.showCost();
    // Before any run, the chart shows what the new settings would be drawn against (their steps,
    // the reference curve of their plan or none); after a run, it keeps the run and its curve.
    if (this.run.phase === 'idle') this.resetChart();
  }

  /**
   * The shipped Node run of exactly the current plan among `curves` (the page's, unless given),
   * if one is (mirrored in `data-reference`): the reference curve of a trainer whose curves apply
   * to one plan each.
   */
  protected exactReference(curves: readonly ReferenceCurve[] = this.facts.curves): ReferenceCurve | undefined {
    const curve = referenceFor(curves, this.plan());
    this.dataset.reference = String(curve !== undefined);
    return curve;
  }

  /** The status line of a finished run: its dev loss, and where the Node run of the same plan ended, if one applies. */
  protected doneAgainstReference(): string {
    const reference = this.exactReference()?.points.at(-1)?.dev;
    const dev = this.loss(this.last.dev);
    return reference === undefined ? this.t('mlp.doneRun', { dev }) : this.t('mlp.doneRunReference', { dev, reference: this.loss(reference) });
  }

  /** Starts a run, unless the configuration would not fit: then says why and starts nothing. */
  protected override startRun(): void {
    const reason = this.refusal();
    const cost = this.#cost();
    if (reason !== undefined || !cost.fits) {
      this.dataset.refused = 'true';
      this.showError(reason ?? this.t('mlp.refused', { memory: this.megabytes(cost.trainingBytes), limit: this.megabytes(MEMORY_LIMIT_BYTES) }));
      return;
    }
    delete this.dataset.refused;
    super.startRun();
  }

  protected makeJob(): Job {
    return { kind: 'plan', dataset: this.trainsOn, plan: this.plan() };
  }

  protected beginRun(): void {
    this.modelJob = 0;
    this.last = {};
    this.resetChart();
    this.ref('losses').textContent = '';
    delete this.dataset.step;
    delete this.dataset.dev;
  }

  protected onRunMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.#probe = message.probe;
        this.#chosen = message.backend;
        return this.showCost();
      case 'progress':
        return this.#progress(message.step, message.points);
    }
  }

  protected override onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'model':
        return this.onModel(message.jobId, message.info);
      case 'snapshot':
        {
          const input = this.#watchInputs.get(message.requestId);
          if (input !== undefined) modelBus.publishSnapshot(this.instancePrefix, { step: message.step, arrays: message.arrays, text: message.text }, input);
        }
        return;
      case 'saved':
        if (message.requestId === this.#trainedRequest) modelBus.publishTrained(this.instancePrefix, { bytes: message.bytes, step: Number(this.dataset.step ?? 0) });
        return;
      default:
        return super.onMessage(message);
    }
  }

  /**
   * The worker holds a new model for job `jobId`: the followers are told, and a run's model is
   * watched for them (their probes may depend on it: its layers, its parameters), a loaded one
   * inspected once.
   */
  protected onModel(jobId: number, info: ModelInfo): void {
    this.modelJob = jobId;
    this.#modelInfo = info;
    this.dataset.params = String(info.params);
    modelBus.publishModel(this.instancePrefix, info);
    this.#watchFollowers(info.origin === 'training' ? 'watch' : 'inspect');
  }

  /**
   * Asks the worker for the followers' probes on the model it holds: one watch (while it trains)
   * or one inspect per input the followers declare (watchInputs.ts), each snapshot published on
   * the bus with the input it was taken on.
   */
  #watchFollowers(purpose: 'watch' | 'inspect'): void {
    const jobId = this.modelJob;
    const info = this.#modelInfo;
    if (!jobId || !info) return;
    this.#watchInputs.clear();
    const usualEvery = Math.max(MIN_WATCH_EVERY, Math.round(this.steps / SNAPSHOTS_PER_RUN));
    for (const { input, probes, every } of watchGroups(this.instancePrefix, info, purpose, usualEvery)) {
      const requestId = this.nextRequest();
      this.#watchInputs.set(requestId, canonicalJson(input));
      if (purpose === 'inspect') this.client?.send({ type: 'inspect', jobId, requestId, input, probes });
      else this.client?.send({ type: 'watch', jobId, requestId, every, input, probes });
    }
  }

  /**
   * A follower changed what it reads (the reader typed another text): once no run is going, the
   * model the trainer holds is inspected again on the followers' inputs, so a view of the
   * reader's model shows the new text (during a run, the next run's watch reads it).
   */
  readonly #onFollowerInput = (event: Event): void => {
    const detail = (event as CustomEvent<{ source?: string }>).detail;
    if (detail?.source !== this.instancePrefix || this.#modelInfo?.origin !== 'training') return;
    if (this.dataset.state === 'running' || this.dataset.state === 'paused' || this.dataset.state === 'loading') return;
    this.#watchFollowers('inspect');
  };

  /** A new id for a request to the worker (a watch, an inspect, a save): one counter, so that answers are never taken for another's. */
  protected nextRequest(): number {
    this.#requests += 1;
    return this.#requests;
  }

  /** Saves the run's model for the views that run it themselves, once a run has ended with steps taken. */
  #saveForFollowers(): void {
    if (!this.modelJob || !this.dataset.step || !modelBus.wantsModel(this.instancePrefix)) return;
    this.#trainedRequest = this.nextRequest();
    this.client?.send({ type: 'save', jobId: this.modelJob, requestId: this.#trainedRequest });
  }

  /** Called with each progress report's new points, after the chart and readouts took them. */
  protected onPoints(_points: readonly LossPoint[]): void {}

  #progress(step: number, points: LossPoint[]): void {
    this.#chart?.append(points);
    for (const p of points) this.last[p.series] = p.loss;
    this.dataset.step = String(step);
    if (this.last.dev !== undefined) this.dataset.dev = String(this.last.dev);
    this.showProgress(step, this.steps);
    this.ref('losses').textContent = this.t('mlp.losses', { step: this.number(step, 0), batch: this.loss(this.last.batch), train: this.loss(this.last.train), dev: this.loss(this.last.dev) });
    this.onPoints(points);
  }

  /** A loss as the readouts show it: three decimals, `–` when there is none yet. */
  protected loss(x: number | undefined): string {
    return x === undefined || !Number.isFinite(x) ? '–' : this.number(x, 3);
  }

  protected onPhase(phase: RunPhase, run: RunState): void {
    const status: Partial<Record<RunPhase, string>> = {
      idle: this.t('mlp.idle'),
      loading: this.t('status.loading', { dataset: this.t(`data.${this.trainsOn}`) }),
      running: this.t('mlp.training'),
      paused: this.t('train.paused'),
      stopped: [this.t('train.stopped'), run.evalAbandoned ? this.t('train.evalAbandoned') : ''].filter(Boolean).join(' '),
      done: this.doneText(),
      error: '',
    };
    if (status[phase] !== undefined) this.setStatus(status[phase]);
    if (phase === 'done' || phase === 'stopped') this.#saveForFollowers();
  }

  /**
   * Empties the chart for a run of the current settings: its steps, its reference lines and the
   * reference run's dev curve (dashed), up to the run's last step. The reference run has a legend
   * entry only while one applies, so the chart is made again when that changes.
   */
  protected resetChart(): void {
    const curve = this.referenceCurve();
    if (!this.#chart || this.#chartHasReference !== (curve !== undefined)) {
      this.#chart?.destroy();
      const extra = curve ? [{ key: REFERENCE_SERIES, label: this.t('mlp.refCurve'), color: 'var(--chart-2)', dash: '5 4', opacity: 0.6 }] : [];
      this.#chart = trainingChart(this.ref('chart'), this.locale, this.chartAria(), this.steps, extra);
      this.#chartHasReference = curve !== undefined;
    }
    this.#chart.reset({ totalSteps: this.steps });
    this.#chart.setReferences(this.referenceLines());
    if (curve) this.#chart.append(curve.points.filter((p) => p.step <= this.steps).map((p) => ({ step: p.step, series: REFERENCE_SERIES, loss: p.dev })));
  }

  #cost(): PlanCost {
    const backend = this.#chosen ?? (this.backend === 'auto' ? 'wasm' : this.backend);
    const probeMs = this.#probe.find((p) => p.name === backend && p.ok)?.ms;
    const plan = this.plan();
    const { vocabSize, length } = this.runShape(plan);
    return planCost(plan, vocabSize, length, backend, probeMs);
  }

  /** Parameters, memory and estimated time of the configuration, or why it cannot run. */
  protected showCost(): void {
    const cost = this.#cost();
    const reason = this.refusal();
    const line = this.ref('cost');
    line.classList.toggle('widget-readout--warning', !cost.fits || reason !== undefined);
    this.dataset.params = String(cost.params);
    if (reason !== undefined) {
      line.textContent = reason;
      return;
    }
    const vars = { params: this.number(cost.params, 0), memory: this.megabytes(cost.trainingBytes), time: this.duration(Math.max(1, cost.seconds)), backend: this.#chosen ?? this.backend };
    line.textContent = this.t(cost.fits ? (cost.measured ? 'mlp.cost' : 'mlp.costAssumed') : 'mlp.tooBig', vars);
  }

  protected megabytes(bytes: number): string {
    return this.t('mlp.megabytes', { mb: this.number(bytes / 1024 ** 2, bytes < 10 * 1024 ** 2 ? 1 : 0) });
  }
}
