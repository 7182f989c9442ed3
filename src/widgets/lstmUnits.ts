import { textProperties } from '../../lab/analysis/textProperties';
import { pearson } from '../../lab/analysis/unitCorrelation';
import { displayToken } from '../../lab/tokenizers/char';
import type { InspectInput, ModelInfo, Probe, ReadText, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { setRows } from '../views/dom';
import { ColouredTextView } from '../views/colouredText';
import { absMax } from '../views/valueColour';
import { textInput } from './gateProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { type FoundUnit, type PageUnits, parseUnitsFile } from './lstmUnitsFile';
import { MAX_UNITS_TEXT, UNITS_PROBES } from './lstmUnitsProbes';
import { mergeText, type TextKey } from './text/define';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { LSTM_UNITS_TEXT } from './text/lstmUnits';
import { bindTypedText, skippedList, type TypedText } from './typedText';

const TEXT = mergeText(INSIDE_VIEW_TEXT, LSTM_UNITS_TEXT);
type Key = TextKey<typeof TEXT>;

/** `pick`: the row of the units table whose unit colours the text (the text itself is kept by urlText.ts). */
const SCHEMA = {
  pick: { kind: 'int', default: 0, min: 0, max: 63 },
} as const;

/** How long typing may pause before the text is read again. */
const TYPING_MS = 400;

/**
 * The units of the shipped Shakespeare LSTM that scripts/lstm-units.ts found to follow a readable
 * property of the text (`data-units`, from the units file at build time), and a text (a dev
 * excerpt, or the reader's) with each character's background coloured by the chosen unit's value
 * after reading it — Karpathy's figures — and the property underlined beside it. The model
 * computes every value (raw probes of `lstm.cell` and `rnn.state`); the properties and the
 * correlation on the text shown are lab analyses. State for tests: `data-unit` (`key/unit`
 * coloured), `data-r` (the correlation on this text), `data-skipped`.
 */
class LstmUnitsElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'units';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #found: PageUnits | undefined;
  #text: TypedText | undefined;
  #read: ReadText | undefined;
  #frame: ViewFrame | undefined;
  #view: ColouredTextView | undefined;

  get #value(): string {
    return this.#text?.value ?? '';
  }

  protected get inspectInput(): InspectInput {
    return textInput(this.#value);
  }

  protected override setup(): void {
    this.#found = parseUnitsFile(JSON.parse(this.dataset.units ?? 'null'));
    const excerpt = this.#found.excerpt;
    const box = this.ref<HTMLTextAreaElement>('text');
    const reset = this.ref<HTMLButtonElement>('reset');
    this.#text = bindTypedText({
      box,
      param: `${this.instancePrefix}.text`,
      fallback: excerpt,
      max: MAX_UNITS_TEXT,
      delay: TYPING_MS,
      listen: (target, type, handler) => this.listen(target, type, handler),
      onText: (value) => {
        reset.hidden = value === excerpt;
        if (value.length === 0) return this.#clear();
        super.onSettingChanged();
      },
    });
    reset.hidden = this.#value === excerpt;
    this.listen(reset, 'click', () => {
      box.value = excerpt;
      this.#text?.set(excerpt);
      box.focus();
    });
    for (const button of this.querySelectorAll<HTMLButtonElement>('[data-part="pick"]')) {
      // Disabled in the markup: without this script, they would do nothing.
      button.disabled = false;
      this.listen(button, 'click', () => this.setValue('pick', Number(button.dataset.index)));
    }
    this.#view = new ColouredTextView(this.ref('coloured'), { label: '', skippedTitle: this.t('units.skippedChar'), locale: HTML_LANG[this.locale] });
    this.#showPicked();
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#text?.dispose();
    this.#view?.destroy();
  }

  protected override onSettingChanged(key?: keyof typeof SCHEMA): void {
    if (key === 'pick') {
      this.#showPicked();
      if (this.#frame) this.draw(this.#frame);
      return;
    }
    super.onSettingChanged();
  }

  protected probesFor(_info: ModelInfo): Record<string, Probe> {
    return UNITS_PROBES;
  }

  /** An empty text is not an error: the hint is shown instead. */
  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    if (this.#value.length === 0) return this.#clear();
    super.onWorkerError(message);
  }

  /** The chosen unit, clamped to the table. */
  get #unit(): FoundUnit | undefined {
    const units = this.#found?.units ?? [];
    return units[Math.min(this.values.pick, units.length - 1)];
  }

  protected draw(frame: ViewFrame): void {
    this.#read = frame.text ?? this.#read;
    this.#frame = frame;
    const read = this.#read;
    const found = this.#unit;
    const array = found && frame.arrays[found.key];
    if (!read || !found || !array) return;
    const [positions = 0, units = 0] = array.shape;
    if (positions !== read.tokens.length || found.unit >= units) return;
    // The unit's value after each character read; NaN for a character left out.
    const values = new Float64Array(read.chars.length).fill(NaN);
    read.at.forEach((i, t) => {
      if (i >= 0) values[i] = array.data[t * units + found.unit]!;
    });
    const property = textProperties(read.chars.join(''))[found.property];
    const top = absMax(property);
    const marks = property.map((v) => (top > 0 ? v / top : 0));
    const max = absMax(values, 1e-6);
    const unitName = this.t(`units.key.${found.key}` as Key, { unit: found.unit });
    this.#view?.update({ chars: read.chars, values, scale: { type: 'diverging', max }, marks, skipped: read.skipped }, this.t('units.readingLabel', { unit: unitName }));
    const readAt = read.at.filter((i) => i >= 0);
    const here = readAt.length >= 2 ? pearson(readAt.map((i) => values[i]!), readAt.map((i) => property[i]!)) : 0;
    const varies = readAt.some((i) => property[i] !== property[readAt[0]!]);
    const vars = { unit: unitName, property: this.t(`units.prop.${found.property}` as Key), r: this.number(found.r, 2), chars: this.number(this.#found!.chars, 0), here: this.number(here, 2) };
    this.ref('readout').textContent = this.t(varies ? 'units.readout' : 'units.readoutNone', vars);
    this.ref('legend').textContent = this.t('units.legend', { max: this.number(max, 2) });
    setRows(
      this.ref<HTMLTableSectionElement>('values'),
      readAt.map((i) => [displayToken(read.chars[i]!), this.number(values[i]!, 3), this.number(property[i]!, 0)]),
    );
    Object.assign(this.dataset, { unit: `${found.key}/${found.unit}`, r: String(here), skipped: String(read.skipped.length) });
    this.#note(read);
  }

  protected describe(frame: ViewFrame): string {
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** Marks the chosen row of the table. */
  #showPicked(): void {
    const index = Math.min(this.values.pick, (this.#found?.units.length ?? 1) - 1);
    for (const button of this.querySelectorAll<HTMLButtonElement>('[data-part="pick"]')) {
      const on = Number(button.dataset.index) === index;
      button.setAttribute('aria-pressed', String(on));
    }
  }

  #clear(): void {
    this.#read = undefined;
    this.#view?.reset();
    this.ref('readout').textContent = '';
    this.ref('legend').textContent = '';
    setRows(this.ref<HTMLTableSectionElement>('values'), []);
    this.ref('note').textContent = this.t('units.empty');
  }

  #note(read: ReadText): void {
    const parts = [this.#text?.cut ? this.t('units.cut', { max: MAX_UNITS_TEXT }) : '', read.skipped.length > 0 ? this.t('units.skipped', { chars: skippedList(read, this.locale) }) : ''];
    this.ref('note').textContent = parts.filter(Boolean).join(' ');
  }
}

define('lm-lstm-units', LstmUnitsElement);
