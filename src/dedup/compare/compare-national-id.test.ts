import { describe, expect, it } from 'vitest';
import { compareNationalId, compareNormalisedNationalIds, isOneEditApart, isOneSubstitutionOrTransposition, normaliseNationalId } from './compare-national-id.ts';

const level = (a: string | null, b: string | null): string => compareNationalId(a, b).level;

describe('compareNationalId', () => {
  it('exact: after upper-casing and removing spaces, dashes, dots and slashes', () => {
    expect(level('ab-123.456', 'AB 123456')).toBe('exact');
    expect(level('12/345/678', '12345678')).toBe('exact');
  });

  it('one_edit: one substitution, insertion, deletion or adjacent transposition', () => {
    expect(level('AB123456', 'AB123457')).toBe('one_edit');
    expect(level('AB123456', 'AB1234567')).toBe('one_edit');
    expect(level('AB123456', 'AB12356')).toBe('one_edit');
    expect(level('AB123456', 'AB213456')).toBe('one_edit');
  });

  it('different: two edits, or one edit on a number shorter than 5', () => {
    expect(level('AB123456', 'AB123499')).toBe('different');
    expect(level('AB123456', 'AB132465')).toBe('different');
    expect(level('1234', '1235')).toBe('different');
    expect(level('12345', '1234')).toBe('different');
  });

  it('missing: absent or blank on either side', () => {
    expect(level(null, 'AB123456')).toBe('missing');
    expect(level(' - ', 'AB123456')).toBe('missing');
  });
});

describe('edit helpers', () => {
  it('isOneSubstitutionOrTransposition', () => {
    expect(isOneSubstitutionOrTransposition('abcd', 'abcd')).toBe(false);
    expect(isOneSubstitutionOrTransposition('abcd', 'abce')).toBe(true);
    expect(isOneSubstitutionOrTransposition('abcd', 'bacd')).toBe(true);
    expect(isOneSubstitutionOrTransposition('abcd', 'dbca')).toBe(false);
    expect(isOneSubstitutionOrTransposition('abcd', 'abc')).toBe(false);
  });

  it('isOneEditApart', () => {
    expect(isOneEditApart('abcd', 'abcd')).toBe(false);
    expect(isOneEditApart('abcd', 'xabcd')).toBe(true);
    expect(isOneEditApart('abcd', 'abd')).toBe(true);
    expect(isOneEditApart('abcd', 'ab')).toBe(false);
    expect(isOneEditApart('abcd', 'abdx')).toBe(false);
  });
});

describe('compareNormalisedNationalIds', () => {
  it('compares IDs normalised once per record (prepared records keep them so)', () => {
    expect(normaliseNationalId(' ab-12.345 ')).toBe('AB12345');
    expect(normaliseNationalId(' - ')).toBeNull();
    expect(compareNormalisedNationalIds('AB12345', 'AB12345').level).toBe('exact');
    expect(compareNormalisedNationalIds('AB12345', 'AB12346').level).toBe('one_edit');
    expect(compareNormalisedNationalIds('AB12345', 'B12345').level).toBe('one_edit');
    expect(compareNormalisedNationalIds('1234', '1235').level).toBe('different');
    expect(compareNormalisedNationalIds('AB12345', 'AB12399').level).toBe('different');
    expect(compareNormalisedNationalIds(null, 'AB12345').level).toBe('missing');
  });
});
