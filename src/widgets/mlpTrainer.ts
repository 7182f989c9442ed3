import type { BackendName, ProbeResult } from '../../lab/backend/names';
import type { Job, LossPoint, ModelInfo, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView } from '../views/lossChart';
import { define } from './labWidget';
import { MEMORY_LIMIT_BYTES, type MlpCost, mlpCost, mlpPlan, MLP_SCHEMA, type MlpValues, SAMPLER_KEYS } from './mlpSchema';
import { modelBus, WATCH_INPUT } from './modelBus';
import type { RunPhase, RunState } from './runLifecycle';
import { trainingChart } from './trainingChart';
import { MLP_TRAINER_TEXT } from './text/mlpTrainer';
import { TrainingWidget } from './trainingWidget';

/** What the page knows at build time: the data set's shape, the floor and the reference curve. */
interface MlpFacts {
  vocabSize: number;
  /** Tokens per sequence the trainer trains on (the longest name and its boundaries). */
  length: number;
  /** Dev loss of the count bigram: the floor the MLP must get under. */
  floorDev: number;
  /** The default configuration's curve, trained in Node. */
  curve: { step: number; train: number; dev: number }[];
}

/** The chart's series of the default configuration's dev curve from Node, drawn dashed. */
const REFERENCE_SERIES = 'reference';

/** Snapshots for the views that follow this trainer: about this many per run, and never more often than every 10 steps. */
const SNAPSHOTS_PER_RUN = 200;
const MIN_WATCH_EVERY = 10;

/**
 * Chapter 2's MLP (Bengio et al.'s neural language model, makemore's lecture) trained in the
 * widget's worker on names. Before Start it shows what the configuration costs (parameters,
 * memory, estimated time on the backend) and refuses one that would not fit; while it trains,
 * the train and dev curves run against the count bigram's floor and the default configuration's
 * curve from Node, and the views that follow it (`data-follows` = its URL prefix) redraw from
 * snapshots its worker takes between steps. After a run: samples, and Save / Load of the model.
 * Mirrored in `data-*`: state, step, dev, params, refused.
 */
class MlpTrainerElement extends TrainingWidget<typeof MLP_SCHEMA, typeof MLP_TRAINER_TEXT> {
  protected readonly urlPrefix = 'mlp';
  protected readonly schema = MLP_SCHEMA;
  protected readonly text = MLP_TRAINER_TEXT;
  protected get backend(): BackendName | 'auto' {
    return this.values.backend as BackendName | 'auto';
  }
  #facts!: MlpFacts;
  #chart: LossChartView | undefined;
  #probe: ProbeResult[] = [];
  #chosen: BackendName | undefined;
  #watchRequest = 0;
  #saveRequest = 0;
  /** The job whose model the worker holds (a run's or a loaded file's), for sampling and saving. */
  #modelJob = 0;
  #last: Partial<Record<LossPoint['series'], number>> = {};
  /** The job that loads a reader's file: not a run, so its failure is shown here rather than by the run lifecycle. */
  #loadJob = 0;

