import type { BackendName } from '../../lab/backend/names';
import type { WorkerResponse } from '../../lab/worker/protocol';
import { isLocale, type Locale } from '../i18n/locales';
import { fillTemplate } from '../i18n/template';
import { type CrashKind, LabClient, type WorkerKind } from './labClient';
import { COMMON_TEXT, type CommonKey } from './text/common';
import { type TextKey, type TextVars, type WidgetText, type Words, wordsOf } from './text/define';
import { coerce, type Notice, parseField, plainDecimal, readState, type Schema, type Values, withDefaults, writeState } from './urlState';

/** The event that sets another widget's values: `document.dispatchEvent(new CustomEvent(SET_VALUES_EVENT, { detail }))`. */
export const SET_VALUES_EVENT = 'lm-set-values';

/** What a {@link SET_VALUES_EVENT} carries. */
export interface SetValuesDetail {
  /** The URL prefix of the widget to set, e.g. `dyn`. */
  prefix: string;
  /** Settings by key; each is read as its field reads a URL value (clamped into range), unknown keys and invalid values ignored. */
  values: Record<string, string | number>;
  /** Scroll the widget into view and focus it. */
  reveal?: boolean;
}

/** A button offered beside an error. */
export interface ErrorAction {
  label: string;
  run(): void;
}

/**
 * The behaviour every widget shares (Starlight's pattern: server-rendered markup plus a small
 * custom element): its language and words, its settings read from and written to the URL
 * through its schema, controls bound by `data-field`, one worker, and places for notices,
 * errors and status. Subclasses say what to run and how to show what comes back.
 *
 * Its words are {@link COMMON_TEXT} and the subclass's own table `T` (src/widgets/text/), so a
 * page ships only the words of its own widgets. Its URL prefix is the element's
 * `data-url-prefix` (WidgetFrame's `prefix`), else the class's {@link urlPrefix}: two widgets
 * of one kind on a page each get their own prefix. An instance may start from other defaults
 * than its schema's (`data-defaults`, JSON of values by key): the URL overrides them, and is
 * written against them, so a link still reproduces the run. Another part of the page sets an
 * instance's values with a {@link SET_VALUES_EVENT} naming its prefix.
 */
export abstract class LabWidget<S extends Schema, T extends WidgetText = WidgetText<never>> extends HTMLElement {
  /** The URL prefix of this kind of widget's settings, e.g. `train`, used when the element sets none. */
  protected abstract readonly urlPrefix: string;
  protected abstract readonly schema: S;
  /** This widget's own words, besides the common ones. */
  protected abstract readonly text: T;
  /** `auto` to probe for the fastest backend; counting widgets use `cpu`. */
  protected abstract readonly backend: BackendName | 'auto';
  /** The worker script: `count` for widgets that only count (no tfjs), else `lab`. */
  protected readonly workerKind: WorkerKind = 'lab';
  protected locale: Locale = 'en';
  protected values!: Values<S>;
  protected client: LabClient | undefined;
  #prefix = '';
  /** The schema with this instance's defaults (`data-defaults`): what the URL is read and written against. */
  #fields!: S;
  #words: Readonly<Record<string, string>> = {};
  /** Removes every listener this element added, when it leaves the page. */
  #listeners = new AbortController();
  #jobId = 0;

