/**
 * Calendar dates without time zones: a registration happens on a day in the drive's time zone, and
 * ages are counted in whole years between two such days.
 */

export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day that `instant` falls on in `timeZone` (an IANA zone such as Africa/Niamey). */
export function calendarDateIn(instant: Date, timeZone: string): CalendarDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  // en-CA formats as YYYY-MM-DD.
  const parsed = parseIsoDate(formatter.format(instant));
  if (!parsed) throw new Error(`cannot read the date of ${instant.toISOString()} in ${timeZone}`);
  return parsed;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses a strict YYYY-MM-DD (or YYYYMMDD) date; returns null for anything that is not a real day. */
export function parseIsoDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatIsoDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * Whole years completed between `birth` and `on`. Someone born on 29 February becomes a year older
 * on 1 March in common years (the legal convention in most civil codes).
 */
export function ageOn(birth: CalendarDate, on: CalendarDate): number {
  let age = on.year - birth.year;
  if (on.month < birth.month || (on.month === birth.month && on.day < birth.day)) age -= 1;
  return age;
}
