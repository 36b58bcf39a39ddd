import type { FieldComparison, NationalIdLevel } from '../levels.ts';

/**
 * ID numbers are typed by hand from cards that print them with spaces, dashes, dots or slashes in
 * varying places, and read back in either case: none of that distinguishes two numbers. The same
 * characters are dropped by prepared-record.ts, so blocking and comparison agree on what an ID is.
 */
export function normaliseNationalId(id: string | null): string | null {
  if (id === null) return null;
  const normalised = id.replace(/[\s\-./]/g, '').toUpperCase();
  return normalised.length > 0 ? normalised : null;
}

/**
 * True when `b` is `a` with exactly one substitution or one swap of two adjacent characters (the two
 * typing slips that keep the length). Equal strings are not one edit apart.
 */
export function isOneSubstitutionOrTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let first = -1;
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      if (mismatches === 0) first = i;
      mismatches += 1;
      if (mismatches > 2) return false;
    }
  }
  if (mismatches === 1) return true;
  // Two mismatches are one slip only when they are neighbours holding each other's character (if the
  // second mismatch were further on, position first + 1 would match and the swap test would fail).
  return mismatches === 2 && a[first] === b[first + 1] && a[first + 1] === b[first];
}

/**
 * Damerau-Levenshtein distance exactly 1: one insertion, deletion, substitution or adjacent
 * transposition. Checked directly in linear time rather than by filling a distance matrix, since
 * only "is it one?" matters and candidate pairs number in the millions.
 */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) return isOneSubstitutionOrTransposition(a, b);
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  // One deletion from the longer string: skip the first mismatching character and the rest must match.
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/**
 * Below this length an ID one edit away from another is too likely to be someone else's number
 * (short registry numbers are dense), so such pairs count as different.
 */
export const MIN_LENGTH_FOR_ONE_EDIT = 5;

/**
 * Compares two national ID numbers: `exact` after normalisation, `one_edit` for a single typing slip
 * (both at least MIN_LENGTH_FOR_ONE_EDIT long), otherwise `different`; `missing` when either is absent.
 */
export function compareNationalId(a: string | null, b: string | null): FieldComparison {
  return compareNormalisedNationalIds(normaliseNationalId(a), normaliseNationalId(b));
}

const ID_RESULTS = new Map<string, FieldComparison>(['missing', 'exact', 'one_edit', 'different'].map((level) => [level, Object.freeze({ level })]));

/** compareNationalId on IDs normalised beforehand (normaliseNationalId, once per record). Results are shared: do not change them. */
export function compareNormalisedNationalIds(x: string | null, y: string | null): FieldComparison {
  let level: NationalIdLevel | 'missing';
  if (x === null || y === null) level = 'missing';
  else if (x === y) level = 'exact';
  else if (Math.min(x.length, y.length) >= MIN_LENGTH_FOR_ONE_EDIT && isOneEditApart(x, y)) level = 'one_edit';
  else level = 'different';
  return ID_RESULTS.get(level) as FieldComparison;
}
