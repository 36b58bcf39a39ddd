import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizeMobilePhone, wellFormedNigerMobile, type PhoneCheck } from './phone.ts';

/** normalizeMobilePhone through libphonenumber alone, as it was before its fast path. */
function throughLibphonenumber(text: string, region: string): PhoneCheck {
  const cleaned = text.trim();
  if (cleaned.length === 0 || cleaned.length > 32 || /[^\d\s+().\-/]/.test(cleaned)) return { ok: false, code: 'invalid_phone' };
  const parsed = parsePhoneNumberFromString(cleaned, region as CountryCode);
  if (!parsed?.isValid()) return { ok: false, code: 'invalid_phone' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { ok: false, code: 'not_mobile' };
  return { ok: true, e164: parsed.number };
}

/** Numbers written as people write them: any digits (Niger's prefixes favoured), spaces, prefixes. */
const writtenNumber = fc
  .tuple(
    fc.constantFrom('', '', '', '+227', '00227', '+227 ', '00227 ', '0', '+226', '00226', '227', ' '),
    fc.oneof(
      fc.tuple(fc.constantFrom('2', '7', '8', '9', '0', '1', '3', '4', '5', '6'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 })).map(([first, rest]) => first + rest.join('')),
      fc.tuple(fc.constantFrom('20', '21', '23', '70', '74', '76', '77', '80', '88', '89', '90', '96', '99', '08', '09'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 })).map(([first, rest]) => first + rest.join('')),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 10 }).map((ds) => ds.join('')),
    ),
    fc.oneof(
      fc.array(fc.constantFrom('', ' '), { minLength: 10, maxLength: 10 }),
      fc.array(fc.constantFrom('', '', '', ' ', '  ', '-', '.', '/', '(', ')'), { minLength: 10, maxLength: 10 }),
    ),
  )
  .map(([prefix, digits, gaps]) => prefix + [...digits].map((d, i) => (i > 0 ? (gaps[i] ?? '') : '') + d).join(''));

describe('normalizeMobilePhone (region NE)', () => {
  it.each([
    '90 12 34 56',
    '90123456',
    '  90123456  ',
    '+227 90 12 34 56',
    '+22790123456',
    '00227 90 12 34 56',
    '0022790123456',
    '+227-90-12-34-56',
    '90.12.34.56',
    '(+227) 90 12 34 56',
  ])('reads the Niger mobile %j as +22790123456', (text) => {
    expect(normalizeMobilePhone(text, 'NE')).toEqual({ ok: true, e164: '+22790123456' });
  });

  it('keeps other Niger mobile prefixes apart', () => {
    expect(normalizeMobilePhone('96 12 34 56', 'NE')).toEqual({ ok: true, e164: '+22796123456' });
  });

  it('refuses a Niger fixed line as not_mobile', () => {
    expect(normalizeMobilePhone('+227 20 72 34 56', 'NE')).toEqual({ ok: false, code: 'not_mobile' });
    expect(normalizeMobilePhone('20 72 34 56', 'NE')).toEqual({ ok: false, code: 'not_mobile' });
  });

  it.each([
    ['too short', '90 12 34'],
    ['too long for Niger', '90 12 34 56 7'],
    ['letters', '90 12 AB 56'],
    ['letters only', 'call me'],
    ['empty', ''],
    ['blank', '   '],
    ['40 digits', '9'.repeat(40)],
    ['an e-mail', 'aichatou@example.ne'],
    ['an unknown country code', '+999 90 12 34 56'],
  ])('refuses %s as invalid_phone', (_label, text) => {
    expect(normalizeMobilePhone(text, 'NE')).toEqual({ ok: false, code: 'invalid_phone' });
  });

  it('accepts a valid Nigerian mobile (border areas)', () => {
    expect(normalizeMobilePhone('+234 803 123 4567', 'NE')).toEqual({ ok: true, e164: '+2348031234567' });
    expect(normalizeMobilePhone('00234 803 123 4567', 'NE')).toEqual({ ok: true, e164: '+2348031234567' });
  });

  it('reads a national number in the default region it is given', () => {
    expect(normalizeMobilePhone('0803 123 4567', 'NG')).toEqual({ ok: true, e164: '+2348031234567' });
  });

  it('gives for a well-formed Niger number exactly what libphonenumber gives', () => {
    let fast = 0;
    fc.assert(
      fc.property(writtenNumber, (text) => {
        const quick = wellFormedNigerMobile(text.trim(), 'NE');
        if (quick !== null) {
          fast++;
          expect(throughLibphonenumber(text, 'NE'), text).toEqual({ ok: true, e164: quick });
        }
        expect(normalizeMobilePhone(text, 'NE'), text).toEqual(throughLibphonenumber(text, 'NE'));
      }),
      { numRuns: 20000 },
    );
    // The fast path is taken for a good part of them, not skipped altogether.
    expect(fast).toBeGreaterThan(2000);
  });

  it('takes the fast path for Niger mobiles written the common way, and only in region NE', () => {
    expect(wellFormedNigerMobile('90 12 34 56', 'NE')).toBe('+22790123456');
    expect(wellFormedNigerMobile('+227 96123456', 'NE')).toBe('+22796123456');
    expect(wellFormedNigerMobile('0022723123456', 'NE')).toBe('+22723123456');
    expect(wellFormedNigerMobile('90 12 34 56', 'BF')).toBeNull();
    expect(wellFormedNigerMobile('20 72 34 56', 'NE')).toBeNull();
    expect(wellFormedNigerMobile('09 12 34 56', 'NE')).toBeNull();
    expect(normalizeMobilePhone('90 12 34 56', 'BF')).toEqual(throughLibphonenumber('90 12 34 56', 'BF'));
  });
});

