import { describe, expect, it } from 'vitest';
import { comparePhone, comparePhoneEnds, phoneDigits } from './compare-phone.ts';
import { prepareRecord } from '../prepared-record.ts';

const level = (a: string | null, b: string | null): string => comparePhone(a, b).level;

describe('comparePhone', () => {
  it('exact: the same digits whatever the formatting', () => {
    expect(level('+227 96 12 34 56', '22796123456')).toBe('exact');
    expect(level('96.12.34.56', '96 12 34 56')).toBe('exact');
  });

  it('same_last_8: national and international forms of one line', () => {
    expect(level('+227 96 12 34 56', '96123456')).toBe('same_last_8');
    expect(level('0022796123456', '+227 96123456')).toBe('same_last_8');
  });

  it('one_digit_off: one digit replaced or two adjacent digits swapped in the last 8', () => {
    expect(level('96123456', '96123457')).toBe('one_digit_off');
    expect(level('96123456', '96213456')).toBe('one_digit_off');
    // Compared on the last 8 digits, so the prefix does not matter.
    expect(level('+227 96123456', '96123458')).toBe('one_digit_off');
  });

  it('different: two digits off, a non-adjacent swap, or too short to judge', () => {
    expect(level('96123456', '96123499')).toBe('different');
    expect(level('96123456', '66123459')).toBe('different');
    expect(level('96123456', '9612345')).toBe('different');
    expect(level('12345', '12346')).toBe('different');
  });

  it('missing: no digits on either side', () => {
    expect(level(null, '96123456')).toBe('missing');
    expect(level('96123456', '')).toBe('missing');
    expect(level('n/a', '96123456')).toBe('missing');
  });
});

describe('comparePhoneEnds (the digits and last 8 of prepared records)', () => {
  const prepared = (phone: string | null) => prepareRecord({ id: 'x', givenName: null, familyName: null, birthDate: null, birthYear: null, phone, nationalId: null, area: null });
  const phones = [null, '', '96123456', '+227 96 12 34 56', '0022796123456', '96123465', '96123457', '86123456', '12345', '12346', '123456', '123457', '9612345'];

  it('gives the level comparePhone gives, for every pair of these numbers', () => {
    for (const a of phones) {
      for (const b of phones) {
        const x = prepared(a);
        const y = prepared(b);
        expect(comparePhoneEnds(x.phoneDigits, x.phone8, y.phoneDigits, y.phone8).level, `${a} / ${b}`).toBe(comparePhone(a, b).level);
      }
    }
  });

  it('reads a short number (no last 8 kept) whole', () => {
    expect(comparePhoneEnds(phoneDigits('12345'), null, phoneDigits('12345'), null).level).toBe('exact');
    expect(comparePhoneEnds('123456', '123456', '123457', '123457').level).toBe('one_digit_off');
  });
});
