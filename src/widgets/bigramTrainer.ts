import type { DatasetId } from '../../lab/data/datasets';
import type { BackendName } from '../../lab/backend/names';
import type { Job, LossPoint, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView } from '../views/lossChart';
import { define } from './labWidget';
import type { RunPhase, RunState } from './runLifecycle';
import { BIGRAM_TRAINER_TEXT } from './text/bigramTrainer';
import { TRAINER_SCHEMA } from './trainerSchema';
import { trainingChart } from './trainingChart';
import { TrainingWidget } from './trainingWidget';

/** How close (nats) the neural bigram must come to the count bigram to count as "there". */
const CONVERGED_WITHIN = 0.01;
/** Evaluate on the full train and dev splits every this many steps. */
const EVAL_EVERY = 10;

/**
 * The neural bigram trained in the widget's worker: a live loss curve against the count
 * bigram's NLL. Its state is mirrored in `data-*` attributes for tests and for styling.
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

  protected override setup(): void {
    super.setup();
    this.#chart = trainingChart(this.ref('chart'), this.locale, this.t('train.aria'), Number(this.values.steps));
  }

  protected onSettingChanged(key: keyof typeof TRAINER_SCHEMA): void {
    if (key === 'backend') return this.switchBackend(this.backend);
    if (this.active) this.dispatch({ type: 'stop' });
  }

  protected makeJob(): Job {
    return {
      kind: 'train',
      model: 'bigram',
      dataset: this.values.data as DatasetId,
      optimizer: this.values.opt as 'adam' | 'sgd',
      learningRate: Number(this.values.lr),
      batchSize: Number(this.values.batch),
      steps: Number(this.values.steps),
      seed: Number(this.values.seed),
      evalEvery: EVAL_EVERY,
    };
  }

  protected beginRun(): void {
    this.#reference = undefined;
    this.#last = {};
    this.#reached = false;
    this.#step = 0;
    for (const key of ['step', 'lastDev', 'reachedStep', 'reachedMs']) delete this.dataset[key];
    this.#chart?.reset({ totalSteps: Number(this.values.steps) });
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
