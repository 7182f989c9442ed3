import type { AttentionPattern } from '../../lab/worker/protocol';
import { AttentionMatrixView } from '../views/attentionMatrix';
import { HeadGridView } from '../views/headGrid';
import { evenScores, headMatrix, type HeadsFrame, headSummary, patternId } from './headsProbes';
import type { TextKey, TextVars } from './text/define';
import type { HEADS_TEXT } from './text/heads';

type Key = TextKey<typeof HEADS_TEXT>;

/** What the panel needs of the widget that holds it. */
export interface HeadsPanelOptions {
  /** The widget's strings (LabWidget's `t`). */
  t: (key: Key, vars?: TextVars) => string;
  /** Numbers in the page's language with `digits` decimals (LabWidget's `number`). */
  number: (value: number, digits: number) => string;
  /** BCP 47 tag for the views' numbers. */
  locale: string;
  /** The patterns scored, in the order of the probes' last axis. */
  patterns: readonly AttentionPattern[];
  /** The reader chose a head (click, Enter, Space). */
  onOpen: (layer: number, head: number) => void;
}

/** What the panel draws: a frame of every head, and the characters read at its positions, as shown. */
export interface HeadsShown {
  frame: HeadsFrame;
  tokens: readonly string[];
  /** The head enlarged, if any. */
  open?: [number, number];
  /** The pattern each head's caption gives (an index into the patterns); by default its best. */
  pattern?: number;
}

/**
 * The grid of every head (HeadGridView) and, below it, the head the reader opened, enlarged with
 * the characters on both axes (AttentionMatrixView) and its score on every pattern: what chapter
 * 7's grid and the timeline of heads forming both draw. Each head's text alternative names its
 * strongest pattern and where most of its attention goes.
 */
export class HeadsPanel {
  readonly #opts: HeadsPanelOptions;
  readonly #grid: HeadGridView;
  readonly #big: AttentionMatrixView;
  readonly #bigTitle: HTMLElement;
  readonly #bigScores: HTMLElement;
  readonly #bigBox: HTMLElement;

  /** `gridBox` takes the grid; `bigBox` the enlarged head, with a title and a line of scores above it. */
  constructor(gridBox: HTMLElement, bigBox: HTMLElement, opts: HeadsPanelOptions) {
    this.#opts = opts;
    const { t } = opts;
    this.#grid = new HeadGridView(gridBox, {
      labels: { layer: t('heads.layer'), head: t('heads.head'), grid: t('heads.gridAria'), empty: t('heads.gridEmpty') },
      onOpen: opts.onOpen,
    });
    const doc = bigBox.ownerDocument;
    this.#bigBox = bigBox;
    this.#bigTitle = doc.createElement('p');
    this.#bigTitle.className = 'heads-big-title';
    this.#bigScores = doc.createElement('p');
    this.#bigScores.className = 'widget-caption';
    bigBox.append(this.#bigTitle, this.#bigScores);
    this.#big = new AttentionMatrixView(bigBox, {
      locale: opts.locale,
      labels: {
        readoutEmpty: t('heads.bigReadoutEmpty'),
        readout: t('heads.bigReadout'),
        grid: t('heads.bigGrid'),
        rows: t('heads.bigRows'),
        cols: t('heads.bigCols'),
        tableSummary: t('heads.bigTable'),
        colPosition: t('heads.bigColPosition'),
        colQuery: t('heads.bigColQuery'),
        colTop: t('heads.bigColTop'),
        topEntry: t('heads.bigTopEntry'),
      },
    });
    this.#showBig(undefined);
  }

  /** A pattern's name in the page's language; `short` for a caption under a small head. */
  patternName(index: number, short = false): string {
    const pattern = this.#opts.patterns[index];
    if (pattern === undefined) return '';
    const family = short ? 'heads.short' : 'heads.pattern';
    return typeof pattern === 'string' ? this.#opts.t(`${family}.${patternId(pattern)}` as Key) : this.#opts.t(`${family}.back` as Key, { k: pattern.back });
  }

  /** Draws every head of `shown.frame` and the open head. */
  show(shown: HeadsShown): void {
    const { frame, tokens } = shown;
    const { t, number } = this.#opts;
    const count = this.#opts.patterns.length;
    const baseline = evenScores(tokens, this.#opts.patterns);
    const summary = (l: number, h: number) => headSummary(frame, l, h, count, baseline);
    this.#grid.update({
      layers: frame.layers,
      heads: frame.heads,
      size: frame.size,
      matrix: (l, h) => headMatrix(frame, l, h),
      caption: (l, h) => {
        const pattern = shown.pattern ?? summary(l, h).best;
        if (pattern < 0) return frame.scores[l]!.length > 0 ? t('heads.short.even') : t('heads.captionNone');
        const score = frame.scores[l]![h * count + pattern];
        return score === undefined ? t('heads.captionNone') : t('heads.caption', { pattern: this.patternName(pattern, true), score: number(score, 2) });
      },
      describe: (l, h) => {
        const s = summary(l, h);
        const vars = { layer: l, head: h, char: tokens[s.top] ?? '', position: s.top, share: number(s.share, 2) };
        if (s.best >= 0) return t('heads.describe', { ...vars, pattern: this.patternName(s.best), score: number(s.score, 2) });
        return t(frame.scores[l]!.length > 0 ? 'heads.describeEven' : 'heads.describeNoScore', vars);
      },
    });
    const open = shown.open && shown.open[0] < frame.layers && shown.open[1] < frame.heads ? shown.open : undefined;
    this.#grid.select(open);
    this.#showBig(open && { frame, tokens, layer: open[0], head: open[1] });
  }

  /** Back to nothing drawn. */
  reset(): void {
    this.#grid.reset();
    this.#showBig(undefined);
  }

  destroy(): void {
    this.#grid.destroy();
    this.#big.destroy();
  }

  #showBig(open: { frame: HeadsFrame; tokens: readonly string[]; layer: number; head: number } | undefined): void {
    const { t, number } = this.#opts;
    this.#bigBox.dataset.open = open ? `${open.layer},${open.head}` : '';
    this.#big.element.hidden = !open;
    this.#bigTitle.className = open ? 'heads-big-title' : 'widget-caption';
    if (!open) {
      this.#bigTitle.textContent = t('heads.bigEmpty');
      this.#bigScores.textContent = '';
      return;
    }
    const { frame, layer, head } = open;
    const title = t('heads.bigTitle', { layer, head });
    this.#bigTitle.textContent = title;
    const count = this.#opts.patterns.length;
    const scores = frame.scores[layer]!;
    const entries = this.#opts.patterns.map((_, p) => scores[head * count + p]).flatMap((s, p) => (s === undefined ? [] : [t('heads.scoreEntry', { pattern: this.patternName(p), score: number(s, 2) })]));
    this.#bigScores.textContent = entries.length > 0 ? t('heads.bigScores', { scores: entries.join(', ') }) : '';
    this.#big.update({ title, tokens: open.tokens, values: headMatrix(frame, layer, head) });
  }
}
