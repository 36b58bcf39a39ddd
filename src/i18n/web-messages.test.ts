import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages.ts';
import { INTERFACE_LANGUAGES } from './translate.ts';
import { uiText } from './ui-text.ts';
import { WEB_MESSAGES } from './web-messages.ts';

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();

describe('the web labels catalogue', () => {
  const entries = Object.entries(WEB_MESSAGES) as [string, Record<string, string>][];

  it.each(entries)('%s exists, non-empty, in fr, en and ha with the same placeholders', (_code, texts) => {
    expect(Object.keys(texts).sort()).toEqual([...INTERFACE_LANGUAGES].sort());
    const expected = placeholders(texts.fr ?? '');
    for (const language of INTERFACE_LANGUAGES) {
      expect(texts[language]?.trim(), language).not.toBe('');
      expect(placeholders(texts[language] ?? ''), language).toEqual(expected);
    }
  });

  it('shares no code with the messages catalogue (one meaning per code)', () => {
    expect(Object.keys(WEB_MESSAGES).filter((code) => Object.hasOwn(MESSAGES, code))).toEqual([]);
  });
});

describe('uiText', () => {
  it('reads both catalogues, fills placeholders and falls back to French', () => {
    expect(uiText('web_submit', 'en')).toBe('Send my registration');
    expect(uiText('under_minimum_age', 'ha', { min: 18 })).toBe(MESSAGES.under_minimum_age.ha.replace('{min}', '18'));
    expect(uiText('web_intro', 'dje', { min: 18 })).toContain('18 ans');
    expect(uiText('no_such_code', 'en')).toBe('no_such_code');
    expect(uiText('toString', 'en')).toBe('toString');
  });
});
