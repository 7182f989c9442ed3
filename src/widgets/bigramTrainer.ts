import type { DatasetId } from '../../lab/data/datasets';
import type { LossPoint, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView } from '../views/lossChart';
import { define, LabWidget } from './labWidget';
import { stringsFor } from './strings';
import { TRAINER_SCHEMA } from './trainerSchema';
import { trainingChart } from './trainingChart';

/** How close (nats) the neural bigram must come to the count bigram to count as "there". */
const CONVERGED_WITHIN = 0.01;
/** Evaluate on the full train and dev splits every this many steps. */
const EVAL_EVERY = 10;

type RunState = 'idle' | 'loading' | 'running' | 'paused' | 'stopped' | 'done';

/**
 * The neural bigram trained in the widget's worker: a live loss curve against the count
 * bigram's NLL. Its state is mirrored in `data-*` attributes for tests and for styling.
 */
class BigramTrainerElement extends LabWidget<typeof TRAINER_SCHEMA> {
  protected readonly urlPrefix = 'train';
  protected readonly schema = TRAINER_SCHEMA;
  protected get backend() {
    return this.values.backend as 'auto';
  }
  #chart: LossChartView | undefined;
  #reference: { train: number; dev: number } | undefined;
  #last: Partial<Record<LossPoint['series'], number>> = {};
  #reached = false;
  #step = 0;

  protected setup(): void {
    this.listen(this.ref('start'), 'click', () => this.#start());
    this.listen(this.ref('pause'), 'click', () => {
      const paused = this.dataset.state === 'paused';
      this.client?.send({ type: paused ? 'resume' : 'pause' });
      this.#setState(paused ? 'running' : 'paused');
    });
    this.listen(this.ref('stop'), 'click', () => this.client?.send({ type: 'stop' }));
    this.#setState('idle');
    this.#makeChart();
  }

  protected onSettingChanged(key: keyof typeof TRAINER_SCHEMA): void {
    if (key === 'backend') {
      this.client?.restart(this.backend); // a new worker initializes on the chosen backend
      this.dataset.backend = '';
      this.ref('backend').textContent = '';
    }
    if (this.dataset.state === 'running' || this.dataset.state === 'paused') this.client?.send({ type: 'stop' });
  }

  protected override onJobFailed(): void {
    this.#setState('stopped');
  }

  #makeChart(): void {
    this.#chart = trainingChart(this.ref('chart'), this.locale, this.t('train.aria'), Number(this.values.steps));
  }

  #start(): void {
    this.client?.send({ type: 'stop' });
    this.#reference = undefined;
    this.#last = {};
    this.#reached = false;
    this.#step = 0;
    this.#chart?.reset({ totalSteps: Number(this.values.steps) });
    this.ref('reached').textContent = '';
    this.ref('losses').textContent = '';
    this.#setState('loading');
    this.setStatus(this.t('status.loading', { dataset: this.t(`data.${this.values.data as DatasetId}`) }));
    this.client?.send({
      type: 'start',
      jobId: this.nextJob(),
      job: {
        kind: 'train',
        model: 'bigram',
        dataset: this.values.data as DatasetId,
        optimizer: this.values.opt as 'adam' | 'sgd',
        learningRate: Number(this.values.lr),
        batchSize: Number(this.values.batch),
        steps: Number(this.values.steps),
        seed: Number(this.values.seed),
        evalEvery: EVAL_EVERY,
      },
    });
  }

  protected onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.dataset.backend = message.backend;
        this.ref('backend').textContent = this.t('train.backendUsed', { backend: message.threads && message.threads > 1 ? this.t('train.wasmThreads', { backend: message.backend, threads: message.threads }) : message.backend });
        this.ref('probe').replaceChildren(
          ...message.probe.map((p) => {
            const result = p.ok ? this.t('train.probeMs', { ms: this.number(p.ms ?? NaN, 1) }) : this.t('train.probeFailed', { error: p.error ?? '' });
            return Object.assign(document.createElement('li'), { textContent: this.t('train.probeRow', { name: p.name, result }) });
          }),
        );
        return;
      case 'state':
        this.#setState(message.state);
        return;
      case 'reference':
        this.#reference = message.nll;
        this.dataset.referenceDev = String(message.nll.dev);
        this.ref('reference').textContent = this.t('train.reference', { train: this.number(message.nll.train), dev: this.number(message.nll.dev) });
        this.#chart?.setReferences([
          { label: stringsFor(this.locale)['chart.refTrain'], value: message.nll.train, series: 'train' },
          { label: stringsFor(this.locale)['chart.refDev'], value: message.nll.dev, series: 'dev' },
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
    for (const p of points) this.#last[p.series] = p.loss;
    const fmt = (x: number | undefined) => (x === undefined ? '–' : this.number(x));
    this.ref('losses').textContent = this.t('train.losses', { batch: fmt(this.#last.batch), train: fmt(this.#last.train), dev: fmt(this.#last.dev) });
    this.setStatus(this.t('train.step', { step, steps: Number(this.values.steps) }));
    if (this.#last.dev !== undefined) this.dataset.lastDev = String(this.#last.dev);
    const dev = points.find((p) => p.series === 'dev' && this.#reference && Math.abs(p.loss - this.#reference.dev) < CONVERGED_WITHIN);
    if (dev && !this.#reached) {
      this.#reached = true;
      this.dataset.reachedStep = String(dev.step);
      this.dataset.reachedMs = String(Math.round(elapsedMs));
      this.ref('reached').textContent = this.t('train.reached', { step: dev.step, seconds: this.number(elapsedMs / 1000, 1) });
    }
  }

  #setState(state: RunState): void {
    this.dataset.state = state;
    const active = state === 'running' || state === 'paused' || state === 'loading';
    (this.ref('pause') as HTMLButtonElement).disabled = !(state === 'running' || state === 'paused');
    (this.ref('stop') as HTMLButtonElement).disabled = !active;
    this.ref('pause').textContent = this.t(state === 'paused' ? 'train.resume' : 'train.pause');
    this.ref('pause').setAttribute('aria-pressed', String(state === 'paused'));
    if (state === 'idle') this.setStatus(this.t('train.idle'));
    if (state === 'paused') this.setStatus(this.t('train.paused'));
    if (state === 'stopped' || state === 'done') {
      this.setStatus(`${this.t('train.step', { step: this.#step, steps: Number(this.values.steps) })} ${this.t(state === 'done' ? 'train.done' : 'train.stopped')}`);
      if (!this.#reached && this.#reference) this.ref('reached').textContent = this.t('train.notReached');
    }
  }
}

define('lm-bigram-trainer', BigramTrainerElement);
