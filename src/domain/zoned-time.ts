/**
 * Wall-clock times in a time zone, as a form field shows them ("2026-12-08T08:00", no zone), turned
 * into instants and back. A coordinator writes the report time in the drive's time zone, whatever the
 * zone of the computer they type on. Pure (Intl only): bundled by the console as well.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The wall clock of `instant` in `timeZone`, as "YYYY-MM-DDTHH:mm". */
export function localTimeIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const m = LOCAL.exec(localTimeIn(new Date(instant), timeZone));
  if (!m) return 0;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return asUtc - (instant - (((instant % 60_000) + 60_000) % 60_000));
}

/**
 * The instant at which the wall clock of `timeZone` shows `local` ("YYYY-MM-DDTHH:mm"); null when the
 * text is not such a time. In a gap of a daylight-saving change, the time after the gap.
 */
export function instantOfLocalTime(local: string, timeZone: string): Date | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes: the offset at the first guess may differ from the offset at the answer (near a change).
  let instant = asUtc - offsetAt(asUtc, timeZone);
  instant = asUtc - offsetAt(instant, timeZone);
  return new Date(instant);
}
