import type { DatasetId } from '../../lab/data/datasets';
import type { TrainingPlan } from '../../lab/train/run';
import type { LossReference } from '../views/lossChart';
import { GPT_CHOICES, type GptDataFacts, type GptDataset, gptPlan, gptProblem, GPT_SCHEMA, type GptValues } from './gptSchema';
import { define } from './labWidget';
import { PlanRunWidget } from './planRunWidget';
import type { ReferenceCurve, RunFacts } from './runPlan';
import { mergeText } from './text/define';
import { GPT_TRAINER_TEXT } from './text/gptTrainer';
import { MLP_RUN_TEXT } from './text/mlpRun';

const TEXT = mergeText(MLP_RUN_TEXT, GPT_TRAINER_TEXT);

/** What the page knows of one data set the GPT trainer offers (GptTrainer.astro, at build time). */
export interface GptDataRunFacts extends GptDataFacts {
  /** Dev loss of the count bigram on it. */
  floorDev?: number;
  /** The best dev loss any model can reach, where the task says (the copy task's). */
  bestDev?: number;
  /** The Node runs of GPT recipes on it, drawn dashed when the settings are exactly theirs. */
  curves: ReferenceCurve[];
}

/** What the GPT trainer's markup adds to a trainer's facts: every data set it offers. */
export interface GptFacts extends RunFacts {
  data: Record<GptDataset, GptDataRunFacts>;
}

/**
 * Chapters 6 and 7's trainer: a GPT ({@link PlanRunWidget}: cost, refusal, curves, followers,
 * runs kept) on Shakespeare, the Tang quatrains, the copy task or names, with the layers, heads,
 * embedding size, block, dropout, position embeddings, rate, batch, steps and seed in the URL.
 * Each instance starts from a preset (gptPresets.ts), its recipe exactly, so the chart draws that
 * recipe's Node run dashed (and the count bigram's dev loss; on the copy task the best possible
 * loss). Before Start the cost line says the parameters, memory and time, or why the sizes
 * cannot train (heads that do not divide the embedding, a block that is not a line data set's
 * whole line, memory past the limit); Start then refuses with the same words. Switching to a
 * line data set sets the block to its whole line. The views that follow it (`data-follows` =
 * its prefix: lm-attention-steps, lm-attention-heads, lm-heads-timeline, lm-model-sampler)
 * redraw from its worker's snapshots, each at the cadence it asks for (`data-watch-every`).
 * Mirrored in `data-*` besides the base's: `reference`, `problem` (why it refuses, if it does).
 */
class GptTrainerElement extends PlanRunWidget<typeof GPT_SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'gpt';
  protected readonly schema = GPT_SCHEMA;
  protected readonly text = TEXT;

  get #values(): GptValues {
    return this.values as GptValues;
  }

  get #data(): GptDataRunFacts | undefined {
    return (this.facts as Partial<GptFacts>).data?.[this.#values.data as GptDataset];
  }

  protected override get trainsOn(): DatasetId {
    return this.#values.data as DatasetId;
  }

  protected override setup(): void {
    super.setup();
    this.#showShape();
  }

  protected plan(): TrainingPlan {
    return gptPlan(this.#values);
  }

  protected override runShape(plan: TrainingPlan): { vocabSize: number; length: number } {
    const data = this.#data;
    return { vocabSize: data?.vocabSize ?? this.facts.vocabSize, length: plan.sequenceLength ?? data?.lineLength ?? Number(this.#values.block) };
  }

  protected override refusal(): string | undefined {
    const found = gptProblem(this.#values, (this.facts as Partial<GptFacts>).data ?? {});
    if (!found) {
      delete this.dataset.problem;
      return undefined;
    }
    this.dataset.problem = found.problem;
    switch (found.problem) {
      case 'heads': {
        const divisors = GPT_CHOICES.heads.filter((h) => found.embd % h === 0);
        return this.t('gpt.refuseHeads', { heads: found.heads, embd: found.embd, choices: divisors.join(this.locale === 'zh-cn' ? '、' : ', ') });
      }
      case 'blockShort':
        return this.t('gpt.refuseBlockShort', { block: found.block, line: found.line });
      case 'blockLong':
        return this.t('gpt.refuseBlockLong', { block: found.block, line: found.line });
    }
  }

  protected chartAria(): string {
    return this.t('gpt.aria');
  }

  protected referenceLines(): LossReference[] {
    const data = this.#data;
    const lines: LossReference[] = [];
    if (data?.floorDev !== undefined) lines.push({ label: this.t('gpt.floor'), value: data.floorDev });
    if (data?.bestDev !== undefined) lines.push({ label: this.t('gpt.best'), value: data.bestDev });
    return lines;
  }

  protected referenceCurve(): ReferenceCurve | undefined {
    return this.exactReference(this.#data?.curves ?? []);
  }

  protected doneText(): string {
    return this.doneAgainstReference();
  }

  protected override onSettingChanged(key: keyof typeof GPT_SCHEMA): void {
    // A line data set is read a whole example at a time: its block is its longest line.
    const line = this.#data?.lineLength;
    if (key === 'data' && line !== undefined && (GPT_CHOICES.block as readonly number[]).includes(line)) this.setValue('block', String(line), false);
    super.onSettingChanged(key);
    this.#showShape();
  }

  /** The model the settings describe, in a line: its blocks, heads and their width, and what it reads. */
  #showShape(): void {
    const v = this.#values;
    const heads = Number(v.heads);
    const hs = Number(v.embd) / heads;
    const vars = { layers: v.layers, heads, hs: Number.isInteger(hs) ? hs : this.number(hs, 1), block: v.block };
    this.ref('shape').textContent = this.t(v.pos === 'off' ? 'gpt.shapeNoPos' : 'gpt.shape', vars);
  }
}

define('lm-gpt-trainer', GptTrainerElement);
