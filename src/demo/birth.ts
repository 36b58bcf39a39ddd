/**
 * Ages and birth dates of synthetic volunteers, on whole days counted from 1970-01-01 (no Date
 * objects per record). "Today" is the UTC calendar date of the `today` instant: Niger (UTC+1) is
 * never behind it, so nobody generated as an adult is a minor on the drive's own calendar.
 */

import { weightedTable, type Random } from './random.ts';

export const MINIMUM_AGE = 18;
export const MAXIMUM_AGE = 75;

export interface Day {
  year: number;
  month: number;
  day: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): Day {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad2 = (value: number): string => (value < 10 ? '0' : '') + String(value);

export function isoDate(date: Day): string {
  return `${String(date.year).padStart(4, '0')}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** An instant in milliseconds as ISO 8601 UTC, the same text as Date#toISOString but cheaper. */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = ms - days * 86_400_000;
  const seconds = Math.floor(rest / 1000);
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return `${isoDate(civilFromDays(days))}T${time}.${String(rest % 1000).padStart(3, '0')}Z`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Whole years from `birth` to `on`. */
export function ageOn(birth: Day, on: Day): number {
  const before = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return on.year - birth.year - (before ? 1 : 0);
}

/** The calendar date `years` years before `date` (29 February becomes 28 February in common years). */
function yearsBefore(date: Day, years: number): number {
  const year = date.year - years;
  const day = date.month === 2 && date.day === 29 && !isLeapYear(year) ? 28 : date.day;
  return daysFromCivil(year, date.month, day);
}

export function utcDay(instant: Date): Day {
  return { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
}

/**
 * Ages 18..75, skewed young (median about 30): 18-year-olds are fewer than 22-year-olds (not all
 * have a phone or know of the drive yet), then the weight falls by a factor e every 17 years.
 */
const AGE_TABLE = weightedTable(
  Array.from({ length: MAXIMUM_AGE - MINIMUM_AGE + 1 }, (_, i) => MINIMUM_AGE + i),
  (age) => Math.min(1, 0.6 + 0.1 * (age - MINIMUM_AGE)) * Math.exp(-(age - MINIMUM_AGE) / 17),
);

/** A birth date (in days) such that the person is between 18 and 75 on `today`. */
export function drawBirthDay(random: Random, today: Day): number {
  const age = random.weighted(AGE_TABLE);
  const latest = yearsBefore(today, age); // turns `age` today
  const earliest = yearsBefore(today, age + 1) + 1; // turns `age + 1` tomorrow
  return random.int(earliest, latest);
}

export interface BirthReport {
  birthDate?: string;
  birthYear?: number;
  age?: number;
}

/**
 * What the person says about their birth: the date (70%), only the year (20%) or an age (10%). A
 * year or an age is said only when it cannot make the person look under 18 (born at least 19 years
 * before this year; 19 or older), otherwise the date is given. With `swapDayMonth`, the date is
 * written with day and month swapped when that is still a valid date of an adult (a common slip).
 */
export function reportBirth(random: Random, birthDay: number, today: Day, swapDayMonth = false): BirthReport {
  const birth = civilFromDays(birthDay);
  const age = ageOn(birth, today);
  const r = random.next();
  if (r >= 0.9 && age >= MINIMUM_AGE + 1) return { age };
  if (r >= 0.7 && r < 0.9 && birth.year <= today.year - (MINIMUM_AGE + 1)) return { birthYear: birth.year };
  if (swapDayMonth && birth.day <= 12 && birth.day !== birth.month) {
    const swapped = { year: birth.year, month: birth.day, day: birth.month };
    const valid = swapped.day <= daysInMonth(swapped.year, swapped.month);
    if (valid) {
      const swappedAge = ageOn(swapped, today);
      if (swappedAge >= MINIMUM_AGE && swappedAge <= MAXIMUM_AGE) return { birthDate: isoDate(swapped) };
    }
  }
  return { birthDate: isoDate(birth) };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
