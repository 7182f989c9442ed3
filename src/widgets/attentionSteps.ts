import { displayToken } from '../../lab/tokenizers/char';
import type { InspectInput, ModelInfo, Probe, ReadText, ShapedArray, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { BarListView } from '../views/barList';
import { formatProbability } from '../views/format';
import { type NumberCell, type NumberColumn, NumberTableView } from '../views/numberTable';
import { absMax } from '../views/valueColour';
import { fitBlock, MAX_STEPS_TEXT, queryDots, rowOf, STEPS_NEXT_TOP, STEPS_PROBES, stepsInput, strongestKey } from './attentionStepsProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { ATTENTION_STEPS_TEXT } from './text/attentionSteps';
import { mergeText } from './text/define';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { bindTypedText, skippedList, type TypedText } from './typedText';
import { declareInput } from './watchInputs';

const TEXT = mergeText(INSIDE_VIEW_TEXT, ATTENTION_STEPS_TEXT);

/**
 * The settings besides the text (kept in the URL by urlText.ts): `pos`, the model with or
 * without position embeddings (the shipped checkpoint `data-checkpoint` or
 * `data-checkpoint-nopos`); `at`, the query position picked (−1: the last one read).
 */
const SCHEMA = {
  pos: { kind: 'enum', default: 'on', options: ['on', 'off'] },
  at: { kind: 'int', default: -1, min: -1, max: 255 },
} as const;

/** How long typing may pause before the text is read again. */
const TYPING_MS = 250;
/** The block of the copy model, until the shipped model says its own. */
const DEFAULT_BLOCK = 18;

/** The arrays of one frame the view draws from, with how its text was read. */
interface StepsFrame {
  read: ReadText;
  vocab: string[];
  arrays: Record<'q' | 'k' | 'v' | 'scores' | 'masked' | 'weights' | 'out' | 'next' | 'next.ids', ShapedArray>;
}

/**
 * Attention step by step (chapter 6), for the one head of a single-block model: for the text
 * the reader types and the query position picked (a character clicked, or ← → on the
 * positions), the query q_t, the key k_j of every position under its character, q·k_j, the
 * score q·k_j / √hs, the causal mask (later positions −∞, greyed), the softmax weights (bars);
 * then the values v_j, the weights again and the head's output Σ_j w_j v_j; then the model's
 * next-character distribution there (BarListView). Every number is the model's (raw probes of
 * `block0.attn.*`), but q·k_j, which the view computes from the q and k it shows, for the reader
 * to check against the model's scores. A switch shows the same model trained without position
 * embeddings. The text is cut to the model's block, with a note; unknown characters are struck
 * through and skipped. State for tests: `data-columns` (positions read), `data-position` (the
 * query's), `data-strongest` (the position its weights favour), `data-skipped`, `data-cut`.
 */
class AttentionStepsElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'steps';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #text: TypedText | undefined;
  /** The shipped model now held: its vocabulary and block decide where the text is cut. */
  #model: ModelInfo | undefined;
  #frame: StepsFrame | undefined;
  #keys: NumberTableView | undefined;
  #values: NumberTableView | undefined;
  #bars: BarListView | undefined;

  protected get inspectInput(): InspectInput {
    return stepsInput(this.#fitted().text);
  }

  /** The typed text cut to the block of the model held (all of it fits while none is). */
  #fitted(): { text: string; cut: number; block: number } {
    const info = this.#model;
    const block = (info?.config as { blockSize?: number } | undefined)?.blockSize ?? DEFAULT_BLOCK;
    const vocab = info ? new Set(info.vocab) : undefined;
    return { ...fitBlock(this.#text?.value ?? '', block, vocab ? (c) => vocab.has(c) : undefined), block };
  }

  protected override setup(): void {
    this.#text = bindTypedText({
      box: this.ref<HTMLInputElement>('text'),
      param: `${this.instancePrefix}.text`,
      fallback: this.dataset.text ?? '',
      max: MAX_STEPS_TEXT,
      delay: TYPING_MS,
      listen: (target, type, handler) => this.listen(target, type, handler),
      onText: () => this.#textChanged(),
    });
    const locale = HTML_LANG[this.locale];
    this.#keys = new NumberTableView(this.ref('keys'));
    this.#values = new NumberTableView(this.ref('values'));
    this.#bars = new BarListView(this.ref('next'), {
      locale,
      labels: { caption: '', colLabel: this.t('steps.colChar'), colBar: this.t('steps.colBar'), colValue: this.t('steps.colValue'), empty: this.t('steps.nextEmpty'), rest: this.t('steps.rest') },
    });
    this.listen(this.ref('positions'), 'click', (event) => {
      const t = positionOf(event.target);
      if (t !== undefined) this.#pickPosition(t, true);
    });
    this.listen(this.ref('positions'), 'keydown', (event) => this.#positionKey(event as KeyboardEvent));
    this.#useCheckpoint();
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#text?.dispose();
    this.#keys?.destroy();
    this.#values?.destroy();
    this.#bars?.destroy();
  }

  protected override onSettingChanged(key?: keyof typeof SCHEMA): void {
    if (key === 'at') return this.#render();
    if (key === 'pos') return this.#switchModel();
    super.onSettingChanged();
  }

  protected override onMessage(message: WorkerResponse): void {
    if (message.type === 'model') {
      this.#model = message.info;
      // The trainer this view follows reads the text as this model cuts it.
      declareInput(this, this.inspectInput);
    }
    super.onMessage(message);
  }

  /** Names the checkpoint of the model chosen (with or without positions) for InsideView to load. */
  #useCheckpoint(): void {
    const nopos = this.dataset.checkpointNopos;
    const withPositions = this.dataset.checkpointPos ?? this.dataset.checkpoint;
    this.dataset.checkpointPos = withPositions;
    this.dataset.checkpoint = this.values.pos === 'off' && nopos ? nopos : withPositions;
  }

  /** Loads the other shipped model and shows it, even while a followed trainer's model is shown. */
  #switchModel(): void {
    this.#useCheckpoint();
    this.#model = undefined;
    this.querySelector<HTMLButtonElement>('[data-part="show-checkpoint"]')?.click();
    this.setStatus(this.t('inside.loading'));
    this.client?.send({ type: 'load', jobId: this.nextJob(), source: { checkpoint: this.dataset.checkpoint! } });
  }

  #textChanged(): void {
    declareInput(this, this.inspectInput);
    super.onSettingChanged();
  }

  protected probesFor(_info: ModelInfo): Record<string, Probe> {
    return STEPS_PROBES;
  }

  protected draw(frame: ViewFrame): void {
    const read = frame.text ?? this.#frame?.read;
    const a = frame.arrays;
    const ids = a['next.ids'];
    if (!read || !a.q || !a.k || !a.v || !a.scores || !a.masked || !a.weights || !a.out || !a.next || !ids) return;
    // A followed trainer's snapshot of another text (typed since its run began) would mislabel the columns.
    if (a.q.shape[0] !== read.tokens.length) return;
    this.#frame = { read, vocab: frame.info.vocab, arrays: { q: a.q, k: a.k, v: a.v, scores: a.scores, masked: a.masked, weights: a.weights, out: a.out, next: a.next, 'next.ids': ids } };
    this.#render();
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** The query position shown: the one picked, else (or past the text's end) the last. */
  #position(): number {
    const positions = this.#frame?.read.tokens.length ?? 0;
    const at = this.values.at;
    return at < 0 || at >= positions ? positions - 1 : at;
  }

  #pickPosition(t: number, focus: boolean): void {
    const positions = this.#frame?.read.tokens.length ?? 0;
    if (t < 0 || t >= positions) return;
    this.setValue('at', t, false);
    this.#render();
    if (focus) this.ref('positions').querySelector<HTMLElement>(`[data-position="${t}"]`)?.focus();
  }

  #positionKey(event: KeyboardEvent): void {
    const positions = this.#frame?.read.tokens.length ?? 0;
    const t = this.#position();
    const to = { ArrowLeft: t - 1, ArrowRight: t + 1, ArrowUp: t - 1, ArrowDown: t + 1, Home: 0, End: positions - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    this.#pickPosition(Math.min(positions - 1, Math.max(0, to)), true);
  }

  /** Draws every step for the position picked. */
  #render(): void {
    const frame = this.#frame;
    this.#showReading(frame?.read);
    if (!frame || frame.read.tokens.length === 0) return;
    const { read, arrays } = frame;
    const t = this.#position();
    const positions = read.tokens.length;
    const hs = arrays.q.shape[1] ?? 0;
    const chars = read.tokens.map((c) => displayToken(c));
    const strongest = strongestKey(arrays.weights, t);
    this.#showPositions(chars, t, strongest.at);
    Object.assign(this.dataset, { columns: String(positions), position: String(t), strongest: String(strongest.at) });

    const name = (j: number) => (read.at[j] === -1 ? `${chars[j]} (${this.t('steps.start')})` : chars[j]!);
    const positionColumns: NumberColumn[] = chars.map((char, j) => ({ label: char, sub: String(j), title: this.t('steps.columnTitle', { j, char: name(j) }), ...(j > t ? { emphasis: 'muted' as const } : {}) }));
    const blank: NumberCell = { text: '' };
    const q = rowOf(arrays.q, t);
    const scale = { type: 'diverging' as const, max: absMax(arrays.q.data, absMax(arrays.k.data, 1e-6)) };
    const dots = queryDots(arrays.q, arrays.k, t);
    const row = (array: ShapedArray) => Array.from({ length: positions }, (_, j) => array.data[t * positions + j]!);
    const weights = row(arrays.weights);
    const weightCells = weights.map((w): NumberCell => ({ text: formatProbability(w, HTML_LANG[this.locale]), bar: w }));
    const channel = (array: ShapedArray, c: number) => Array.from({ length: positions }, (_, j): NumberCell => this.#cell(array.data[j * hs + c]!));

    this.#keys!.update({
      caption: this.t('steps.keysCaption', { t, char: name(t), hs, root: this.number(Math.sqrt(hs), 2) }),
      corner: this.t('steps.corner'),
      columns: [{ label: this.t('steps.query'), sub: String(t), title: this.t('steps.queryTitle', { t }), emphasis: 'key' }, ...positionColumns],
      groups: [
        { scale, rows: Array.from({ length: hs }, (_, c) => ({ label: String(c), cells: [this.#cell(q[c]!), ...channel(arrays.k, c)] })) },
        {
          className: 'steps-rows',
          rows: [
            { label: this.t('steps.rowDot'), cells: [blank, ...Array.from(dots, (d) => ({ text: this.number(d, 2) }))] },
            { label: this.t('steps.rowScore', { hs }), cells: [blank, ...row(arrays.scores).map((s) => ({ text: this.number(s, 2) }))] },
            { label: this.t('steps.rowMasked'), cells: [blank, ...row(arrays.masked).map((m) => ({ text: Number.isFinite(m) ? this.number(m, 2) : this.t('steps.minusInfinity') }))] },
            { label: this.t('steps.rowWeight'), cells: [blank, ...weightCells] },
          ],
        },
      ],
    });

    const out = rowOf(arrays.out, t);
    const vScale = { type: 'diverging' as const, max: absMax(arrays.v.data, absMax(out, 1e-6)) };
    this.#values!.update({
      caption: this.t('steps.valuesCaption', { t, hs }),
      corner: this.t('steps.corner'),
      columns: [...positionColumns, { label: this.t('steps.sum'), sub: String(t), title: this.t('steps.sumTitle', { t }), emphasis: 'key' }],
      groups: [
        { className: 'steps-rows', rows: [{ label: this.t('steps.rowWeight'), cells: [...weightCells, { text: formatProbability(weights.reduce((s, w) => s + w, 0), HTML_LANG[this.locale]) }] }] },
        { scale: vScale, rows: Array.from({ length: hs }, (_, c) => ({ label: String(c), cells: [...channel(arrays.v, c), this.#cell(out[c]!)] })) },
      ],
    });
    this.ref('keys-help').textContent = this.t('steps.keysHelp', { t });

    const back = t - strongest.at;
    const weight = formatProbability(strongest.weight, HTML_LANG[this.locale]);
    this.ref('summary').textContent =
      back === 0 ? this.t('steps.summarySelf', { t, char: name(t), weight }) : this.t('steps.summary', { t, char: name(t), weight, j: strongest.at, key: name(strongest.at), back });
    this.#showNext(frame, t);
  }

  #cell(value: number): NumberCell {
    return { text: this.number(value, 2), value };
  }

  /** The positions read, as one radio group: the picked one checked, the later ones greyed (masked from it). */
  #showPositions(chars: string[], t: number, strongest: number): void {
    const group = this.ref('positions');
    const read = this.#frame!.read;
    const buttons = chars.map((char, j) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'steps-position';
      button.dataset.position = String(j);
      button.setAttribute('role', 'radio');
      button.setAttribute('aria-checked', String(j === t));
      button.setAttribute('aria-label', this.t('steps.positionName', { t: j, char: read.at[j] === -1 ? `${char} (${this.t('steps.start')})` : char }));
      button.tabIndex = j === t ? 0 : -1;
      button.classList.toggle('steps-position--later', j > t);
      button.classList.toggle('steps-position--strongest', j === strongest && j !== t);
      const glyph = document.createElement('span');
      glyph.textContent = char;
      const index = document.createElement('span');
      index.className = 'steps-position-index';
      index.textContent = String(j);
      button.append(glyph, index);
      return button;
    });
    const focused = group.contains(document.activeElement);
    group.replaceChildren(...buttons);
    if (focused) buttons[t]?.focus();
  }

  #showNext(frame: StepsFrame, t: number): void {
    const { arrays, read, vocab } = frame;
    const top = arrays.next.shape.at(-1) ?? STEPS_NEXT_TOP;
    const items = Array.from({ length: top }, (_, k) => ({
      label: displayToken(vocab[arrays['next.ids'].data[t * top + k]!] ?? '?'),
      value: arrays.next.data[t * top + k]!,
    }));
    const text = read.tokens.filter((_, j) => j <= t && read.at[j]! >= 0).join('');
    this.#bars?.update(items, text ? this.t('steps.nextCaption', { read: text, top }) : this.t('steps.nextCaptionStart', { top }));
  }

  /** The text as read: skipped characters struck through, the part past the block greyed, with notes. */
  #showReading(read: ReadText | undefined): void {
    const line = this.ref('reading');
    const { cut, block } = this.#fitted();
    const typed = [...(this.#text?.value ?? '')];
    this.dataset.cut = String(cut);
    if (!read) return line.replaceChildren();
    const skipped = new Set(read.skipped);
    const mark = (tag: 's' | 'span', char: string, className: string, title: string) => Object.assign(document.createElement(tag), { className, textContent: char, title });
    line.replaceChildren(
      ...read.chars.map((char, i) => (skipped.has(i) ? mark('s', char, 'steps-skipped', this.t('steps.skippedChar')) : Object.assign(document.createElement('span'), { textContent: char }))),
      ...typed.slice(typed.length - cut).map((char) => mark('span', char, 'steps-cut', this.t('steps.cutChar'))),
    );
    this.dataset.skipped = String(read.skipped.length);
    const notes = [
      cut > 0 ? this.t('steps.cut', { block, chars: block - 1, cut }) : '',
      read.chars.length === 0 ? this.t('steps.empty') : '',
      read.skipped.length > 0 ? this.t('steps.skipped', { chars: skippedList(read, this.locale) }) : '',
    ];
    this.ref('note').textContent = notes.filter(Boolean).join(' ');
  }
}

/** The position of a position button, if `target` is one or inside one. */
function positionOf(target: EventTarget | null): number | undefined {
  const button = target instanceof Element ? target.closest<HTMLElement>('[data-position]') : null;
  return button ? Number(button.dataset.position) : undefined;
}

define('lm-attention-steps', AttentionStepsElement);
