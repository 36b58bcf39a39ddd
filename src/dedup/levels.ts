import type { MatchField } from './person-record.ts';

/**
 * Agreement levels per compared field, from strongest to weakest. A field missing on either side is
 * "missing" and carries no evidence either way. The match model learns a weight per level.
 */
export const NAME_LEVELS = ['exact', 'alias', 'phonetic', 'fuzzy_high', 'fuzzy', 'initial', 'different'] as const;
export const BIRTH_LEVELS = ['exact', 'day_month_swapped', 'one_part_off', 'same_year', 'year_within_1', 'dates_differ', 'different'] as const;
export const PHONE_LEVELS = ['exact', 'same_last_8', 'one_digit_off', 'different'] as const;
export const NATIONAL_ID_LEVELS = ['exact', 'one_edit', 'different'] as const;
export const AREA_LEVELS = ['same', 'parent_child', 'same_region', 'different'] as const;

export type NameLevel = (typeof NAME_LEVELS)[number];
export type BirthLevel = (typeof BIRTH_LEVELS)[number];
export type PhoneLevel = (typeof PHONE_LEVELS)[number];
export type NationalIdLevel = (typeof NATIONAL_ID_LEVELS)[number];
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const LEVELS: { readonly [F in MatchField]: readonly string[] } = {
  givenName: NAME_LEVELS,
  familyName: NAME_LEVELS,
  birth: BIRTH_LEVELS,
  phone: PHONE_LEVELS,
  nationalId: NATIONAL_ID_LEVELS,
  area: AREA_LEVELS,
};

/** The outcome of comparing one field of two records. */
export interface FieldComparison {
  /** A level of the field, or 'missing'. */
  level: string;
  /**
   * For levels where agreeing on a common value means less than on a rare one (names that agree
   * exactly or by alias): the value agreed on, to look up its frequency. Absent otherwise.
   */
  agreedValue?: string;
}

export type Comparison = { readonly [F in MatchField]: FieldComparison };

/** Keys derived from one name, for blocking and comparison (see names/name-keys.ts). */
export interface NameKeys {
  /** Normalised tokens: lower case, no accents or punctuation, particles removed. */
  readonly tokens: readonly string[];
  /** Tokens mapped to their alias group (Mahamadou, Mohamed, Mouhamed -> one canonical form). */
  readonly canonical: readonly string[];
  /** Phonetic codes (Double Metaphone, primary and alternate) of the canonical tokens. */
  readonly phonetic: readonly string[];
  /**
   * Set on keys made by nameKeys: one id per distinct list of normalised tokens, so that comparisons
   * of the same two names ("MOUSSA" and "Moussa" are one name) can be remembered.
   */
  readonly id?: number;
}
