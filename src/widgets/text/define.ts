import type { Locale } from '../../i18n/locales';
import { fillTemplate } from '../../i18n/template';

/**
 * Words of one widget (or of all widgets: common.ts) in every language of the course, by key.
 * `{name}` marks a value filled in when the words are used.
 */
export type WidgetText<K extends string = string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

/** The keys of a text table (also of a generic one, as in a base class's `T extends WidgetText<ItsKeys>`). */
export type TextKey<T extends WidgetText> = keyof T['en'] & string;

/** The keys of any of a union of tables. */
type AnyTextKey<T> = T extends WidgetText ? TextKey<T> : never;

/** Values for the `{name}` placeholders of a string. */
export type TextVars = Record<string, string | number>;

/** Words of one language, by key, placeholders unfilled: what a view takes as its labels. */
export type Words<K extends string> = Readonly<Record<K, string>>;

/** A string of some tables in one language, with its `{name}` placeholders filled from `vars`. */
export type Translate<K extends string> = (key: K, vars?: TextVars) => string;

/**
 * A widget's text table. The Chinese table must have exactly the English keys (checked by the
 * type); that both say the same placeholders is checked by tests/unit/widgets/text.test.ts.
 */
export function defineText<const E extends Record<string, string>>(en: E, zhCN: { readonly [K in keyof E]: string }): WidgetText<keyof E & string> {
  return { en, 'zh-cn': zhCN };
}

/** The words of `texts` in `lang`, merged; a key appears in one table only (checked by the tests). */
export function wordsOf<T extends readonly WidgetText[]>(lang: Locale, ...texts: T): Words<AnyTextKey<T[number]>> {
  return Object.assign({}, ...texts.map((text) => text[lang])) as Words<AnyTextKey<T[number]>>;
}

/**
 * One table of several, for a widget whose base class has words of its own: e.g.
 * `mergeText(INSIDE_VIEW_TEXT, HIDDEN_LAYER_TEXT)` as the hidden-layer view's `text`.
 */
export function mergeText<T extends readonly WidgetText[]>(...texts: T): WidgetText<AnyTextKey<T[number]>> {
  return { en: wordsOf('en', ...texts), 'zh-cn': wordsOf('zh-cn', ...texts) };
}

/**
 * Looks strings up in `texts` in `lang`, filling their placeholders: pages call it in their
 * frontmatter (nothing is shipped), elements through `LabWidget.t`.
 */
export function translator<T extends readonly WidgetText[]>(lang: Locale, ...texts: T): Translate<AnyTextKey<T[number]>> {
  const words = wordsOf(lang, ...texts) as Record<string, string>;
  return (key, vars) => fillTemplate(words[key]!, vars);
}
