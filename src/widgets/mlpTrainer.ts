import type { TrainingPlan } from '../../lab/train/run';
import type { ModelInfo, WorkerResponse } from '../../lab/worker/protocol';
import type { LossReference } from '../views/lossChart';
import { define } from './labWidget';
import { mlpPlan, MLP_SCHEMA, type MlpValues, SAMPLER_KEYS } from './mlpSchema';
import { PlanRunWidget } from './planRunWidget';
import type { ReferenceCurve } from './runPlan';
import type { RunPhase, RunState } from './runLifecycle';
import { mergeText } from './text/define';
import { MLP_RUN_TEXT } from './text/mlpRun';
import { MLP_TRAINER_TEXT } from './text/mlpTrainer';

const TEXT = mergeText(MLP_RUN_TEXT, MLP_TRAINER_TEXT);

/**
 * Chapter 2's MLP (Bengio et al.'s neural language model, makemore's lecture) trained in the
 * widget's worker on names ({@link PlanRunWidget}: cost, refusal, curves, followers), against the
 * count bigram's floor and the default configuration's curve from Node. After a run: samples,
 * and Save / Load of the model.
 */
class MlpTrainerElement extends PlanRunWidget<typeof MLP_SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'mlp';
  protected readonly schema = MLP_SCHEMA;
  protected readonly text = TEXT;
  #saveRequest = 0;
  /** The job that loads a reader's file: not a run, so its failure is shown here rather than by the run lifecycle. */
  #loadJob = 0;

  protected override setup(): void {
    super.setup();
    this.listen(this.ref('generate'), 'click', () => this.#sample());
    this.listen(this.ref('save'), 'click', () => this.#save());
    this.listen(this.ref('load'), 'change', () => void this.#load());
    this.#enableModelButtons();
  }

  protected override onSettingChanged(key: keyof typeof MLP_SCHEMA): void {
    if ((SAMPLER_KEYS as readonly string[]).includes(key)) return this.#sample();
    super.onSettingChanged(key);
  }

  protected plan(): TrainingPlan {
    return mlpPlan(this.values as MlpValues);
  }

  protected chartAria(): string {
    return this.t('mlp.aria');
  }

  protected referenceLines(): LossReference[] {
    return this.facts.floorDev === undefined ? [] : [{ label: this.t('chart.refDev'), value: this.facts.floorDev }];
  }

  /** The default configuration's run, drawn whatever the settings: the curve to beat. */
  protected referenceCurve(): ReferenceCurve | undefined {
    return this.facts.curves[0];
  }

  protected doneText(): string {
    return this.t('mlp.done', { dev: this.loss(this.last.dev), reference: this.loss(this.referenceCurve()?.points.at(-1)?.dev) });
  }

  protected override beginRun(): void {
    super.beginRun();
    this.#enableModelButtons();
    this.ref('samples').textContent = '';
  }

  protected override onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'sample':
        this.ref('samples').textContent = message.texts.join('  ·  ');
        return;
      case 'saved':
        if (message.requestId === this.#saveRequest) return this.#download(message.bytes, message.fileName);
        return super.onMessage(message);
      default:
        return super.onMessage(message);
    }
  }

  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    if (message.jobId !== undefined && message.jobId === this.#loadJob) return this.showError(this.t('mlp.loadFailed', { reason: message.message }));
    super.onWorkerError(message);
  }

  protected override onModel(jobId: number, info: ModelInfo): void {
    if (info.kind !== 'mlp') {
      // The worker holds it now, in place of the last model: nothing is left to sample or save.
      this.modelJob = 0;
      this.#enableModelButtons();
      this.showError(this.t('mlp.notMlp', { kind: info.kind }));
      return;
    }
    super.onModel(jobId, info);
    this.#enableModelButtons();
    if (info.origin !== 'training') this.setStatus(this.t('mlp.loaded', { step: this.number(info.step, 0), params: this.number(info.params, 0) }));
  }

  protected override onPhase(phase: RunPhase, run: RunState): void {
    super.onPhase(phase, run);
    this.#enableModelButtons();
  }

  #enableModelButtons(): void {
    const ready = this.modelJob > 0 && !(this.run.phase === 'running' || this.run.phase === 'loading');
    (this.ref('generate') as HTMLButtonElement).disabled = !ready;
    (this.ref('save') as HTMLButtonElement).disabled = !ready;
  }

  #sample(): void {
    if (!this.modelJob) return;
    this.client?.send({ type: 'sample', jobId: this.modelJob, count: 12, temperature: Number(this.values.temp), seed: this.values.draw as number, maxLength: 30 });
  }

  #save(): void {
    if (!this.modelJob) return;
    this.#saveRequest = this.nextRequest();
    this.client?.send({ type: 'save', jobId: this.modelJob, requestId: this.#saveRequest });
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
