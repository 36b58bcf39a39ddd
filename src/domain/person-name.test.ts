import { describe, expect, it } from 'vitest';
import { cleanNationalId, cleanPersonName } from './person-name.ts';

describe('cleanPersonName', () => {
  it('normalises to NFC: a decomposed "Aïchatou" equals the composed one', () => {
    const decomposed = 'Ai\u0308chatou';
    const composed = 'A\u00efchatou';
    expect(decomposed).not.toBe(composed);
    expect(cleanPersonName(decomposed)).toEqual({ ok: true, value: composed });
    expect(cleanPersonName(composed)).toEqual({ ok: true, value: composed });
  });

  it('removes surrounding spaces and collapses repeated ones (tabs, no-break spaces)', () => {
    expect(cleanPersonName('  Mariama   Hamani\t Issa \u00a0')).toEqual({ ok: true, value: 'Mariama Hamani Issa' });
  });

  it('straightens curly apostrophes', () => {
    expect(cleanPersonName('N\u2019Diaye')).toEqual({ ok: true, value: "N'Diaye" });
    expect(cleanPersonName('N\u2018Diaye')).toEqual({ ok: true, value: "N'Diaye" });
    expect(cleanPersonName('N\u02bcDiaye')).toEqual({ ok: true, value: "N'Diaye" });
  });

  it('keeps accents, case, hyphens and Hausa letters as written', () => {
    expect(cleanPersonName('Jean-Éric')).toEqual({ ok: true, value: 'Jean-Éric' });
    expect(cleanPersonName('mAMADOU')).toEqual({ ok: true, value: 'mAMADOU' });
    expect(cleanPersonName('Ɗanjuma ƙ ɓ ƴ')).toEqual({ ok: true, value: 'Ɗanjuma ƙ ɓ ƴ' });
    expect(cleanPersonName('عائشة')).toEqual({ ok: true, value: 'عائشة' });
  });

  it.each(['Moussa2', 'R2-D2', 'Aïcha@home', 'Moussa_', '<script>', '😀', "'-.", '---'])(
    'refuses %j with invalid_characters',
    (text) => {
      expect(cleanPersonName(text)).toEqual({ ok: false, code: 'invalid_characters' });
    },
  );

  it('refuses a name longer than the limit, counted after cleaning', () => {
    expect(cleanPersonName('a'.repeat(80))).toEqual({ ok: true, value: 'a'.repeat(80) });
    expect(cleanPersonName('a'.repeat(81))).toEqual({ ok: false, code: 'too_long' });
    expect(cleanPersonName(`  ${'a'.repeat(80)}  `)).toEqual({ ok: true, value: 'a'.repeat(80) });
    expect(cleanPersonName('abcdef', 5)).toEqual({ ok: false, code: 'too_long' });
  });

  it('refuses an empty or blank name as required', () => {
    expect(cleanPersonName('')).toEqual({ ok: false, code: 'required' });
    expect(cleanPersonName(' \t\n ')).toEqual({ ok: false, code: 'required' });
  });
});

describe('cleanNationalId', () => {
  it('strips spaces, dashes, dots and slashes and upper-cases', () => {
    expect(cleanNationalId(' ne-123.456 789 ')).toEqual({ ok: true, value: 'NE123456789' });
    expect(cleanNationalId('ab/12/34')).toEqual({ ok: true, value: 'AB1234' });
  });

  it('gives the same value for the same ID written differently', () => {
    const a = cleanNationalId('NE 1234 5678');
    const b = cleanNationalId('ne-1234-5678');
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
  });

  it.each(['ab1', '12', 'A-B-C', 'AB#12345', 'ÉCOLE1234', `${'1'.repeat(33)}`, 'NE_1234'])('refuses %j', (text) => {
    expect(cleanNationalId(text)).toEqual({ ok: false, code: 'invalid_national_id' });
  });

  it('accepts the limits 4 and 32 characters', () => {
    expect(cleanNationalId('A123').ok).toBe(true);
    expect(cleanNationalId('1'.repeat(32)).ok).toBe(true);
  });

  it('refuses an empty value as required', () => {
    expect(cleanNationalId('')).toEqual({ ok: false, code: 'required' });
    expect(cleanNationalId(' - . ')).toEqual({ ok: false, code: 'required' });
  });
});
