import type { DatasetId } from '../../lab/data/datasets';
import type { BackendName } from '../../lab/backend/names';
import type { ReferenceCurve } from './referenceCurves';
import type { Job, LossPoint, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView } from '../views/lossChart';
import { define } from './labWidget';
import type { RunPhase, RunState } from './runLifecycle';
import { BIGRAM_TRAINER_TEXT } from './text/bigramTrainer';
import { bigramJob, TRAINER_SCHEMA } from './trainerSchema';
import { trainingChart } from './trainingChart';
import { TrainingWidget } from './trainingWidget';

/** How close (nats) the neural bigram must come to the count bigram to count as "there". */
const CONVERGED_WITHIN = 0.01;

/** The chart's series of the default settings' dev curve from Node, drawn dashed. */
const REFERENCE_SERIES = 'reference';

/** What the page knows at build time: the default settings' data set and their curve from Node. */
interface BigramFacts {
  dataset: DatasetId;
  curve: ReferenceCurve;
}

/**
 * The neural bigram trained in the widget's worker: a live loss curve against the count
 * bigram's NLL and, on the default settings' data set, the default settings' curve trained in
 * Node (dashed). Its state is mirrored in `data-*` attributes for tests and for styling.
 */
class BigramTrainerElement extends TrainingWidget<typeof TRAINER_SCHEMA, typeof BIGRAM_TRAINER_TEXT> {
  protected readonly urlPrefix = 'train';
  protected readonly text = BIGRAM_TRAINER_TEXT;
  protected readonly schema = TRAINER_SCHEMA;
  protected get backend(): BackendName | 'auto' {
    return this.values.backend as BackendName | 'auto';
  }
  #chart: LossChartView | undefined;
  #reference: { train: number; dev: number } | undefined;
  #last: Partial<Record<LossPoint['series'], number>> = {};
  #reached = false;
  #step = 0;
  #facts: BigramFacts = { dataset: 'names', curve: [] };

  protected override setup(): void {
    this.#facts = JSON.parse(this.ref('facts').textContent || 'null') ?? this.#facts;
    super.setup();
    this.#chart = trainingChart(this.ref('chart'), this.locale, this.t('train.aria'), Number(this.values.steps), [
      { key: REFERENCE_SERIES, label: this.t('train.refCurve'), color: 'var(--chart-2)', dash: '5 4', opacity: 0.6 },
    ]);
    this.#showReferenceCurve();
  }

  /** The default settings' dev curve from Node, up to this run's steps, when the run trains on its data set. */
  #showReferenceCurve(): void {
    if (this.values.data !== this.#facts.dataset) return;
    const steps = Number(this.values.steps);
    this.#chart?.append(this.#facts.curve.filter(([step]) => step <= steps).map(([step, loss]) => ({ step, series: REFERENCE_SERIES, loss })));
  }

  protected onSettingChanged(key: keyof typeof TRAINER_SCHEMA): void {
    if (key === 'backend') return this.switchBackend(this.backend);
    if (this.active) this.dispatch({ type: 'stop' });
  }

  protected makeJob(): Job {
    return bigramJob(this.values);
  }

  protected beginRun(): void {
    this.#reference = undefined;
    this.#last = {};
    this.#reached = false;
    this.#step = 0;
    for (const key of ['step', 'lastDev', 'reachedStep', 'reachedMs']) delete this.dataset[key];
    this.#chart?.reset({ totalSteps: Number(this.values.steps) });
    this.#showReferenceCurve();
    for (const part of ['reached', 'losses']) this.ref(part).textContent = '';
  }

  protected onRunMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        if (message.probe.length === 0) return this.ref('probe').replaceChildren(Object.assign(document.createElement('li'), { textContent: this.t('train.probeNone') }));
        this.ref('probe').replaceChildren(
          ...message.probe.map((p) => {
            const result = p.ok ? this.t('train.probeMs', { ms: this.number(p.ms ?? NaN, 1) }) : this.t('train.probeFailed', { error: p.error ?? '' });
            return Object.assign(document.createElement('li'), { textContent: this.t('train.probeRow', { name: p.name, result }) });
          }),
        );
        return;
      case 'reference':
        this.#reference = message.nll;
        this.dataset.referenceDev = String(message.nll.dev);
        this.ref('reference').textContent = this.t('train.reference', { train: this.number(message.nll.train), dev: this.number(message.nll.dev) });
        this.#chart?.setReferences([
          { label: this.words['chart.refTrain'], value: message.nll.train, series: 'train' },
          { label: this.words['chart.refDev'], value: message.nll.dev, series: 'dev' },
        ]);
        return;
      case 'progress':
        this.#progress(message.step, message.points, message.elapsedMs);
        return;
    }
  }

  #progress(step: number, points: LossPoint[], elapsedMs: number): void {
    this.#chart?.append(points);
    this.#step = step;
    this.dataset.step = String(step);
    this.showProgress(step, Number(this.values.steps));
    for (const p of points) this.#last[p.series] = p.loss;
    const fmt = (x: number | undefined) => (x === undefined ? '–' : this.number(x));
    this.ref('losses').textContent = this.t('train.losses', { batch: fmt(this.#last.batch), train: fmt(this.#last.train), dev: fmt(this.#last.dev) });
    if (this.run.phase === 'running') this.setStatus(this.t('train.step', { step, steps: Number(this.values.steps) }));
    if (this.#last.dev !== undefined) this.dataset.lastDev = String(this.#last.dev);
    const dev = points.find((p) => p.series === 'dev' && this.#reference && Math.abs(p.loss - this.#reference.dev) < CONVERGED_WITHIN);
    if (dev && !this.#reached) {
      this.#reached = true;
      this.dataset.reachedStep = String(dev.step);
      this.dataset.reachedMs = String(Math.round(elapsedMs));
      this.ref('reached').textContent = this.t('train.reached', { step: dev.step, seconds: this.number(elapsedMs / 1000, 1) });
    }
  }

  protected onPhase(phase: RunPhase, run: RunState): void {
    const steps = Number(this.values.steps);
    if (phase === 'idle') this.setStatus(this.t('train.idle'));
    if (phase === 'loading') this.setStatus(this.t('status.loading', { dataset: this.t(`data.${this.values.data as DatasetId}`) }));
    if (phase === 'paused') this.setStatus(this.t('train.paused'));
    if (phase === 'error') this.setStatus('');
    if (phase === 'stopped' || phase === 'done') {
      const end = [this.t('train.step', { step: this.#step, steps }), this.t(phase === 'done' ? 'train.done' : 'train.stopped')];
      if (run.evalAbandoned) end.push(this.t('train.evalAbandoned'));
      this.setStatus(end.join(' '));
      if (!this.#reached && this.#reference) this.ref('reached').textContent = this.t('train.notReached');
    }
  }
}

define('lm-bigram-trainer', BigramTrainerElement);
