import { describe, expect, it } from 'vitest';
import { instantOfLocalTime, localTimeIn } from './zoned-time.ts';

describe('wall-clock times in a time zone', () => {
  it('reads a Niamey time (UTC+1, no daylight saving) as the instant one hour earlier in UTC', () => {
    expect(instantOfLocalTime('2026-12-08T08:00', 'Africa/Niamey')?.toISOString()).toBe('2026-12-08T07:00:00.000Z');
    expect(localTimeIn(new Date('2026-12-08T07:00:00Z'), 'Africa/Niamey')).toBe('2026-12-08T08:00');
  });

  it('crosses midnight and the year', () => {
    expect(instantOfLocalTime('2027-01-01T00:30', 'Africa/Niamey')?.toISOString()).toBe('2026-12-31T23:30:00.000Z');
    expect(localTimeIn(new Date('2026-12-31T23:30:00Z'), 'Africa/Niamey')).toBe('2027-01-01T00:30');
  });

  it('follows daylight saving where a zone has it', () => {
    expect(instantOfLocalTime('2026-07-01T12:00', 'Europe/Paris')?.toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(instantOfLocalTime('2026-01-15T12:00', 'Europe/Paris')?.toISOString()).toBe('2026-01-15T11:00:00.000Z');
    // 02:30 does not exist on the night clocks go forward: the time after the gap.
    expect(instantOfLocalTime('2026-03-29T02:30', 'Europe/Paris')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('round-trips every hour of a day in a zone west of UTC', () => {
    for (let h = 0; h < 24; h++) {
      const local = `2026-11-20T${String(h).padStart(2, '0')}:15`;
      const instant = instantOfLocalTime(local, 'America/Sao_Paulo');
      expect(instant && localTimeIn(instant, 'America/Sao_Paulo')).toBe(local);
    }
  });

  it('refuses what is not a wall-clock time', () => {
    for (const text of ['', '2026-12-08', '2026-12-08 08:00', '2026-13-01T08:00', '2026-12-08T24:00', '2026-12-08T08:00Z']) expect(instantOfLocalTime(text, 'Africa/Niamey')).toBeNull();
  });
});
