import { ageOn, compareDates, formatIsoDate, parseIsoDate, type CalendarDate } from './calendar.ts';
import type { FieldError } from './field-error.ts';

/** How precisely a birth date is known. */
export type BirthPrecision = 'day' | 'year' | 'estimated';

export interface BirthFacts {
  /** YYYY-MM-DD when the day is known. */
  birthDate: string | null;
  birthYear: number;
  precision: BirthPrecision;
}

export interface AgeRules {
  minimumAge: number;
  maximumAge: number;
}

export interface BirthInput {
  birthDate?: string | undefined;
  birthYear?: number | undefined;
  age?: number | undefined;
}

export type BirthCheck = { ok: true; value: BirthFacts } | { ok: false; error: FieldError };

/**
 * Decides whether a person may register on `today`, from whichever of date of birth, birth year or
 * age is known. With only a year (or an age, turned into an estimated year), the person may be one
 * of two ages; if the younger of them is under the minimum, the registration is refused: the benefit
 * of the doubt goes to protecting minors.
 */
export function checkBirth(input: BirthInput, today: CalendarDate, rules: AgeRules): BirthCheck {
  const given = [input.birthDate, input.birthYear, input.age].filter((v) => v !== undefined).length;
  if (given === 0) return refuse('birthDate', 'birth_required');
  if (given > 1) return refuse(input.birthDate !== undefined ? 'birthDate' : 'birthYear', 'birth_ambiguous');

  if (input.birthDate !== undefined) {
    const birth = parseIsoDate(input.birthDate);
    if (!birth) return refuse('birthDate', 'invalid_date');
    if (compareDates(birth, today) > 0) return refuse('birthDate', 'future_date');
    const age = ageOn(birth, today);
    if (age > rules.maximumAge) return refuse('birthDate', 'implausible_age', { max: rules.maximumAge });
    if (age < rules.minimumAge) return refuse('birthDate', 'under_minimum_age', { min: rules.minimumAge });
    return {
      ok: true,
      value: {
        birthDate: formatIsoDate(birth),
        birthYear: birth.year,
        precision: 'day',
      },
    };
  }

  let year: number;
  let field: 'birthYear' | 'age';
  let precision: BirthPrecision;
  if (input.birthYear !== undefined) {
    if (!Number.isInteger(input.birthYear)) return refuse('birthYear', 'invalid_year');
    year = input.birthYear;
    field = 'birthYear';
    precision = 'year';
  } else {
    const age = input.age ?? 0;
    if (!Number.isInteger(age) || age < 0) return refuse('age', 'invalid_age');
    year = today.year - age;
    field = 'age';
    precision = 'estimated';
  }
  if (year > today.year) return refuse(field, 'future_date');
  // The oldest a person born in `year` can be today, and the youngest.
  const oldest = ageOn({ year, month: 1, day: 1 }, today);
  const youngest = ageOn({ year, month: 12, day: 31 }, today);
  if (youngest > rules.maximumAge) return refuse(field, 'implausible_age', { max: rules.maximumAge });
  if (oldest < rules.minimumAge) return refuse(field, 'under_minimum_age', { min: rules.minimumAge });
  if (youngest < rules.minimumAge) return refuse(field, 'age_uncertain', { min: rules.minimumAge });
  return { ok: true, value: { birthDate: null, birthYear: year, precision } };
}

function refuse(field: string, code: string, params?: Record<string, string | number>): BirthCheck {
  return { ok: false, error: params ? { field, code, params } : { field, code } };
}
