import { describe, expect, it } from 'vitest';
import { checkBirth, type BirthCheck, type BirthInput } from './age.ts';
import { ageOn, compareDates, daysInMonth, formatIsoDate, type CalendarDate } from './calendar.ts';

const RULES = { minimumAge: 18, maximumAge: 100 };
const TODAY: CalendarDate = { year: 2026, month: 6, day: 15 };

function check(input: BirthInput, today: CalendarDate = TODAY): BirthCheck {
  return checkBirth(input, today, RULES);
}

/** The error code of a refusal, or 'ok'. */
function outcome(input: BirthInput, today: CalendarDate = TODAY): string {
  const result = check(input, today);
  return result.ok ? 'ok' : result.error.code;
}

describe('checkBirth with a full date of birth', () => {
  it('accepts a person whose 18th birthday is today', () => {
    expect(check({ birthDate: '2008-06-15' })).toEqual({
      ok: true,
      value: { birthDate: '2008-06-15', birthYear: 2008, precision: 'day' },
    });
  });

  it('refuses a person whose 18th birthday is tomorrow', () => {
    expect(check({ birthDate: '2008-06-16' })).toEqual({
      ok: false,
      error: { field: 'birthDate', code: 'under_minimum_age', params: { min: 18 } },
    });
  });

  it('normalises the compact YYYYMMDD form', () => {
    const result = check({ birthDate: '19940312' });
    expect(result.ok && result.value.birthDate).toBe('1994-03-12');
  });

  it('refuses a date that is not a real day', () => {
    expect(check({ birthDate: '1994-02-30' })).toEqual({ ok: false, error: { field: 'birthDate', code: 'invalid_date' } });
    expect(outcome({ birthDate: '12/03/1994' })).toBe('invalid_date');
  });

  it('refuses future dates', () => {
    expect(check({ birthDate: '2026-06-16' })).toEqual({ ok: false, error: { field: 'birthDate', code: 'future_date' } });
    expect(outcome({ birthDate: '2030-01-01' })).toBe('future_date');
  });

  it('refuses 101 years and accepts 100', () => {
    expect(check({ birthDate: '1925-06-15' })).toEqual({
      ok: false,
      error: { field: 'birthDate', code: 'implausible_age', params: { max: 100 } },
    });
    expect(outcome({ birthDate: '1925-06-16' })).toBe('ok'); // 100, turning 101 tomorrow
    expect(outcome({ birthDate: '1926-06-15' })).toBe('ok'); // 100 today
  });

  it('accepts someone born on 29 February only from 1 March of the year they turn 18', () => {
    const leapling = { birthDate: '2008-02-29' };
    expect(outcome(leapling, { year: 2026, month: 2, day: 28 })).toBe('under_minimum_age');
    expect(outcome(leapling, { year: 2026, month: 3, day: 1 })).toBe('ok');
  });

  it('accepts an exact birth date if and only if ageOn is at least 18 (every day of 2026, births 2007-2009)', () => {
    const births: CalendarDate[] = [];
    for (let year = 2007; year <= 2009; year++) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= daysInMonth(year, month); day++) births.push({ year, month, day });
      }
    }
    births.push({ year: 2004, month: 2, day: 29 });
    const mismatches: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= daysInMonth(2026, month); day++) {
        const today = { year: 2026, month, day };
        for (const birth of births) {
          const result = check({ birthDate: formatIsoDate(birth) }, today);
          const adult = ageOn(birth, today) >= 18;
          // An oracle that does not use ageOn: the 18th birthday, moved to 1 March for 29 February births.
          const eighteenth = birth.day <= daysInMonth(birth.year + 18, birth.month)
            ? { year: birth.year + 18, month: birth.month, day: birth.day }
            : { year: birth.year + 18, month: 3, day: 1 };
          const reached = compareDates(today, eighteenth) >= 0;
          const code = result.ok ? 'ok' : result.error.code;
          if (result.ok !== adult || adult !== reached || (!result.ok && code !== 'under_minimum_age')) {
            mismatches.push(`${formatIsoDate(birth)} on ${formatIsoDate(today)}: ${code}`);
          }
          if (result.ok) accepted++;
          else refused++;
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The property was exercised on both sides of the boundary.
    expect(accepted).toBeGreaterThan(100_000);
    expect(refused).toBeGreaterThan(100_000);
  });
});

