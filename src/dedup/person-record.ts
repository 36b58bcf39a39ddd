import type { RegistrationInput } from '../domain/registration-input.ts';

/**
 * What deduplication compares: the identifying fields of a person, in clear, from the registry or
 * from a file. Every field may be missing. Comparators and the match model only ever see this shape.
 */
export interface PersonRecord {
  /** Registry id, or the file's id column. */
  id: string;
  givenName: string | null;
  familyName: string | null;
  /** YYYY-MM-DD when the day is known. */
  birthDate: string | null;
  /** Known birth year (from the date, or alone). */
  birthYear: number | null;
  /** E.164 or the digits as written. */
  phone: string | null;
  nationalId: string | null;
  /** Area P-code at any level (or any area code of a file). */
  area: string | null;
}

/**
 * The fields compared, each with its own comparator and agreement levels. Given and family names are
 * compared as a pair, so that a swapped pair still agrees on both.
 */
export const MATCH_FIELDS = ['givenName', 'familyName', 'birth', 'phone', 'nationalId', 'area'] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/**
 * The compared fields of a registration as submitted (demo data, files). An age becomes the birth
 * year it implies in `referenceYear`.
 */
export function personRecordFromInput(id: string, input: RegistrationInput, referenceYear: number): PersonRecord {
  return {
    id,
    givenName: input.givenName,
    familyName: input.familyName,
    birthDate: input.birthDate ?? null,
    birthYear: input.birthDate ? Number(input.birthDate.slice(0, 4)) : (input.birthYear ?? (input.age === undefined ? null : referenceYear - input.age)),
    phone: input.phone,
    nationalId: input.nationalId ?? null,
    area: input.area,
  };
}
