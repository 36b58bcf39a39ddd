import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages.ts';
import { INTERFACE_LANGUAGES, isMessageCode, negotiateLanguage, translate } from './translate.ts';

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();

describe('the message catalogue', () => {
  const entries = Object.entries(MESSAGES) as [string, Record<string, string>][];

  it('has messages', () => {
    expect(entries.length).toBeGreaterThan(30);
  });

  it.each(entries)('%s exists, non-empty, in fr, en and ha with the same placeholders', (_code, texts) => {
    expect(Object.keys(texts).sort()).toEqual([...INTERFACE_LANGUAGES].sort());
    const expected = placeholders(texts.fr ?? '');
    for (const language of INTERFACE_LANGUAGES) {
      const text = texts[language];
      expect(typeof text, language).toBe('string');
      expect(text?.trim(), language).not.toBe('');
      expect(placeholders(text ?? ''), language).toEqual(expected);
      // A brace that is not part of a well-formed {placeholder} would be shown as is.
      expect((text ?? '').replace(/\{\w+\}/g, ''), language).not.toMatch(/[{}]/);
    }
  });
});

describe('translate', () => {
  it('gives the sentence in the requested language', () => {
    expect(translate('required', 'fr')).toBe('Ce champ est obligatoire.');
    expect(translate('required', 'en')).toBe('This field is required.');
    expect(translate('required', 'ha')).toBe('Dole ne a cika wannan.');
  });

  it('fills placeholders, repeated or not', () => {
    expect(translate('too_long', 'en', { max: 80 })).toBe('Too long (at most 80).');
    expect(translate('registered', 'fr', { reference: '7K3Q-9XDM' })).toContain('Votre référence : 7K3Q-9XDM.');
    expect(translate('unknown_area', 'ha', { value: 'NE999' })).toBe('Ba a san wannan yanki ba: NE999.');
  });

  it('leaves a placeholder without a value visible rather than inventing one', () => {
    expect(translate('too_long', 'en')).toBe('Too long (at most {max}).');
  });

  it('does not interpret replacement patterns in values', () => {
    expect(translate('unknown_area', 'en', { value: '$& $1 $$' })).toBe('Unknown area: $& $1 $$.');
  });

  it('falls back to French for a language without texts', () => {
    expect(translate('too_long', 'dje', { max: 3 })).toBe('Trop long (au plus 3).');
    expect(translate('required', 'de')).toBe(translate('required', 'fr'));
  });

  it('returns an unknown code as is', () => {
    expect(translate('no_such_code', 'en')).toBe('no_such_code');
    expect(isMessageCode('no_such_code')).toBe(false);
    expect(isMessageCode('toString')).toBe(false);
    expect(isMessageCode('required')).toBe(true);
  });
});

describe('negotiateLanguage', () => {
  it('honours an explicit choice first', () => {
    expect(negotiateLanguage('ha', 'en', 'fr')).toBe('ha');
    expect(negotiateLanguage('EN', undefined, 'fr')).toBe('en');
    expect(negotiateLanguage('en-GB', 'ha', 'fr')).toBe('en');
  });

  it('ignores an unknown explicit choice', () => {
    expect(negotiateLanguage('de', 'ha', 'fr')).toBe('ha');
    expect(negotiateLanguage('', undefined, 'en')).toBe('en');
  });

  it('ranks Accept-Language by q-value', () => {
    expect(negotiateLanguage(undefined, 'ha;q=0.9, en;q=0.8', 'fr')).toBe('ha');
    expect(negotiateLanguage(undefined, 'en;q=0.8, ha;q=0.9', 'fr')).toBe('ha');
    expect(negotiateLanguage(undefined, 'de, en;q=0.5', 'fr')).toBe('en');
    expect(negotiateLanguage(undefined, 'en;q=0.1, fr', 'ha')).toBe('fr');
  });

  it('skips languages refused with q=0', () => {
    expect(negotiateLanguage(undefined, 'en;q=0, de', 'ha')).toBe('ha');
  });

  it('falls back when nothing matches', () => {
    expect(negotiateLanguage(undefined, 'de', 'fr')).toBe('fr');
    expect(negotiateLanguage(undefined, 'de', 'ha')).toBe('ha');
    expect(negotiateLanguage(undefined, '', 'en')).toBe('en');
    expect(negotiateLanguage(undefined, undefined, 'dje')).toBe('fr');
  });

  it('reads region subtags', () => {
    expect(negotiateLanguage(undefined, 'en-GB', 'fr')).toBe('en');
    expect(negotiateLanguage(undefined, 'de-DE, fr-NE;q=0.7', 'en')).toBe('fr');
    expect(negotiateLanguage(undefined, 'ha_NE', 'fr')).toBe('ha');
  });
});

