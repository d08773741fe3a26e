import { IntlMessageFormat } from 'intl-messageformat';
import { Catalogue, chooseLanguage, LANGUAGES } from './messages.js';

const catalogue = new Catalogue(new URL('./messages/', import.meta.url));
const english = catalogue.messages.en;

/** The placeholders a message uses ({name}, {count, plural, ...}), sorted. */
function placeholders(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/\{\s*([A-Za-z]\w*)\s*(?:[,}])/g)) names.add(m[1]!);
  return [...names].sort();
}

describe('message catalogues', () => {
  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every message English has', (lang) => {
    const missing = Object.keys(english).filter((k) => !(k in catalogue.messages[lang]));
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGES)('%s has no message English lacks, and each parses as ICU', (lang) => {
    const extra = Object.keys(catalogue.messages[lang]).filter((k) => !(k in english));
    expect(extra).toEqual([]);
    for (const source of Object.values(catalogue.messages[lang])) {
      expect(() => new IntlMessageFormat(source, lang)).not.toThrow();
    }
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s uses the placeholders English uses', (lang) => {
    const differ = Object.keys(english).filter(
      (k) =>
        JSON.stringify(placeholders(english[k]!)) !==
        JSON.stringify(placeholders(catalogue.messages[lang][k] ?? '')),
    );
    expect(differ).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s is translated, not copied', (lang) => {
    const same = Object.keys(english).filter(
      (k) => english[k]!.length > 12 && catalogue.messages[lang][k] === english[k],
    );
    expect(same).toEqual([]);
  });

  it('formats plurals per language', () => {
    expect(catalogue.format('en', 'followUp.attachments', { count: 1 })).toBe('1 file');
    expect(catalogue.format('en', 'followUp.attachments', { count: 2 })).toBe('2 files');
    expect(catalogue.format('pl', 'followUp.attachments', { count: 5 })).toBe('5 plików');
  });
});

describe('chooseLanguage', () => {
  it('takes the explicit choice over Accept-Language, which is only a first guess', () => {
    expect(chooseLanguage('cy', 'ar, en;q=0.5')).toBe('cy');
    expect(chooseLanguage(undefined, 'fr-FR, pl;q=0.8, en;q=0.5')).toBe('pl');
    expect(chooseLanguage(undefined, 'en;q=0.2, ar-EG;q=0.9')).toBe('ar');
    expect(chooseLanguage('xx', 'de')).toBe('en');
    expect(chooseLanguage(undefined, undefined)).toBe('en');
    expect(chooseLanguage(undefined, 'ar;q=0')).toBe('en');
  });
});
