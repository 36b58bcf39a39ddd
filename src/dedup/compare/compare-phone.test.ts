import { describe, expect, it } from 'vitest';
import { comparePhone } from './compare-phone.ts';

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
