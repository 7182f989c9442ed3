import { displayToken } from '../../lab/tokenizers/char';
import type { AttentionPattern, InspectInput, ModelInfo, Probe, ReadText, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { blockOf, type FittedText, fitToBlock, headsFrame, headsInput, headsProbes, MAX_HEADS_TEXT } from './headsProbes';
import { HeadsPanel } from './headsPanel';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { expandProbes } from './probeTemplates';
import { ATTENTION_HEADS_TEXT } from './text/attentionHeads';
import { mergeText } from './text/define';
import { HEADS_TEXT } from './text/heads';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { bindTypedText, skippedList, type TypedText } from './typedText';
import { declareInput } from './watchInputs';

const TEXT = mergeText(INSIDE_VIEW_TEXT, HEADS_TEXT, ATTENTION_HEADS_TEXT);

/** The head enlarged (its layer and head; −1: none), besides the text (kept in the URL by urlText.ts). */
const SCHEMA = {
  layer: { kind: 'int', default: -1, min: -1, max: 63 },
  head: { kind: 'int', default: -1, min: -1, max: 63 },
} as const;

/** How long typing may pause before the text is read again. */
const TYPING_MS = 300;

/**
 * The attention of every layer and head of a GPT for the reader's text (chapter 7): a grid of
 * small matrices (one `block{i}.attn.weights` probe per block), each head captioned with the
 * pattern it scores highest on (the `patterns` probe) and described for screen readers; a head
 * clicked (or Enter) is enlarged with the characters on both axes. From the shipped GPT at once,
 * then from the reader's model while (and after) the trainer it follows trains. The text is cut
 * to the model's block, with a note, and characters the model does not know are struck through.
 * State for tests: `data-layers`, `data-heads`, `data-columns` (positions read), `data-open`
 * (`layer,head` enlarged), `data-skipped`, `data-cut`.
 */
class AttentionHeadsElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'heads';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #patterns: AttentionPattern[] = [];
  #text: TypedText | undefined;
  #panel: HeadsPanel | undefined;
  /** The shipped model and the followed trainer's: their blocks and vocabularies cut the text each reads. */
  #checkpoint: ModelInfo | undefined;
  #reader: ModelInfo | undefined;
  #frame: ViewFrame | undefined;
  #read: ReadText | undefined;

  /** What the shipped model reads. */
  protected get inspectInput(): InspectInput {
    return headsInput(this.#fitFor(this.#checkpoint).text);
  }

  protected override setup(): void {
    this.#patterns = JSON.parse(this.dataset.patterns ?? '[]') as AttentionPattern[];
    this.#text = bindTypedText({
      box: this.ref<HTMLTextAreaElement>('text'),
      param: `${this.instancePrefix}.text`,
      fallback: this.dataset.text ?? '',
      max: MAX_HEADS_TEXT,
      delay: TYPING_MS,
      listen: (target, type, handler) => this.listen(target, type, handler),
      onText: () => this.#textChanged(),
    });
    this.#panel = new HeadsPanel(this.ref('grid'), this.ref('big'), {
      t: (key, vars) => this.t(key, vars),
      number: (value, digits) => this.number(value, digits),
      locale: HTML_LANG[this.locale],
      patterns: this.#patterns,
      onOpen: (layer, head) => this.#open(layer, head),
    });
    this.#showReading();
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#text?.dispose();
    this.#panel?.destroy();
  }

  protected override onSettingChanged(key?: keyof typeof SCHEMA): void {
    if ((key === 'layer' || key === 'head') && this.#frame) return this.draw(this.#frame);
    super.onSettingChanged();
  }

  protected override onMessage(message: WorkerResponse): void {
    if (message.type === 'model') {
      this.#checkpoint = message.info;
      this.#declare();
      this.#showReading();
    }
    super.onMessage(message);
  }

  /** The reader's model: the text it will read is cut to its block before the trainer asks for the probes. */
  protected override onReaderModel(info: ModelInfo): void {
    this.#reader = info;
    this.#declare();
    this.#showReading();
  }

  protected probesFor(info: ModelInfo): Record<string, Probe> {
    return info.kind === 'gpt' ? expandProbes(headsProbes(this.#patterns), info) : {};
  }

  /** Tells the trainer this view follows what its model reads: the text cut to that model's block. */
  #declare(): void {
    declareInput(this, headsInput(this.#fitFor(this.#reader ?? this.#checkpoint).text));
  }

  #textChanged(): void {
    this.#showReading();
    // The trainer this view follows reads the text from here (its next watch, or at once after a run).
    this.#declare();
    if (this.#text?.value) super.onSettingChanged();
  }

  /** The model drawn now: the reader's while the view shows it, else the shipped one. */
  get #shown(): ModelInfo | undefined {
    return this.dataset.source === 'reader' ? (this.#reader ?? this.#checkpoint) : this.#checkpoint;
  }

  /**
   * The text cut to what `info`'s model reads at once. Whether it reads a boundary token first
   * is known for the shipped model (`data-lines`); a reader's model of the same vocabulary was
   * trained on the same data, and one of another is assumed to, so that the text never overflows.
   */
  #fitFor(info: ModelInfo | undefined): FittedText {
    const value = this.#text?.value ?? '';
    const block = info && blockOf(info);
    if (!info || block === undefined) return { text: value, cut: false };
    const sameData = this.#checkpoint !== undefined && info.vocab.join('') === this.#checkpoint.vocab.join('');
    return fitToBlock(value, info.vocab, block, sameData ? this.dataset.lines === 'true' : true);
  }

  #open(layer: number, head: number): void {
    this.setValue('layer', layer, false);
    this.setValue('head', head, false);
    if (this.#frame) this.draw(this.#frame);
  }

  protected draw(frame: ViewFrame): void {
    if (frame.text) this.#read = frame.text;
    this.#frame = frame;
    const panel = this.#panel!;
    if (frame.info.kind !== 'gpt') {
      panel.reset();
      return this.#note(this.t('heads.notGpt', { kind: frame.info.kind.toUpperCase() }));
    }
    const read = this.#read;
    const heads = headsFrame(frame.step, frame.arrays);
    // A followed trainer's snapshot of another text (typed since it began watching) would mislabel the axes.
    if (!read || !heads || heads.size !== read.tokens.length) return;
    const { layer, head } = this.values;
    panel.show({ frame: heads, tokens: read.tokens.map(displayToken), open: layer >= 0 && head >= 0 ? [layer, head] : undefined });
    Object.assign(this.dataset, { layers: String(heads.layers), heads: String(heads.heads), columns: String(heads.size), open: layer >= 0 && head >= 0 && layer < heads.layers && head < heads.heads ? `${layer},${head}` : '' });
    this.#showReading();
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** A model that reads nothing of the text is told apart from a failure: the note says why instead. */
  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    const shown = this.#shown;
    const vocab = shown?.vocab;
    const chars = [...this.#fitFor(shown).text];
    if (!vocab || chars.some((c) => vocab.includes(c))) return super.onWorkerError(message);
    this.#read = { chars, tokens: [], at: [], skipped: chars.map((_, i) => i), boundary: '' };
    this.#panel?.reset();
    delete this.dataset.columns;
    this.#showReading();
  }

  /**
   * The typed text as read: the characters the model reads, those it does not know struck
   * through, those past its block greyed; and the notes that say so.
   */
  #showReading(): void {
    const value = [...(this.#text?.value ?? '')];
    const shown = this.#shown;
    const fitted = this.#fitFor(shown);
    const kept = [...fitted.text].length;
    const vocab = shown?.vocab;
    const line = this.ref('reading');
    line.replaceChildren(
      ...value.map((char, i) => {
        const unknown = vocab !== undefined && !vocab.includes(char);
        const el = document.createElement(unknown ? 's' : 'span');
        el.textContent = char;
        if (unknown) el.title = this.t('headsGrid.skippedChar');
        if (i >= kept) el.className = 'heads-cut';
        return el;
      }),
    );
    const read = this.#read;
    const skipped = read && read.chars.join('') === fitted.text ? read.skipped.length : 0;
    Object.assign(this.dataset, { skipped: String(skipped), cut: String(fitted.cut) });
    if (value.length === 0) return this.#note(this.t('headsGrid.empty'));
    const block = shown && blockOf(shown);
    this.#note(
      [
        this.#text?.cut ? this.t('headsGrid.linkCut', { max: MAX_HEADS_TEXT }) : '',
        fitted.cut && block ? this.t('headsGrid.cut', { block }) : '',
        read && skipped > 0 ? this.t('headsGrid.skipped', { chars: skippedList(read, this.locale) }) : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
  }

  #note(text: string): void {
    this.ref('note').textContent = text;
  }
}

define('lm-attention-heads', AttentionHeadsElement);
