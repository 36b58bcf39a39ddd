import { PHONE_LEVELS, type FieldComparison, type PhoneLevel } from '../levels.ts';
import { isOneSubstitutionOrTransposition } from './compare-national-id.ts';

/**
 * A Nigerien subscriber number has 8 digits; what comes before them is a country code (227, +227,
 * 00227) or a trunk prefix. Comparing the last 8 digits makes "+227 96 12 34 56" and "96123456" the
 * same line without parsing every national format.
 */
export const SUBSCRIBER_DIGITS = 8;

/**
 * Below this many digits a number one digit off another is too likely to be a different number (and
 * is probably not a whole phone number at all); prepared-record.ts uses the same bound for phone8.
 */
export const MIN_DIGITS_FOR_ONE_OFF = 6;

/**
 * Compares two phone numbers by their digits only (spaces, dots, "+" and brackets are formatting):
 * - `exact`: the same digits.
 * - `same_last_8`: both have at least 8 digits and the last 8 are equal (national vs international
 *   form, or a different prefix for the same line).
 * - `one_digit_off`: the last 8 digits (or the whole numbers, when shorter; at least 6 digits) have
 *   the same length and differ by one digit or by two adjacent digits swapped, the usual slips when
 *   a number is read out or typed.
 * - `different`; `missing` when either side has no digits.
 */
export function comparePhone(a: string | null, b: string | null): FieldComparison {
  return comparePhoneDigits(phoneDigits(a), phoneDigits(b));
}

export function phoneDigits(phone: string | null): string {
  return phone?.replace(/\D/g, '') ?? '';
}

const PHONE_RESULTS = new Map<string, FieldComparison>(['missing', ...PHONE_LEVELS].map((level) => [level, Object.freeze({ level })]));

/** comparePhone on the digits only (see phoneDigits), computed once per record. Results are shared: do not change them. */
export function comparePhoneDigits(x: string, y: string): FieldComparison {
  return comparePhoneEnds(x, lastDigits(x), y, lastDigits(y));
}

/** The last SUBSCRIBER_DIGITS digits, or all of them when fewer (what prepared records keep as phone8 from MIN_DIGITS_FOR_ONE_OFF digits on). */
function lastDigits(digits: string): string {
  return digits.slice(-SUBSCRIBER_DIGITS);
}

/**
 * comparePhoneDigits with each side's last 8 digits worked out beforehand (`last` may be null for
 * numbers of fewer than MIN_DIGITS_FOR_ONE_OFF digits: the digits themselves are then used).
 */
export function comparePhoneEnds(x: string, lastX: string | null, y: string, lastY: string | null): FieldComparison {
  return PHONE_RESULTS.get(x.length === 0 || y.length === 0 ? 'missing' : phoneLevel(x, lastX ?? x, y, lastY ?? y)) as FieldComparison;
}

function phoneLevel(x: string, lastX: string, y: string, lastY: string): PhoneLevel {
  if (x === y) return 'exact';
  if (lastX.length === SUBSCRIBER_DIGITS && lastX === lastY) return 'same_last_8';
  if (lastX.length >= MIN_DIGITS_FOR_ONE_OFF && isOneSubstitutionOrTransposition(lastX, lastY)) return 'one_digit_off';
  return 'different';
}