describe('every error code of the domain has a message', () => {
  const domainDir = fileURLToPath(new URL('../domain/', import.meta.url));
  const sources = readdirSync(domainDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => ({ name, text: readFileSync(`${domainDir}${name}`, 'utf8') }));

  /**
   * Codes as the domain writes them: `code: 'x'` (also `code: a ? 'x' : 'y'` and `code: 'x' | 'y'`),
   * `fail(field, 'x')`, `refuse(field, 'x')`, `checkList(field, known, 'x')`.
   */
  function codesIn(text: string): string[] {
    const found: string[] = [];
    const literal = /'([a-z][a-z0-9_]*)'/g;
    for (const m of text.matchAll(/\bcode:\s*(.+?)(?=,\s*\w+:|\s*\}|;|$)/gm)) {
      for (const l of (m[1] ?? '').matchAll(literal)) found.push(l[1] ?? '');
    }
    for (const m of text.matchAll(/\b(?:fail|refuse)\(\s*[^,]+?,\s*'([a-z][a-z0-9_]*)'/g)) found.push(m[1] ?? '');
    for (const m of text.matchAll(/\bcheckList\([^)]*?,\s*'([a-z][a-z0-9_]*)'\)/g)) found.push(m[1] ?? '');
    return found;
  }

  const found = new Map<string, string>();
  for (const { name, text } of sources) for (const code of codesIn(text)) found.set(code, name);

  /** The codes known when this test was written: the extraction must keep finding all of them. */
  const KNOWN = [
    // registration-schema.ts (zod issues)
    'unknown_field', 'required', 'invalid_type', 'too_long', 'too_short', 'invalid_value',
    // age.ts
    'birth_required', 'birth_ambiguous', 'invalid_date', 'future_date', 'implausible_age', 'under_minimum_age', 'invalid_year', 'invalid_age', 'age_uncertain',
    // phone.ts, person-name.ts
    'invalid_phone', 'not_mobile', 'invalid_characters', 'invalid_national_id',
    // validate-registration.ts, validate-changes.ts
    'invalid_client_id', 'invalid_datetime', 'too_old', 'unknown_area', 'unknown_site', 'site_required', 'roles_required', 'unknown_role', 'unknown_skill', 'unknown_language', 'unknown_consent_version',
  ];

  it('the extraction finds every known code (so it has not silently stopped working)', () => {
    expect(KNOWN.filter((code) => !found.has(code))).toEqual([]);
  });

  it('every code found in the domain sources is a message code', () => {
    const missing = [...found].filter(([code]) => !isMessageCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('every known code is a message code', () => {
    expect(KNOWN.filter((code) => !isMessageCode(code))).toEqual([]);
  });

  it('the extraction recognises each way a code is written', () => {
    expect(codesIn("return { ok: false, code: 'a_code' };")).toEqual(['a_code']);
    expect(codesIn("errors.push({ field: base, code: x === undefined ? 'b_code' : 'c_code' });")).toEqual(['b_code', 'c_code']);
    expect(codesIn("fail(`roles.${i}`, 'd_code', { value });")).toEqual(['d_code']);
    expect(codesIn("return refuse(a ? 'birthDate' : 'birthYear', 'e_code');")).toEqual(['e_code']);
    expect(codesIn("checkList('roles', drive.roles, 'f_code');")).toEqual(['f_code']);
    expect(codesIn("errors.push({ field: 'roles', code: 'g_code', params: { v: 'not_a_code' } });")).toEqual(['g_code']);
    expect(codesIn("case 'unrecognized_keys':")).toEqual([]);
  });
});