  protected override setup(): void {
    this.#facts = JSON.parse(this.ref('facts').textContent || '{}') as MlpFacts;
    this.#chart = trainingChart(this.ref('chart'), this.locale, this.t('mlp.aria'), Number(this.values.steps), [
      { key: REFERENCE_SERIES, label: this.t('mlp.refCurve'), color: 'var(--chart-2)', dash: '5 4', opacity: 0.6 },
    ]);
    this.#showReferences();
    super.setup();
    this.listen(this.ref('generate'), 'click', () => this.#sample());
    this.listen(this.ref('save'), 'click', () => this.#save());
    this.listen(this.ref('load'), 'change', () => void this.#load());
    this.#showCost();
    this.#enableModelButtons();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  protected onSettingChanged(key: keyof typeof MLP_SCHEMA): void {
    if ((SAMPLER_KEYS as readonly string[]).includes(key)) return this.#sample();
    if (key === 'backend') this.switchBackend(this.backend);
    else if (this.active) this.dispatch({ type: 'stop' });
    this.#showCost();
  }

  /** Starts a run, unless the configuration would not fit: then says why and starts nothing. */
  protected override startRun(): void {
    const cost = this.#cost();
    if (!cost.fits) {
      this.dataset.refused = 'true';
      this.showError(this.t('mlp.refused', { memory: this.#megabytes(cost.trainingBytes), limit: this.#megabytes(MEMORY_LIMIT_BYTES) }));
      return;
    }
    delete this.dataset.refused;
    super.startRun();
    const probes = modelBus.probesOf(this.instancePrefix);
    if (Object.keys(probes).length === 0) return;
    this.#watchRequest += 1;
    const every = Math.max(MIN_WATCH_EVERY, Math.round(Number(this.values.steps) / SNAPSHOTS_PER_RUN));
    this.client?.send({ type: 'watch', jobId: this.currentJob, requestId: this.#watchRequest, every, input: WATCH_INPUT, probes });
  }

  protected makeJob(): Job {
    return { kind: 'plan', dataset: 'names', plan: mlpPlan(this.values as MlpValues) };
  }

  protected beginRun(): void {
    this.#last = {};
    this.#modelJob = 0;
    this.#enableModelButtons();
    this.#chart?.reset({ totalSteps: Number(this.values.steps) });
    this.#showReferences();
    for (const part of ['losses', 'samples']) this.ref(part).textContent = '';
    delete this.dataset.step;
    delete this.dataset.dev;
  }

  protected onRunMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.#probe = message.probe;
        this.#chosen = message.backend;
        return this.#showCost();
      case 'progress':
        return this.#progress(message.step, message.points);
    }
  }

  protected override onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'model':
        return this.#heldModel(message.jobId, message.info);
      case 'snapshot':
        if (message.requestId === this.#watchRequest || message.requestId < 0) modelBus.publishSnapshot(this.instancePrefix, { step: message.step, arrays: message.arrays });
        return;
      case 'sample':
        this.ref('samples').textContent = message.texts.join('  ·  ');
        return;
      case 'saved':
        return this.#download(message.bytes, message.fileName);
      default:
        return super.onMessage(message);
    }
  }

  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    if (message.jobId !== undefined && message.jobId === this.#loadJob) return this.showError(this.t('mlp.loadFailed', { reason: message.message }));
    super.onWorkerError(message);
  }

  #heldModel(jobId: number, info: ModelInfo): void {
    if (info.kind !== 'mlp') {
      // The worker holds it now, in place of the last model: nothing is left to sample or save.
      this.#modelJob = 0;
      this.#enableModelButtons();
      this.showError(this.t('mlp.notMlp', { kind: info.kind }));
      return;
    }
    this.#modelJob = jobId;
    this.dataset.params = String(info.params);
    modelBus.publishModel(this.instancePrefix, info);
    this.#enableModelButtons();
    if (info.origin !== 'training') {
      this.setStatus(this.t('mlp.loaded', { step: this.number(info.step, 0), params: this.number(info.params, 0) }));
      this.#inspectForFollowers();
    }
  }

  /** Snapshots the held model once for the followers (a loaded file has no run to watch). */
  #inspectForFollowers(): void {
    const probes = modelBus.probesOf(this.instancePrefix);
    if (Object.keys(probes).length === 0) return;
    this.#watchRequest += 1;
    this.client?.send({ type: 'inspect', jobId: this.#modelJob, requestId: this.#watchRequest, input: WATCH_INPUT, probes });
  }

  #progress(step: number, points: LossPoint[]): void {
    this.#chart?.append(points);
    for (const p of points) this.#last[p.series] = p.loss;
    this.dataset.step = String(step);
    if (this.#last.dev !== undefined) this.dataset.dev = String(this.#last.dev);
    this.showProgress(step, Number(this.values.steps));
    const fmt = (x: number | undefined) => (x === undefined ? '–' : this.number(x, 3));
    this.ref('losses').textContent = this.t('mlp.losses', { step: this.number(step, 0), batch: fmt(this.#last.batch), train: fmt(this.#last.train), dev: fmt(this.#last.dev) });
  }

  protected onPhase(phase: RunPhase, run: RunState): void {
    const status: Partial<Record<RunPhase, string>> = {
      idle: this.t('mlp.idle'),
      loading: this.t('status.loading', { dataset: this.t('data.names') }),
      running: this.t('mlp.training'),
      paused: this.t('train.paused'),
      stopped: [this.t('train.stopped'), run.evalAbandoned ? this.t('train.evalAbandoned') : ''].filter(Boolean).join(' '),
      done: this.t('mlp.done', { dev: this.#last.dev === undefined ? '–' : this.number(this.#last.dev, 3), reference: this.number(this.#referenceEnd(), 3) }),
      error: '',
    };
    if (status[phase] !== undefined) this.setStatus(status[phase]);
    this.#enableModelButtons();
  }

  /** The chart's fixed lines: the count bigram's dev loss, and the default configuration's curve from Node (dashed). */
  #showReferences(): void {
    this.#chart?.setReferences([{ label: this.t('chart.refDev'), value: this.#facts.floorDev }]);
    const steps = Number(this.values.steps);
    this.#chart?.append(this.#facts.curve.filter((p) => p.step <= steps).map((p) => ({ step: p.step, series: REFERENCE_SERIES, loss: p.dev })));
  }

  #referenceEnd(): number {
    return this.#facts.curve.at(-1)?.dev ?? NaN;
  }

  #cost(): MlpCost {
    const backend = this.#chosen ?? (this.backend === 'auto' ? 'wasm' : this.backend);
    const probeMs = this.#probe.find((p) => p.name === backend && p.ok)?.ms;
    return mlpCost(mlpPlan(this.values as MlpValues), this.#facts.vocabSize, this.#facts.length, backend, probeMs);
  }

  /** Parameters, memory and estimated time of the configuration, or why it cannot run. */
  #showCost(): void {
    const cost = this.#cost();
    const line = this.ref('cost');
    line.classList.toggle('widget-readout--warning', !cost.fits);
    const vars = { params: this.number(cost.params, 0), memory: this.#megabytes(cost.trainingBytes), time: this.duration(Math.max(1, cost.seconds)), backend: this.#chosen ?? this.backend };
    line.textContent = this.t(cost.fits ? (cost.measured ? 'mlp.cost' : 'mlp.costAssumed') : 'mlp.tooBig', vars);
    this.dataset.params = String(cost.params);
  }

  #megabytes(bytes: number): string {
    return this.t('mlp.megabytes', { mb: this.number(bytes / 1024 ** 2, bytes < 10 * 1024 ** 2 ? 1 : 0) });
  }


  #enableModelButtons(): void {
    const ready = this.#modelJob > 0 && !(this.run.phase === 'running' || this.run.phase === 'loading');
    (this.ref('generate') as HTMLButtonElement).disabled = !ready;
    (this.ref('save') as HTMLButtonElement).disabled = !ready;
  }

  #sample(): void {
    if (!this.#modelJob) return;
    this.client?.send({ type: 'sample', jobId: this.#modelJob, count: 12, temperature: Number(this.values.temp), seed: this.values.draw as number, maxLength: 30 });
  }

  #save(): void {
    if (!this.#modelJob) return;
    this.#saveRequest += 1;
    this.client?.send({ type: 'save', jobId: this.#modelJob, requestId: this.#saveRequest });
  }

  #download(bytes: Uint8Array, fileName: string): void {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Loads a checkpoint the reader saved: it becomes the model samples come from and the views show. */
  async #load(): Promise<void> {
    const input = this.ref<HTMLInputElement>('load');
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (this.active) this.dispatch({ type: 'stop' });
    const bytes = new Uint8Array(await file.arrayBuffer());
    this.#loadJob = this.nextJob();
    this.client?.send({ type: 'load', jobId: this.#loadJob, source: { bytes } });
  }
}

define('lm-mlp-trainer', MlpTrainerElement);
