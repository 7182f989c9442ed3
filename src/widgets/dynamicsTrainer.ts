import type { TrainingPlan } from '../../lab/train/run';
import type { LossPoint } from '../../lab/worker/protocol';
import type { LossReference } from '../views/lossChart';
import { DYNAMICS_SCHEMA, type DynamicsValues, dynamicsPlan, overfits, startVerdict } from './dynamicsSchema';
import { define } from './labWidget';
import { PlanRunWidget } from './planRunWidget';
import { type ReferenceCurve, referenceFor } from './runPlan';
import type { RunPhase, RunState } from './runLifecycle';
import { mergeText } from './text/define';
import { DYNAMICS_TRAINER_TEXT } from './text/dynamicsTrainer';
import { MLP_RUN_TEXT } from './text/mlpRun';

const TEXT = mergeText(MLP_RUN_TEXT, DYNAMICS_TRAINER_TEXT);

/**
 * Chapter 3's trainer: chapter 2's lecture MLP on names ({@link PlanRunWidget}) with the settings
 * of training dynamics in the URL (initialization, LayerNorm, depth, width, dropout, weight
 * decay, a training subset, any learning rate). The chart draws the loss of a uniform guess,
 * ln 27 ≈ 3.30, and the Node run of the same settings dashed where one is shipped; the words say
 * where the step-0 loss stands against ln 27 and, at the end, how far dev is from train.
 * Mirrored in `data-*` besides the base's: `start-loss` (the step-0 dev loss), `gap` (dev −
 * train at the end), `reference` (whether a Node run is drawn).
 */
class DynamicsTrainerElement extends PlanRunWidget<typeof DYNAMICS_SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'dyn';
  protected readonly schema = DYNAMICS_SCHEMA;
  protected readonly text = TEXT;

  protected plan(): TrainingPlan {
    return dynamicsPlan(this.values as DynamicsValues);
  }

  protected chartAria(): string {
    return this.t('dyn.aria');
  }

  /** The loss of a uniform guess over the V tokens, ln V: where an untrained model should start. */
  get #uniform(): number {
    return Math.log(this.facts.vocabSize);
  }

  protected referenceLines(): LossReference[] {
    return [{ label: this.t('dyn.uniform'), value: this.#uniform }];
  }

  protected referenceCurve(): ReferenceCurve | undefined {
    const curve = referenceFor(this.facts.curves, this.plan());
    this.dataset.reference = String(curve !== undefined);
    return curve;
  }

  protected doneText(): string {
    const reference = this.referenceCurve()?.points.at(-1)?.dev;
    const dev = this.loss(this.last.dev);
    return reference === undefined ? this.t('dyn.done', { dev }) : this.t('dyn.doneReference', { dev, reference: this.loss(reference) });
  }

  protected override onSettingChanged(key: keyof typeof DYNAMICS_SCHEMA): void {
    super.onSettingChanged(key);
    // A reference curve applies to one configuration only: before any run, the chart shows the
    // one of the new settings (or none); after a run, it keeps the run and the curve it was drawn against.
    if (this.run.phase === 'idle') this.resetChart();
  }

  protected override beginRun(): void {
    super.beginRun();
    for (const part of ['start-loss', 'gap']) this.ref(part).textContent = '';
    delete this.dataset.startLoss;
    delete this.dataset.gap;
  }

  protected override onPoints(points: readonly LossPoint[]): void {
    const start = points.find((p) => p.step === 0 && p.series === 'dev');
    if (!start) return;
    this.dataset.startLoss = String(start.loss);
    const verdict = startVerdict(start.loss, this.#uniform);
    const key = verdict === 'near' ? 'dyn.startNear' : verdict === 'far' ? 'dyn.startFar' : 'dyn.startAbove';
    this.ref('start-loss').textContent = this.t(key, { loss: this.loss(start.loss), uniform: this.loss(this.#uniform), times: this.number(start.loss / this.#uniform, 1) });
  }

  protected override onPhase(phase: RunPhase, run: RunState): void {
    super.onPhase(phase, run);
    if (phase === 'done' || phase === 'stopped') this.#showGap();
  }

  /** Dev against train at the run's last evaluation. */
  #showGap(): void {
    const { train, dev } = this.last;
    if (train === undefined || dev === undefined || !Number.isFinite(train) || !Number.isFinite(dev)) return;
    const gap = dev - train;
    this.dataset.gap = String(gap);
    this.ref('gap').textContent = this.t(overfits(train, dev) ? 'dyn.gapLarge' : 'dyn.gapSmall', { train: this.loss(train), dev: this.loss(dev), gap: this.loss(gap) });
  }
}

define('lm-dynamics-trainer', DynamicsTrainerElement);
