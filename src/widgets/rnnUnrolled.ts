import { displayToken } from '../../lab/tokenizers/char';
import type { InspectInput, ModelInfo, Probe, ReadText, ShapedArray, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { BarListView } from '../views/barList';
import { MatrixView } from '../views/matrixView';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { mergeText } from './text/define';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { RNN_UNROLLED_TEXT } from './text/rnnUnrolled';
import { MAX_TEXT, NEXT_TOP, stateMatrix, UNROLL_PROBES, unrollInput } from './unrolledProbes';
import { skippedList } from './typedText';
import { readUrlText, writeUrlText } from './urlText';
import { declareInput } from './watchInputs';

const TEXT = mergeText(INSIDE_VIEW_TEXT, RNN_UNROLLED_TEXT);

/** The view's settings besides its text (kept in the URL by urlText.ts): none. */
const SCHEMA = {} as const;

/** Hidden units drawn: the ones that change most along the text (a names RNN has 128). */
const UNITS_SHOWN = 32;
/** How long typing may pause before the text is read again. */
const TYPING_MS = 250;

/** The distributions of one frame: top-k probabilities and token ids per position, and the vocabulary. */
interface NextFrame {
  probs: ShapedArray;
  ids: ShapedArray;
  vocab: string[];
}

/**
 * The RNN unrolled over the reader's text: the hidden state h_t after each character read, as
 * units × positions (MatrixView, diverging around 0, full at ±1 as tanh is), its columns under
 * the characters (the name's start, the boundary token, first); the column picked (click, or
 * ← → in the grid) shows the model's next-character distribution there (BarListView). The model
 * computes both (`rnn.state`, softmax of `logits`); the view only picks which units to draw.
 * Characters the model does not know are struck through and named, never read. State for tests:
 * `data-columns` (positions drawn), `data-column` (the one picked), `data-skipped` (how many left out).
 */
class RnnUnrolledElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'unroll';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #value = '';
  /** How the latest snapshot of the shipped model read the text. */
  #read: ReadText | undefined;
  /** The read of the snapshot being handled, until `draw` takes it. */
  #next: NextFrame | undefined;
  #matrix: MatrixView | undefined;
  #bars: BarListView | undefined;
  #typing: ReturnType<typeof setTimeout> | undefined;
  /** The link's text was longer than the view reads. */
  #cut = false;

  protected get inspectInput(): InspectInput {
    return unrollInput(this.#value);
  }

  protected override setup(): void {
    const param = `${this.instancePrefix}.text`;
    const fallback = this.dataset.text ?? '';
    const { value, cut } = readUrlText(location.search, param, fallback, MAX_TEXT);
    this.#value = value;
    const box = this.ref<HTMLInputElement>('text');
    box.value = value;
    this.#cut = cut;
    this.listen(box, 'input', () => {
      clearTimeout(this.#typing);
      this.#typing = setTimeout(() => this.#setText(box.value, param, fallback), TYPING_MS);
    });
    this.#buildViews();
    this.#showReading(undefined);
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#typing);
    this.#matrix?.destroy();
    this.#bars?.destroy();
  }

  #buildViews(): void {
    const locale = HTML_LANG[this.locale];
    this.#matrix = new MatrixView(this.ref('state'), {
      locale,
      scale: { type: 'diverging', max: 1 },
      labels: {
        aria: this.t('unroll.mapAria'),
        grid: this.t('unroll.mapGrid'),
        readoutEmpty: this.t('unroll.mapEmpty'),
        tableSummary: this.t('table.show'),
        axisRows: this.t('unroll.mapRows'),
        corner: this.t('unroll.mapCorner'),
      },
      readout: (cell) => this.t('unroll.cell', { unit: cell.rowLabel, token: this.#tokenName(cell.col), value: this.number(cell.value, 3) }),
      format: () => '',
      maxCell: 16,
      minCell: 10,
      onActiveCell: (_row, col) => this.#showNext(col),
    });
    this.#bars = new BarListView(this.ref('next'), {
      locale,
      labels: {
        caption: '',
        colLabel: this.t('unroll.colChar'),
        colBar: this.t('unroll.colBar'),
        colValue: this.t('unroll.colValue'),
        empty: this.t('unroll.nextEmpty'),
        rest: this.t('unroll.rest'),
      },
    });
  }

  #setText(text: string, param: string, fallback: string): void {
    const value = [...text].slice(0, MAX_TEXT).join('');
    if (value === this.#value) return;
    this.#value = value;
    this.#cut = false;
    writeUrlText(param, value, fallback);
    // The trainer this view follows reads the text from here (its next watch, or at once after a run).
    declareInput(this, this.inspectInput);
    this.onSettingChanged();
  }

  protected probesFor(_info: ModelInfo): Record<string, Probe> {
    return UNROLL_PROBES;
  }

  protected draw(frame: ViewFrame): void {
    if (frame.text) this.#read = frame.text;
    const read = this.#read;
    const { state, next } = frame.arrays;
    const ids = frame.arrays['next.ids'];
    if (!read || !state || !next || !ids) return;
    const [positions = 0, units = 0] = state.shape;
    // A followed trainer's snapshot of another text (typed since its run began) would mislabel the columns.
    if (positions !== read.tokens.length) return;
    this.#showReading(read);
    const shown = stateMatrix(state.data, positions, units, UNITS_SHOWN);
    this.#next = { probs: next, ids, vocab: frame.info.vocab };
    this.ref('units').textContent = this.t('unroll.units', { shown: shown.units.length, units });
    this.ref('boundary').textContent = this.t('unroll.boundary', { boundary: displayToken(read.boundary) });
    this.dataset.columns = String(positions);
    const matrix = this.#matrix!;
    matrix.update({ rows: shown.units.length, cols: positions, values: shown.values, rowLabels: shown.units.map(String), colLabels: read.tokens.map(displayToken) });
    const active = matrix.activeCell;
    if (active) this.#showNext(active.col);
    else matrix.setActiveCell(0, positions - 1);
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** The next-character distribution after position `col`. */
  #showNext(col: number): void {
    const next = this.#next;
    const read = this.#read;
    if (!next || !read) return;
    const top = next.probs.shape.at(-1) ?? NEXT_TOP;
    const items = Array.from({ length: top }, (_, k) => ({
      label: displayToken(next.vocab[next.ids.data[col * top + k]!] ?? '?'),
      value: next.probs.data[col * top + k]!,
    }));
    const text = read.tokens.filter((_, t) => t <= col && read.at[t]! >= 0).join('');
    const caption = text ? this.t('unroll.nextCaption', { read: text, top }) : this.t('unroll.nextCaptionStart', { top });
    this.#bars?.update(items, caption);
    this.dataset.column = String(col);
  }

  /** A position as the readouts name it: its character in quotes; the boundary it starts from as "start". */
  #tokenName(col: number): string {
    const read = this.#read;
    if (!read) return String(col);
    const token = displayToken(read.tokens[col] ?? '');
    return read.at[col] === -1 ? `“${token}” (${this.t('unroll.start')})` : `“${token}”`;
  }

  /** The text as read: every character, those left out struck through, with a note naming them; or the hint for an empty text. */
  #showReading(read: ReadText | undefined): void {
    const line = this.ref('reading');
    if (!read) return line.replaceChildren();
    const skipped = new Set(read.skipped);
    line.replaceChildren(
      ...read.chars.map((char, i) => {
        if (!skipped.has(i)) {
          const span = document.createElement('span');
          span.textContent = char;
          return span;
        }
        const mark = document.createElement('s');
        mark.className = 'unroll-skipped';
        mark.textContent = char;
        mark.title = this.t('unroll.skippedChar');
        return mark;
      }),
    );
    this.dataset.skipped = String(read.skipped.length);
    if (read.chars.length === 0) return this.#note(this.t('unroll.empty'));
    if (read.skipped.length > 0) return this.#note(this.t('unroll.skipped', { chars: skippedList(read, this.locale) }));
    this.#note('');
  }

  #note(text: string): void {
    this.ref('note').textContent = [this.#cut ? this.t('unroll.cut', { max: MAX_TEXT }) : '', text].filter(Boolean).join(' ');
  }
}

define('lm-rnn-unrolled', RnnUnrolledElement);