  connectedCallback(): void {
    this.#listeners = new AbortController();
    const lang = this.dataset.lang;
    this.locale = isLocale(lang) ? lang : 'en';
    this.#words = wordsOf(this.locale, COMMON_TEXT, this.text);
    this.#prefix = this.dataset.urlPrefix || this.urlPrefix;
    this.#fields = withDefaults(this.schema, pageDefaults(this.dataset.defaults));
    const { values, notices } = readState(this.#fields, new URLSearchParams(location.search), this.#prefix);
    this.values = values;
    this.#showNotices(notices);
    for (const control of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-field]')) {
      const key = control.dataset.field!;
      const field = this.#fields[key];
      if (!field) continue;
      control.value = String(this.values[key]);
      this.#showRangeValue(key);
      if (control.type === 'range') this.listen(control, 'input', () => this.#showRangeValue(key, control.value));
      this.listen(control, 'change', () => {
        const value = coerce(field, control.value);
        control.value = String(value);
        this.setValue(key, value as Values<S>[keyof S]);
      });
    }
    this.listen(document, SET_VALUES_EVENT, (event) => this.#setValues((event as CustomEvent<unknown>).detail));
    this.client = new LabClient({ message: (m) => this.#receive(m), crash: (kind, detail) => this.onCrash(kind, detail) }, this.backend, this.workerKind);
    this.setup();
  }

  disconnectedCallback(): void {
    this.#listeners.abort();
    this.client?.dispose();
    this.client = undefined;
  }

  /** Called once connected, settings read: wire buttons, start the first job. */
  protected abstract setup(): void;
  /** Called for each message of the worker. */
  protected abstract onMessage(message: WorkerResponse): void;
  /** Called after the reader changed a setting. */
  protected abstract onSettingChanged(key: keyof S): void;

  /** Called when a job failed or the worker crashed, before the error is shown. */
  protected onJobFailed(): void {}

  /** A job of this widget failed in the worker: shows the error with a retry. */
  protected onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    this.onJobFailed();
    this.showError(message.message, [this.#retryAction()]);
  }

  /** The worker was lost (a new one starts with the next request): shows why, with a retry. */
  protected onCrash(kind: CrashKind, detail?: string): void {
    this.onJobFailed();
    this.showError(this.t('error.crash', { reason: this.crashReason(kind, detail) }), [this.#retryAction()]);
  }

  /** Why a worker was lost, in the page's language. */
  protected crashReason(kind: CrashKind, detail?: string): string {
    if (kind === 'error') return detail ?? this.t('error.exited');
    return this.t(kind === 'exited' ? 'error.exited' : 'error.silent');
  }

  /** Retrying a counting widget redoes its work for the current settings. */
  #retryAction(): ErrorAction {
    return { label: this.t('error.retry'), run: () => this.onSettingChanged(Object.keys(this.schema)[0] as keyof S) };
  }

  /** How a URL notice names the value used instead of a bad one; a widget whose 0 means "the default" says so. */
  protected describeUsedValue(_key: keyof S, used: string): string {
    return used;
  }

  /** Adds a listener that is removed when the widget leaves the page. */
  protected listen<K extends keyof HTMLElementEventMap>(target: EventTarget, type: K | string, handler: (event: Event) => void): void {
    target.addEventListener(type, handler, { signal: this.#listeners.signal });
  }

  /**
   * Sets one setting, mirrors it in its control and in the URL, and tells the subclass unless
   * `notify` is false (the widget changed it itself, and has already acted on it).
   */
  protected setValue<K extends keyof S>(key: K, value: Values<S>[K], notify = true): void {
    this.values[key] = value;
    const control = this.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-field="${String(key)}"]`);
    if (control) control.value = String(value);
    this.#showRangeValue(String(key));
    const params = new URLSearchParams(location.search);
    writeState(this.#fields, this.values, params, this.#prefix);
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    if (notify) this.onSettingChanged(key);
  }

  /** This instance's defaults: the schema's, with those of `data-defaults` in their place. */
  protected get instanceDefaults(): Values<S> {
    return Object.fromEntries(Object.entries(this.#fields).map(([k, f]) => [k, f.default])) as Values<S>;
  }

  /** Applies a {@link SET_VALUES_EVENT} meant for this instance. */
  #setValues(detail: unknown): void {
    if (!isSetValuesDetail(detail) || detail.prefix !== this.#prefix) return;
    for (const [key, given] of Object.entries(detail.values)) {
      const field = this.#fields[key];
      if (!field || (typeof given === 'number' && !Number.isFinite(given))) continue;
      const parsed = parseField(field, typeof given === 'number' ? plainDecimal(given) : String(given));
      if (parsed.reason !== 'invalid') this.setValue(key, parsed.value as Values<S>[keyof S]);
    }
    if (!detail.reveal) return;
    const figure = this.querySelector<HTMLElement>('figure') ?? this;
    // A figure is not focusable by default: -1 lets a script focus it without adding a tab stop.
    if (!figure.hasAttribute('tabindex')) figure.tabIndex = -1;
    figure.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    figure.focus({ preventScroll: true });
  }

  /** A new job id; messages of older jobs are then ignored. */
  protected nextJob(): number {
    this.#jobId += 1;
    this.clearError();
    return this.#jobId;
  }

  /** The id of the latest job. */
  protected get currentJob(): number {
    return this.#jobId;
  }

  /** A string of this widget (its own or a common one) in the page's language, `{name}` placeholders filled from `vars`. */
  protected t(key: CommonKey | TextKey<T>, vars?: TextVars): string {
    return fillTemplate(this.#words[key]!, vars);
  }

  /** This widget's strings in the page's language, placeholders unfilled: labels for a view, which fills them itself. */
  protected get words(): Words<CommonKey | TextKey<T>> {
    return this.#words as Words<CommonKey | TextKey<T>>;
  }

  /**
   * The URL prefix of this element's settings (`data-url-prefix`, else the class's
   * {@link urlPrefix}): also the name to key anything else per instance by.
   */
  protected get instancePrefix(): string {
    return this.#prefix;
  }

  /** Numbers in the page's language, with a fixed number of decimals so columns line up. */
  protected number(value: number, digits = 4): string {
    if (value === Infinity) return '∞';
    return value.toLocaleString(this.locale === 'zh-cn' ? 'zh-CN' : 'en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  /** The element marked `data-part=name` inside the widget. */
  protected ref<E extends HTMLElement = HTMLElement>(name: string): E {
    const el = this.querySelector<E>(`[data-part="${name}"]`);
    if (!el) throw new Error(`widget markup lacks data-part="${name}"`);
    return el;
  }

  protected setStatus(text: string): void {
    this.ref('status').textContent = text;
  }

  /** Shows an error in the widget, with a button per action (each clears the error first). */
  protected showError(message: string, actions: ErrorAction[] = []): void {
    const box = this.ref('error');
    box.hidden = false;
    box.replaceChildren(`${this.t('error.prefix')} ${message}`);
    for (const action of actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'widget-button';
      button.textContent = action.label;
      button.addEventListener(
        'click',
        () => {
          this.clearError();
          action.run();
        },
        { once: true },
      );
      box.append(' ', button);
    }
  }

  protected clearError(): void {
    const box = this.ref('error');
    box.hidden = true;
    box.replaceChildren();
  }

  /** A range input shows its value in the `<output>` beside it. */
  #showRangeValue(key: string, value: string = String(this.values[key])): void {
    const output = this.querySelector(`output[data-output-for="${key}"]`);
    if (output) output.textContent = value;
  }

  #receive(message: WorkerResponse): void {
    if ('jobId' in message && message.jobId !== undefined && message.jobId !== this.#jobId) return;
    if (message.type === 'error') return this.onWorkerError(message);
    this.onMessage(message);
  }

  #showNotices(notices: Notice[]): void {
    const box = this.ref('notice');
    box.hidden = notices.length === 0;
    box.replaceChildren(
      ...notices.map((n) => {
        const p = document.createElement('p');
        const key = n.param.slice(this.#prefix.length + 1) as keyof S;
        p.textContent = this.t(n.reason === 'range' ? 'notice.range' : 'notice.invalid', { param: n.param, given: n.given, used: this.describeUsedValue(key, n.used) });
        return p;
      }),
    );
  }
}

/** The defaults a page gives an instance (`data-defaults`): an object, or none when the attribute is missing or not one. */
function pageDefaults(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isSetValuesDetail(detail: unknown): detail is SetValuesDetail {
  if (!detail || typeof detail !== 'object') return false;
  const { prefix, values } = detail as Partial<SetValuesDetail>;
  return typeof prefix === 'string' && !!values && typeof values === 'object';
}

/** Registers a custom element once (modules may be evaluated more than once in dev). */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
