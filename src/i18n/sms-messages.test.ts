import { describe, expect, it } from 'vitest';
import { checkSmsTemplate } from '../domain/sms-encoding.ts';
import { SMS_LANGUAGES, SMS_MESSAGES, smsText } from './sms-messages.ts';

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();

describe('the SMS and USSD message catalogue', () => {
  const entries = Object.entries(SMS_MESSAGES) as [string, Record<string, string>][];

  it.each(entries)('%s exists, non-empty, in fr, ha and en with the same placeholders', (_code, texts) => {
    expect(Object.keys(texts).sort()).toEqual([...SMS_LANGUAGES].sort());
    const expected = placeholders(texts.fr ?? '');
    for (const language of SMS_LANGUAGES) {
      const text = texts[language] ?? '';
      expect(text.trim(), language).not.toBe('');
      expect(placeholders(text), language).toEqual(expected);
      expect(text.replace(/\{\w+\}/g, ''), language).not.toMatch(/[{}]/);
    }
  });

  it.each(entries.filter(([code]) => code !== 'ask_consent_sms' && code !== 'callup_ask'))('%s fits two SMS parts in the worst case (placeholders of 40 characters, any letters)', (_code, texts) => {
    for (const language of SMS_LANGUAGES) {
      const menuFree = (texts[language] ?? '').replace('{menu}', '');
      expect(checkSmsTemplate(menuFree, { maxSegments: 2, placeholderLength: { reference: 9, min: 2, n: 2 }, placeholdersMayNeedUnicode: true }), language).toMatchObject({ ok: true });
    }
  });

  // callup_ask is a default template: call-ups check their own texts, filled, when they are written (callups/message.ts).
  it('fills placeholders and leaves a missing one visible', () => {
    expect(smsText('registered', 'en', { reference: '7K3Q-9XDM' })).toContain('Reference: 7K3Q-9XDM.');
    expect(smsText('under_age', 'fr')).toContain('{min}');
  });
});