describe('checkBirth with a birth year only', () => {
  it('refuses with age_uncertain a year in which the person may be 17 or 18', () => {
    expect(check({ birthYear: 2008 })).toEqual({
      ok: false,
      error: { field: 'birthYear', code: 'age_uncertain', params: { min: 18 } },
    });
  });

  it('accepts one year earlier', () => {
    expect(check({ birthYear: 2007 })).toEqual({ ok: true, value: { birthDate: null, birthYear: 2007, precision: 'year' } });
  });

  it('accepts on 31 December the year of the 18th birthday (everyone born that year is 18 by then)', () => {
    expect(outcome({ birthYear: 2008 }, { year: 2026, month: 12, day: 31 })).toBe('ok');
    expect(outcome({ birthYear: 2008 }, { year: 2026, month: 12, day: 30 })).toBe('age_uncertain');
  });

  it('refuses a year in which everyone is still under 18', () => {
    expect(check({ birthYear: 2009 })).toEqual({
      ok: false,
      error: { field: 'birthYear', code: 'under_minimum_age', params: { min: 18 } },
    });
  });

  it('refuses a future year and a non-integer year', () => {
    expect(check({ birthYear: 2027 })).toEqual({ ok: false, error: { field: 'birthYear', code: 'future_date' } });
    expect(check({ birthYear: 1994.5 })).toEqual({ ok: false, error: { field: 'birthYear', code: 'invalid_year' } });
    expect(outcome({ birthYear: Number.NaN })).toBe('invalid_year');
  });

  it('refuses a year in which everyone is over 100, and gives the benefit of the doubt otherwise', () => {
    expect(outcome({ birthYear: 1924 })).toBe('implausible_age'); // 101 or 102
    expect(outcome({ birthYear: 1925 })).toBe('ok'); // 100 or 101
    expect(outcome({ birthYear: 1926 })).toBe('ok'); // 99 or 100
  });
});

describe('checkBirth with an age only', () => {
  it('refuses 17 as under the minimum age', () => {
    expect(check({ age: 17 })).toEqual({ ok: false, error: { field: 'age', code: 'under_minimum_age', params: { min: 18 } } });
  });

  it('refuses 18 as uncertain: the estimated birth year straddles the 18th birthday (documented choice)', () => {
    expect(check({ age: 18 })).toEqual({ ok: false, error: { field: 'age', code: 'age_uncertain', params: { min: 18 } } });
  });

  it('accepts 19 with an estimated birth year', () => {
    expect(check({ age: 19 })).toEqual({ ok: true, value: { birthDate: null, birthYear: 2026 - 19, precision: 'estimated' } });
  });

  it('refuses a negative or fractional age', () => {
    expect(check({ age: -1 })).toEqual({ ok: false, error: { field: 'age', code: 'invalid_age' } });
    expect(outcome({ age: 25.5 })).toBe('invalid_age');
  });

  it('refuses an age of 102 as implausible', () => {
    expect(check({ age: 102 })).toEqual({ ok: false, error: { field: 'age', code: 'implausible_age', params: { max: 100 } } });
  });
});

describe('checkBirth with the wrong number of facts', () => {
  it('requires one of birth date, birth year or age', () => {
    expect(check({})).toEqual({ ok: false, error: { field: 'birthDate', code: 'birth_required' } });
  });

  it('refuses two or three facts at once', () => {
    expect(check({ birthDate: '1994-03-12', birthYear: 1994 })).toEqual({ ok: false, error: { field: 'birthDate', code: 'birth_ambiguous' } });
    expect(check({ birthYear: 1994, age: 32 })).toEqual({ ok: false, error: { field: 'birthYear', code: 'birth_ambiguous' } });
    expect(outcome({ birthDate: '1994-03-12', birthYear: 1994, age: 32 })).toBe('birth_ambiguous');
  });

  it('treats explicitly undefined fields as absent', () => {
    expect(outcome({ birthDate: '1994-03-12', birthYear: undefined, age: undefined })).toBe('ok');
  });
});
