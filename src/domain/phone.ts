import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; code: 'invalid_phone' | 'not_mobile' };

/**
 * Reads a phone number as people write it ("90 12 34 56", "+227 90123456", "00227 90 12 34 56") and
 * returns it in E.164 if it is a valid mobile number. Volunteers are reached by SMS, so a fixed line
 * is refused. Numbers of other countries are accepted when valid: people near borders carry
 * neighbouring countries' SIM cards.
 */
export function normalizeMobilePhone(text: string, defaultRegion: string): PhoneCheck {
  const cleaned = text.trim();
  if (cleaned.length === 0 || cleaned.length > 32 || /[^\d\s+().\-/]/.test(cleaned)) {
    return { ok: false, code: 'invalid_phone' };
  }
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  if (!parsed?.isValid()) return { ok: false, code: 'invalid_phone' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { ok: false, code: 'not_mobile' };
  return { ok: true, e164: parsed.number };
}
