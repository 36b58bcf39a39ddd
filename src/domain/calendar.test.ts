import { describe, expect, it } from 'vitest';
import { ageOn, calendarDateIn, compareDates, daysInMonth, formatIsoDate, isLeapYear, parseIsoDate } from './calendar.ts';

describe('parseIsoDate', () => {
  it.each([
    ['2026-06-15', { year: 2026, month: 6, day: 15 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['20240229', { year: 2024, month: 2, day: 29 }],
    ['19940312', { year: 1994, month: 3, day: 12 }],
    ['  2026-12-31 ', { year: 2026, month: 12, day: 31 }],
    ['2026-04-30', { year: 2026, month: 4, day: 30 }],
    ['2026-01-01', { year: 2026, month: 1, day: 1 }],
  ])('accepts %j', (text, expected) => {
    expect(parseIsoDate(text)).toEqual(expected);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-06-31',
    '2026-01-00',
    '2026-01-32',
    '20230229',
    '',
    'hello',
    '2026-6-15',
    '26-06-15',
    '2026/06/15',
    '15-06-2026',
    '2026-06-15T10:00:00Z',
    '2026-06-1a',
    '12026-06-15',
  ])('refuses %j', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });
});

describe('calendar helpers', () => {
  it('knows leap years', () => {
    expect([2024, 2000, 1996].map(isLeapYear)).toEqual([true, true, true]);
    expect([2023, 1900, 2100, 2026].map(isLeapYear)).toEqual([false, false, false, false]);
  });

  it('knows the length of each month', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2026, m))).toEqual([31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
  });

  it('formats and compares dates', () => {
    expect(formatIsoDate({ year: 994, month: 3, day: 2 })).toBe('0994-03-02');
    expect(compareDates({ year: 2026, month: 1, day: 31 }, { year: 2026, month: 2, day: 1 })).toBeLessThan(0);
    expect(compareDates({ year: 2026, month: 2, day: 1 }, { year: 2026, month: 1, day: 31 })).toBeGreaterThan(0);
    expect(compareDates({ year: 2026, month: 2, day: 1 }, { year: 2026, month: 2, day: 1 })).toBe(0);
  });
});

describe('ageOn', () => {
  const birth = { year: 2008, month: 6, day: 15 };

  it('counts whole years around a birthday', () => {
    expect(ageOn(birth, { year: 2026, month: 6, day: 14 })).toBe(17);
    expect(ageOn(birth, { year: 2026, month: 6, day: 15 })).toBe(18);
    expect(ageOn(birth, { year: 2026, month: 6, day: 16 })).toBe(18);
    expect(ageOn(birth, { year: 2026, month: 5, day: 31 })).toBe(17);
    expect(ageOn(birth, { year: 2026, month: 7, day: 1 })).toBe(18);
    expect(ageOn(birth, { year: 2026, month: 12, day: 31 })).toBe(18);
    expect(ageOn(birth, { year: 2027, month: 1, day: 1 })).toBe(18);
    expect(ageOn(birth, { year: 2027, month: 6, day: 14 })).toBe(18);
    expect(ageOn(birth, { year: 2027, month: 6, day: 15 })).toBe(19);
  });

  it('is 0 on the day of birth and until the first birthday', () => {
    expect(ageOn(birth, birth)).toBe(0);
    expect(ageOn(birth, { year: 2009, month: 6, day: 14 })).toBe(0);
    expect(ageOn(birth, { year: 2009, month: 6, day: 15 })).toBe(1);
  });

  it('makes someone born on 29 February a year older on 1 March in common years', () => {
    const leapling = { year: 2008, month: 2, day: 29 };
    expect(ageOn(leapling, { year: 2026, month: 2, day: 28 })).toBe(17);
    expect(ageOn(leapling, { year: 2026, month: 3, day: 1 })).toBe(18);
    // In a leap year, the birthday itself exists.
    expect(ageOn(leapling, { year: 2028, month: 2, day: 28 })).toBe(19);
    expect(ageOn(leapling, { year: 2028, month: 2, day: 29 })).toBe(20);
  });

  it('handles a birthday on 31 December and 1 January', () => {
    expect(ageOn({ year: 2008, month: 12, day: 31 }, { year: 2026, month: 12, day: 30 })).toBe(17);
    expect(ageOn({ year: 2008, month: 12, day: 31 }, { year: 2026, month: 12, day: 31 })).toBe(18);
    expect(ageOn({ year: 2008, month: 1, day: 1 }, { year: 2025, month: 12, day: 31 })).toBe(17);
    expect(ageOn({ year: 2008, month: 1, day: 1 }, { year: 2026, month: 1, day: 1 })).toBe(18);
  });
});

describe('calendarDateIn', () => {
  it('gives the next day in Africa/Niamey (UTC+1) at 23:30 UTC on 31 December', () => {
    const instant = new Date('2025-12-31T23:30:00Z');
    expect(calendarDateIn(instant, 'UTC')).toEqual({ year: 2025, month: 12, day: 31 });
    expect(calendarDateIn(instant, 'Africa/Niamey')).toEqual({ year: 2026, month: 1, day: 1 });
  });

  it('stays on the same day just before midnight in Niamey', () => {
    expect(calendarDateIn(new Date('2026-06-14T22:59:59Z'), 'Africa/Niamey')).toEqual({ year: 2026, month: 6, day: 14 });
    expect(calendarDateIn(new Date('2026-06-14T23:00:00Z'), 'Africa/Niamey')).toEqual({ year: 2026, month: 6, day: 15 });
  });

  it('uses the zone it is given, not the first one cached', () => {
    const instant = new Date('2026-06-15T02:00:00Z');
    expect(calendarDateIn(instant, 'Africa/Niamey')).toEqual({ year: 2026, month: 6, day: 15 });
    expect(calendarDateIn(instant, 'America/New_York')).toEqual({ year: 2026, month: 6, day: 14 });
    expect(calendarDateIn(instant, 'Africa/Niamey')).toEqual({ year: 2026, month: 6, day: 15 });
  });
});
