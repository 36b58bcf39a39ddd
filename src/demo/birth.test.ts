import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, isoInstant } from './birth.ts';
import { createRandom } from './random.ts';

describe('calendar helpers', () => {
  it('days and ISO instants agree with Date', () => {
    const random = createRandom(3);
    for (let i = 0; i < 20_000; i++) {
      const ms = random.int(-2_208_988_800_000, 4_102_444_800_000); // 1900..2100
      const date = new Date(ms);
      expect(isoInstant(ms)).toBe(date.toISOString());
      const day = civilFromDays(Math.floor(ms / 86_400_000));
      expect(day).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      expect(daysFromCivil(day.year, day.month, day.day)).toBe(Math.floor(ms / 86_400_000));
    }
  });
});
