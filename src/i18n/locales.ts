/** The course's languages, each with its own URL prefix (`/en/`, `/zh-cn/`). */
export const LOCALES = ['en', 'zh-cn'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The BCP 47 tag for `<html lang>` and number formatting. */
export const HTML_LANG: Record<Locale, string> = { en: 'en', 'zh-cn': 'zh-CN' };

export function isLocale(value: string | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? '');
}
