import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';

export const LANGUAGES = ['en', 'cy', 'pl', 'ar'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  cy: 'Cymraeg',
  pl: 'Polski',
  ar: 'العربية',
};

export const DIRECTION: Record<Lang, 'ltr' | 'rtl'> = {
  en: 'ltr',
  cy: 'ltr',
  pl: 'ltr',
  ar: 'rtl',
};

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language of a page: the person's explicit choice (`?lang=` or the form's
 * hidden field) wins; `Accept-Language` is only a first guess; English last.
 */
export function chooseLanguage(explicit: unknown, acceptLanguage: string | undefined): Lang {
  if (isLang(explicit)) return explicit;
  const ranked = (acceptLanguage ?? '')
    .slice(0, 500)
    .split(',')
    .map((entry, i) => {
      const [tag, ...params] = entry.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: (tag ?? '').split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((e) => e.base).find(isLang) ?? 'en';
}

export type Values = Record<string, string | number>;

/** ICU MessageFormat catalogues (messages/<lang>.json), compiled once. */
export class Catalogue {
  private readonly compiled = new Map<string, IntlMessageFormat>();
  readonly messages: Record<Lang, Record<string, string>>;

  constructor(directory: URL) {
    this.messages = Object.fromEntries(
      LANGUAGES.map((lang) => [
        lang,
        JSON.parse(readFileSync(new URL(`${lang}.json`, directory), 'utf8')) as Record<
          string,
          string
        >,
      ]),
    ) as Record<Lang, Record<string, string>>;
    for (const lang of LANGUAGES) {
      for (const [key, source] of Object.entries(this.messages[lang])) {
        this.compiled.set(`${lang}\u0000${key}`, new IntlMessageFormat(source, lang));
      }
    }
  }

  /** A message in `lang`, falling back to English; a missing key is a programming error. */
  format(lang: Lang, key: string, values?: Values): string {
    const message = this.compiled.get(`${lang}\u0000${key}`) ?? this.compiled.get(`en\u0000${key}`);
    if (!message) throw new Error(`No message "${key}" in the catalogue`);
    return String(message.format(values));
  }

  has(key: string): boolean {
    return this.compiled.has(`en\u0000${key}`);
  }
}
