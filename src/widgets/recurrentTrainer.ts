import type { TrainingPlan } from '../../lab/train/run';
import type { LossReference } from '../views/lossChart';
import { define } from './labWidget';
import { PlanRunWidget } from './planRunWidget';
import { cutShare, RECURRENT_SCHEMA, recurrentPlan, type RecurrentValues, WHOLE_NAME } from './recurrentSchema';
import { type ReferenceCurve, referenceFor, type RunFacts } from './runPlan';
import { mergeText } from './text/define';
import { MLP_RUN_TEXT } from './text/mlpRun';
import { RECURRENT_TRAINER_TEXT } from './text/recurrentTrainer';

const TEXT = mergeText(MLP_RUN_TEXT, RECURRENT_TRAINER_TEXT);

/** What the recurrent trainer's markup adds to a names trainer's facts. */
export interface RecurrentFacts extends RunFacts {
  /** How many training names have each number of letters (index = letters). */
  nameLengths: number[];
}

/**
 * Chapters 4 and 5's trainer: an RNN, LSTM or GRU on names ({@link PlanRunWidget}: cost,
 * refusal, curves, followers, runs kept) with the cell, its sizes, the rate, gradient clipping,
 * the sequence length and the recurrent weights' initial scale in the URL. Each instance starts
 * from its page's defaults (recurrentPresets.ts); the chart draws the count bigram's dev loss and,
 * dashed, the Node run of exactly the same plan where one is shipped (the chapter recipes'). A
 * run whose loss blows up is stopped by the divergence rule and says where. The views that
 * follow it (`data-follows` = its prefix: lm-rnn-unrolled, lm-gradient-flow, lm-gate-strips,
 * lm-model-sampler) redraw from its worker's snapshots. Mirrored in `data-*` besides the base's:
 * `reference` (whether a Node run is drawn), `cut` (the share of names a short block cuts).
 */
class RecurrentTrainerElement extends PlanRunWidget<typeof RECURRENT_SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'rnn';
  protected readonly schema = RECURRENT_SCHEMA;
  protected readonly text = TEXT;

  protected override setup(): void {
    super.setup();
    this.#showSettings();
  }

  protected plan(): TrainingPlan {
    return recurrentPlan(this.values as RecurrentValues);
  }

  protected chartAria(): string {
    return this.t('rec.aria');
  }

  protected referenceLines(): LossReference[] {
    return this.facts.floorDev === undefined ? [] : [{ label: this.t('chart.refDev'), value: this.facts.floorDev }];
  }

  protected referenceCurve(): ReferenceCurve | undefined {
    const curve = referenceFor(this.facts.curves, this.plan());
    this.dataset.reference = String(curve !== undefined);
    return curve;
  }

  protected doneText(): string {
    const reference = this.referenceCurve()?.points.at(-1)?.dev;
    const dev = this.loss(this.last.dev);
    return reference === undefined ? this.t('rec.done', { dev }) : this.t('rec.doneReference', { dev, reference: this.loss(reference) });
  }

  protected override onSettingChanged(key: keyof typeof RECURRENT_SCHEMA): void {
    super.onSettingChanged(key);
    this.#showSettings();
    // A reference curve applies to one plan only: before any run, the chart shows the one of the
    // new settings (or none); after a run, it keeps the run and the curve it was drawn against.
    if (this.run.phase === 'idle') this.resetChart();
  }

  /** What the sequence length and clipping mean for the current settings; the norm box only while clipping is on. */
  #showSettings(): void {
    const seq = Number(this.values.seq);
    const lengths = (this.facts as Partial<RecurrentFacts>).nameLengths ?? [];
    const share = cutShare(lengths, seq);
    this.dataset.cut = String(share);
    const percent = (x: number) => x.toLocaleString(this.locale === 'zh-cn' ? 'zh-CN' : 'en', { style: 'percent', maximumFractionDigits: 1 });
    this.ref('seq-note').textContent = seq >= WHOLE_NAME ? this.t('rec.seqWhole', { seq }) : this.t('rec.seqCut', { seq, letters: seq, share: percent(share) });
    const clipping = this.values.clip === 'on';
    this.ref('clip-note').hidden = clipping;
    this.ref('clip-note').textContent = clipping ? '' : this.t('rec.clipOff');
    const norm = this.querySelector<HTMLInputElement>('[data-field="norm"]');
    if (norm) norm.disabled = !clipping;
  }
}

define('lm-recurrent-trainer', RecurrentTrainerElement);
