import { describe, expect, it } from 'vitest';
import { compareBirth } from './compare-birth.ts';

const date = (birthDate: string): { birthDate: string; birthYear: number } => ({ birthDate, birthYear: Number(birthDate.slice(0, 4)) });
const year = (birthYear: number | null): { birthDate: null; birthYear: number | null } => ({ birthDate: null, birthYear });
const level = (a: Parameters<typeof compareBirth>[0], b: Parameters<typeof compareBirth>[1]): string => compareBirth(a, b).level;

describe('compareBirth', () => {
  it('exact: the same full date', () => {
    expect(level(date('1990-03-12'), date('1990-03-12'))).toBe('exact');
    // The compact form of a file is read the same way.
    expect(level(date('1990-03-12'), { birthDate: '19900312', birthYear: null })).toBe('exact');
  });

  it('day_month_swapped: 12/03 vs 03/12 in the same year', () => {
    expect(level(date('1990-03-12'), date('1990-12-03'))).toBe('day_month_swapped');
    expect(level(date('1985-01-07'), date('1985-07-01'))).toBe('day_month_swapped');
    // Swapped but another year: not this level.
    expect(level(date('1990-03-12'), date('1991-12-03'))).not.toBe('day_month_swapped');
  });

  it('one_part_off: another day, another month, or a year one typo away', () => {
    expect(level(date('1990-03-12'), date('1990-03-21'))).toBe('one_part_off');
    expect(level(date('1990-03-12'), date('1990-08-12'))).toBe('one_part_off');
    expect(level(date('1956-03-12'), date('1965-03-12'))).toBe('one_part_off');
    expect(level(date('1956-03-12'), date('1958-03-12'))).toBe('one_part_off');
    // A typo straddling year and month (19450603 vs 19405603) and an impossible day from a typo.
    expect(level(date('1945-06-03'), { birthDate: '1940-56-03', birthYear: null })).toBe('one_part_off');
    expect(level(date('1923-11-14'), { birthDate: '1923-11-64', birthYear: null })).toBe('one_part_off');
  });

  it('same_year: same year, a year alone on one side or both', () => {
    expect(level(date('1990-03-12'), year(1990))).toBe('same_year');
    expect(level(year(1990), year(1990))).toBe('same_year');
  });

  it('dates_differ: two whole dates of the same or neighbouring years, differing in day and month', () => {
    expect(level(date('1990-03-12'), date('1990-07-25'))).toBe('dates_differ');
    expect(level(date('1990-03-12'), date('1991-07-25'))).toBe('dates_differ');
    expect(level(date('1990-03-12'), date('1992-07-25'))).toBe('different');
  });

  it('year_within_1: years one apart, a year alone on one side or both', () => {
    expect(level(year(1990), date('1989-12-31'))).toBe('year_within_1');
    expect(level(year(2000), year(1999))).toBe('year_within_1');
  });

  it('different: years further apart, or the same month and day with an unrelated year', () => {
    expect(level(date('1990-03-12'), date('1975-07-25'))).toBe('different');
    expect(level(date('1956-03-12'), date('1947-03-12'))).toBe('different');
    expect(level(year(1990), year(1992))).toBe('different');
  });

  it('missing: either side has neither a date nor a year', () => {
    expect(level(year(null), date('1990-03-12'))).toBe('missing');
    expect(level(year(null), year(null))).toBe('missing');
    // An unreadable date with no year is no date.
    expect(level({ birthDate: 'unknown', birthYear: null }, date('1990-03-12'))).toBe('missing');
    // An unreadable date falls back to the year.
    expect(level({ birthDate: 'unknown', birthYear: 1990 }, date('1990-03-12'))).toBe('same_year');
  });

  it('never carries an agreed value (birth dates get no term-frequency adjustment)', () => {
    expect(compareBirth(date('1990-03-12'), date('1990-03-12')).agreedValue).toBeUndefined();
  });
});
