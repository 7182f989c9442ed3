import type { InspectInput, ModelInfo, Probe, ReadText, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { CharStripView, type StripRow } from '../views/charStrip';
import { ColouredTextView } from '../views/colouredText';
import { MatrixView } from '../views/matrixView';
import { absMax, type ValueScale } from '../views/valueColour';
import { GATE_KEYS, textInput, gateProbes, type GatedCell, isGatedCell, MAX_GATE_TEXT, SHOWN_UNITS, unitRows, varyingUnits } from './gateProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { mergeText, type TextKey } from './text/define';
import { GATE_STRIPS_TEXT } from './text/gateStrips';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { displayToken } from '../../lab/tokenizers/char';
import { bindTypedText, skippedList, type TypedText } from './typedText';
import { declareInput } from './watchInputs';

const TEXT = mergeText(INSIDE_VIEW_TEXT, GATE_STRIPS_TEXT);
type Key = TextKey<typeof TEXT>;

/**
 * The settings besides the text (kept in the URL by urlText.ts): `rows`, the units drawn per
 * strip (the most varying, or all); `unit`, the unit drawn under the text (−1: the one that
 * varies most in the first strip).
 */
const SCHEMA = {
  rows: { kind: 'enum', default: 'top', options: ['top', 'all'] },
  unit: { kind: 'int', default: -1, min: -1, max: 4095 },
} as const;

/** How long typing may pause before the text is read again. */
const TYPING_MS = 250;

/** One gate's strip: its key, the units drawn, and the matrix view. */
interface Strip {
  key: string;
  units: number[];
  view: MatrixView;
}

/**
 * For the text the reader types, every gate of an LSTM (input, forget, output, and the cell) or a
 * GRU (update, reset) as a strip of units × characters, columns under the characters read, and
 * one unit's values under the text as coloured cells, one row per gate (CharStripView). The
 * model computes every value (raw probes of the gate keys); the view only picks which units to
 * draw. Which gates depends on the model held: the shipped checkpoint's, then the reader's while
 * the trainer it follows trains. State for tests: `data-cell` (lstm or gru), `data-columns`,
 * `data-unit` (the unit under the text), `data-skipped` (characters left out), `data-strips`.
 */
class GateStripsElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'gates';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #text: TypedText | undefined;
  /** How the latest snapshot of the shipped model read the text; a followed trainer's snapshots carry none. */
  #read: ReadText | undefined;
  #frame: ViewFrame | undefined;
  /** The strips drawn, for the cell and row mode they were built for. */
  #strips: Strip[] = [];
  #built = '';
  #reading: ColouredTextView | undefined;
  /** The shipped model's characters, to tell a text it cannot read at all from a failure. */
  #vocab: ReadonlySet<string> | undefined;
  #unitStrip: CharStripView | undefined;

  get #value(): string {
    return this.#text?.value ?? '';
  }

  protected get inspectInput(): InspectInput {
    return textInput(this.#value);
  }

  protected override setup(): void {
    // A textarea: a Shakespeare text has line breaks, which a one-line input would drop.
    this.#text = bindTypedText({
      box: this.ref<HTMLTextAreaElement>('text'),
      param: `${this.instancePrefix}.text`,
      fallback: this.dataset.text ?? '',
      max: MAX_GATE_TEXT,
      delay: TYPING_MS,
      listen: (target, type, handler) => this.listen(target, type, handler),
      onText: () => this.#textChanged(),
    });
    this.#reading = new ColouredTextView(this.ref('reading'), { label: this.t('gates.readingLabel'), skippedTitle: this.t('gates.skippedChar'), locale: HTML_LANG[this.locale] });
    this.#unitStrip = new CharStripView(this.ref('unit'), { caption: '', corner: this.t('gates.stripCorner'), locale: HTML_LANG[this.locale] });
    if (!this.#value) this.#note(this.t('gates.empty'));
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#text?.dispose();
    this.#destroyStrips();
    this.#reading?.destroy();
    this.#unitStrip?.destroy();
  }

  protected override onSettingChanged(key?: keyof typeof SCHEMA): void {
    if (key === 'unit') return this.#drawUnit();
    if (key === 'rows' && this.#frame) return this.draw(this.#frame);
    super.onSettingChanged();
  }

  protected override describeUsedValue(key: keyof typeof SCHEMA, used: string): string {
    return key === 'unit' && used === '-1' ? this.t('gates.rowsTop', { count: 1 }) : used;
  }

  #textChanged(): void {
    // The trainer this view follows reads the text from here (its next watch, or at once after a run).
    declareInput(this, this.inspectInput);
    super.onSettingChanged();
  }

  protected probesFor(info: ModelInfo): Record<string, Probe> {
    return isGatedCell(info.kind) ? gateProbes(info.kind) : {};
  }

  protected override onMessage(message: WorkerResponse): void {
    if (message.type === 'model') this.#vocab = new Set(message.info.vocab);
    super.onMessage(message);
  }

  /**
   * A text with nothing the model can read (empty, or only characters it does not know) is not
   * an error: the hint or the note naming the characters is shown instead, the strips emptied.
   */
  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    const chars = Array.from(this.#value);
    const vocab = this.#vocab;
    if (!vocab || chars.some((c) => vocab.has(c))) return super.onWorkerError(message);
    this.#read = { chars, tokens: [], at: [], skipped: chars.map((_, i) => i), boundary: '' };
    this.#destroyStrips();
    this.#unitStrip?.reset();
    delete this.dataset.columns;
    this.#showReading(this.#read);
  }

  protected draw(frame: ViewFrame): void {
    // A redraw (another row mode) draws the last frame again, with the text it was read from.
    if (frame.text) this.#read = frame.text;
    this.#frame = frame;
    const read = this.#read;
    this.#showReading(read);
    const kind = frame.info.kind;
    if (!isGatedCell(kind)) {
      this.#destroyStrips();
      this.#unitStrip?.reset();
      return this.#note(this.t('gates.notGated', { kind: kind.toUpperCase() }));
    }
    this.dataset.cell = kind;
    const first = frame.arrays[GATE_KEYS[kind][0]!];
    if (!read || !first || read.tokens.length === 0) {
      this.#destroyStrips();
      this.#unitStrip?.reset();
      delete this.dataset.columns;
      return;
    }
    const [positions = 0, units = 0] = first.shape;
    // A followed trainer's snapshot of another text (typed since it began watching) would mislabel the columns.
    if (positions !== read.tokens.length) return;
    this.#build(kind);
    const count = this.values.rows === 'all' ? units : SHOWN_UNITS;
    for (const strip of this.#strips) {
      const array = frame.arrays[strip.key];
      if (!array) continue;
      strip.units = varyingUnits(array.data, positions, units, count);
      const values = unitRows(array.data, positions, units, strip.units);
      strip.view.update({ rows: strip.units.length, cols: positions, values, rowLabels: strip.units.map(String), colLabels: read.tokens.map(displayToken) });
    }
    this.ref('shown').textContent = count >= units ? this.t('gates.shownAll', { units }) : this.t('gates.shownTop', { shown: count, units });
    this.ref('boundary').hidden = !read.at.includes(-1);
    Object.assign(this.dataset, { columns: String(positions), strips: String(this.#strips.length) });
    this.#drawUnit();
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** Makes the strips for `kind` and the row mode, unless they are there. */
  #build(kind: GatedCell): void {
    const signature = `${kind}/${this.values.rows}`;
    if (signature === this.#built) return;
    this.#destroyStrips();
    this.#built = signature;
    const all = this.values.rows === 'all';
    const container = this.ref('strips');
    this.#strips = GATE_KEYS[kind].map((key) => {
      const section = document.createElement('section');
      section.className = 'gate-strip';
      const title = document.createElement('p');
      title.className = 'widget-caption gate-strip-title';
      title.textContent = this.t(`gates.key.${key}` as Key);
      const box = document.createElement('div');
      box.className = 'widget-view';
      section.append(title, box);
      container.append(section);
      const gate = this.t(`gates.short.${key}` as Key);
      const strip: Strip = { key, units: [], view: undefined as unknown as MatrixView };
      strip.view = new MatrixView(box, {
        locale: HTML_LANG[this.locale],
        scale: key === 'lstm.cell' ? { type: 'diverging' } : { type: 'sequential', domain: [0, 1] },
        labels: {
          aria: this.t('gates.mapAria', { gate, rows: '{rows}', cols: '{cols}' }),
          grid: this.t('gates.mapGrid', { gate }),
          readoutEmpty: this.t('gates.mapEmpty'),
          tableSummary: this.t('table.show'),
          axisRows: this.t('gates.mapRows'),
          axisCols: this.t('gates.mapCols'),
          corner: this.t('gates.mapCorner'),
        },
        readout: (cell) => this.t('gates.cell', { gate, unit: cell.rowLabel, token: this.#tokenName(cell.col), value: this.number(cell.value, 3) }),
        format: () => '',
        // All of a large model's units: small cells, the whole strip at a glance.
        maxCell: all ? 6 : 16,
        minCell: all ? 3 : 10,
        onActiveCell: (row) => {
          const unit = strip.units[row];
          if (unit !== undefined && unit !== this.values.unit) this.setValue('unit', unit);
        },
      });
      return strip;
    });
  }

  #destroyStrips(): void {
    for (const strip of this.#strips) strip.view.destroy();
    this.#strips = [];
    this.#built = '';
    this.ref('strips').replaceChildren();
  }

  /** The chosen unit's value in every gate, under the characters read. */
  #drawUnit(): void {
    const frame = this.#frame;
    const read = this.#read;
    if (!frame || !read || this.#strips.length === 0) return;
    const first = frame.arrays[this.#strips[0]!.key];
    const [positions = 0, units = 0] = first?.shape ?? [];
    const chosen = this.values.unit;
    const unit = chosen >= 0 && chosen < units ? chosen : (this.#strips[0]!.units[0] ?? 0);
    const rows: StripRow[] = this.#strips.flatMap((strip) => {
      const array = frame.arrays[strip.key];
      if (!array) return [];
      const values = unitRows(array.data, positions, units, [unit]);
      const scale: ValueScale = strip.key === 'lstm.cell' ? { type: 'diverging', max: absMax(values, 1e-6) } : { type: 'unit' };
      return [{ label: this.t(`gates.short.${strip.key}` as Key), values, scale }];
    });
    this.#unitStrip?.update({ chars: read.tokens, rows }, this.t('gates.stripCaption', { unit }));
    this.dataset.unit = String(unit);
  }

  /** A position as the readouts name it: its character in quotes; a name's start as "start". */
  #tokenName(col: number): string {
    const read = this.#read;
    const shown = displayToken(read?.tokens[col] ?? '');
    return read?.at[col] === -1 ? `“${shown}” (${this.t('gates.start')})` : `“${shown}”`;
  }

  /** The text as read, characters left out struck through and named; or the hint for an empty text. */
  #showReading(read: ReadText | undefined): void {
    if (!read) return;
    this.#reading?.update({ chars: read.chars, skipped: read.skipped });
    this.dataset.skipped = String(read.skipped.length);
    if (read.chars.length === 0) return this.#note(this.t('gates.empty'));
    this.#note(read.skipped.length > 0 ? this.t('gates.skipped', { chars: skippedList(read, this.locale) }) : '');
  }

  #note(text: string): void {
    this.ref('note').textContent = [this.#text?.cut ? this.t('gates.cut', { max: MAX_GATE_TEXT }) : '', text].filter(Boolean).join(' ');
  }
}

define('lm-gate-strips', GateStripsElement);
