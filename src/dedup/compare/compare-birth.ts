import { BIRTH_LEVELS, type BirthLevel, type FieldComparison } from '../levels.ts';
import type { PersonRecord } from '../person-record.ts';
import { isOneSubstitutionOrTransposition } from './compare-national-id.ts';

export type BirthFields = Pick<PersonRecord, 'birthDate' | 'birthYear'>;

export interface ParsedBirth {
  year: number;
  /** Month and day, both present or both absent (a year alone). */
  month: number | null;
  day: number | null;
  /** The year as four digits, for typo checks ("1956" vs "1965"). */
  yearText: string;
  /** YYYYMMDD, for the single-typo check across the whole date; null for a year alone. */
  dateText: string | null;
}

/**
 * Reads YYYY-MM-DD (the record format; YYYYMMDD is accepted too). The date is deliberately not checked
 * against the calendar: a source file may hold "1923-11-64", a mistyped 14th, and that still says a
 * lot about who the person is. A date that cannot be read falls back to `birthYear`.
 */
export function parseBirth(fields: BirthFields): ParsedBirth | null {
  const match = fields.birthDate === null ? null : /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(fields.birthDate.trim());
  if (match) {
    const [, y = '', m = '', d = ''] = match;
    return { year: Number(y), month: Number(m), day: Number(d), yearText: y, dateText: `${y}${m}${d}` };
  }
  if (fields.birthYear === null || !Number.isFinite(fields.birthYear)) return null;
  const year = Math.trunc(fields.birthYear);
  return { year, month: null, day: null, yearText: String(year).padStart(4, '0'), dateText: null };
}

/**
 * Compares two births, from strongest to weakest agreement:
 * - `exact`: same full date.
 * - `day_month_swapped`: same year, and each date's month is the other's day (03/12 vs 12/03, the
 *   usual day-first / month-first confusion). Only possible when both numbers are at most 12 on a
 *   valid date; on unchecked dates the test is simply "swapping gives equality".
 * - `one_part_off`: a single slip: same year and month with another day, same year and day with
 *   another month, same month and day with the year one typo away (one digit, or two adjacent digits
 *   swapped: 1956/1965), or the two YYYYMMDD strings one typo apart (a transposition across parts,
 *   19450603 vs 19405603).
 * - `same_year`: same year, and one side (or both) has only a year.
 * - `year_within_1`: years one apart, and one side (or both) has only a year (ages given in
 *   different years, or a year-end birthday).
 * - `dates_differ`: both full dates known, years at most one apart, and neither the same day nor the
 *   same month: where a year alone says nothing against a match, two whole dates this far apart do.
 * - `different`.
 * - `missing`: either side has neither a date nor a year, so there is nothing to compare.
 */
export function compareBirth(a: BirthFields, b: BirthFields): FieldComparison {
  return compareParsedBirths(parseBirth(a), parseBirth(b));
}

const BIRTH_RESULTS = new Map<string, FieldComparison>(['missing', ...BIRTH_LEVELS].map((level) => [level, Object.freeze({ level })]));

/** compareBirth on births parsed beforehand (once per record, not once per pair). Results are shared: do not change them. */
export function compareParsedBirths(x: ParsedBirth | null, y: ParsedBirth | null): FieldComparison {
  return BIRTH_RESULTS.get(x === null || y === null ? 'missing' : birthLevel(x, y)) as FieldComparison;
}

/** The level of two births both known (compareParsedBirths without the shared result object). */
export function birthLevel(x: ParsedBirth, y: ParsedBirth): BirthLevel {
  const sameYear = x.year === y.year;
  if (x.dateText !== null && y.dateText !== null) {
    if (x.dateText === y.dateText) return 'exact';
    const sameMonth = x.month === y.month;
    const sameDay = x.day === y.day;
    if (sameYear && x.month === y.day && x.day === y.month) return 'day_month_swapped';
    if (sameYear && (sameMonth || sameDay)) return 'one_part_off';
    if (sameMonth && sameDay && isOneSubstitutionOrTransposition(x.yearText, y.yearText)) return 'one_part_off';
    if (isOneSubstitutionOrTransposition(x.dateText, y.dateText)) return 'one_part_off';
  }
  const close = sameYear || Math.abs(x.year - y.year) === 1;
  if (!close) return 'different';
  if (x.dateText !== null && y.dateText !== null) return 'dates_differ';
  return sameYear ? 'same_year' : 'year_within_1';
}
