import type { Locale } from '../i18n/locales';
import type { ReadText } from '../../lab/worker/protocol';
import { readUrlText, writeUrlText } from './urlText';

/** What {@link bindTypedText} needs of a view with a text box. */
export interface TypedTextOptions {
  box: HTMLInputElement | HTMLTextAreaElement;
  /** The URL parameter that keeps the text, e.g. `gates.text`. */
  param: string;
  /** The text the view opens on, left out of the URL. */
  fallback: string;
  /** Most characters (code points) read. */
  max: number;
  /** How long typing may pause before the text is read again, in milliseconds. */
  delay: number;
  /** Adds a listener removed with the view (LabWidget's `listen`). */
  listen: (target: EventTarget, type: string, handler: (event: Event) => void) => void;
  /** Called with a new text (cut to `max`) once typing pauses, or when {@link TypedText.set} changes it; written to the URL first. */
  onText: (value: string) => void;
}

/** A text box bound to the URL. */
export interface TypedText {
  /** The text now: the URL's, else the fallback, cut to `max`. */
  readonly value: string;
  /** Whether the link's text was longer than `max` (until the reader changes it). */
  readonly cut: boolean;
  /** Sets the text as if typed (no wait). */
  set(text: string): void;
  /** Stops a pending read, when the view leaves the page. */
  dispose(): void;
}

/**
 * Binds a view's text box to `<param>` in the URL: opens on the URL's text (else `fallback`),
 * and after each pause in typing writes the new text to the URL and hands it to `onText`.
 */
export function bindTypedText(o: TypedTextOptions): TypedText {
  const opened = readUrlText(location.search, o.param, o.fallback, o.max);
  let value = opened.value;
  let cut = opened.cut;
  let timer: ReturnType<typeof setTimeout> | undefined;
  o.box.value = value;
  const set = (text: string) => {
    const next = [...text].slice(0, o.max).join('');
    if (next === value) return;
    value = next;
    cut = false;
    writeUrlText(o.param, value, o.fallback);
    o.onText(value);
  };
  o.listen(o.box, 'input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => set(o.box.value), o.delay);
  });
  return {
    get value() {
      return value;
    },
    get cut() {
      return cut;
    },
    set,
    dispose: () => clearTimeout(timer),
  };
}

/** The characters a read left out, each once, quoted and listed as the page's language lists them: “é”, “{”. */
export function skippedList(read: ReadText, locale: Locale): string {
  const distinct = [...new Set(read.skipped.map((i) => read.chars[i]))];
  return distinct.map((c) => `“${c}”`).join(locale === 'zh-cn' ? '、' : ', ');
}
