import { Metadata, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

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
  const fast = wellFormedNigerMobile(cleaned, defaultRegion);
  if (fast !== null) return { ok: true, e164: fast };
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  if (!parsed?.isValid()) return { ok: false, code: 'invalid_phone' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { ok: false, code: 'not_mobile' };
  return { ok: true, e164: parsed.number };
}

/** The methods of libphonenumber's numbering plan read here (its type declarations name only a few). */
interface PlanPatterns {
  callingCode(): string;
  nationalPrefix(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[];
  type(type: 'MOBILE'): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/**
 * Niger's numbering plan, from libphonenumber's own metadata (so that an update of the package
 * updates both paths alike).
 */
const niger = (() => {
  const metadata = new Metadata();
  metadata.selectNumberingPlan('NE');
  const plan = metadata.numberingPlan as unknown as PlanPatterns | undefined;
  const mobile = plan?.type('MOBILE');
  if (!plan || !mobile?.pattern()) return null;
  return {
    callingCode: plan.callingCode(),
    nationalPrefix: plan.nationalPrefix() ?? '',
    national: new RegExp(`^(?:${plan.nationalNumberPattern()})$`),
    mobile: new RegExp(`^(?:${mobile.pattern()})$`),
    mobileLengths: mobile.possibleLengths() ?? plan.possibleLengths(),
  };
})();

/** Eight digits, each after at most one space, optionally after Niger's country code (+227 or 00227). */
const NIGER_WRITTEN = /^(?:\+227|00227)?(?: ?\d){8}$/;

/**
 * The E.164 form of a Niger mobile number written the common way ("90 12 34 56", "+227 90123456",
 * "0022790123456"), or null for anything else, left to libphonenumber. Most registrations, and nearly
 * every row of a paper list, are such numbers; parsing them through libphonenumber was about a sixth
 * of an import row's checks. The answer is the one libphonenumber gives: a number matching Niger's
 * national pattern and its mobile pattern (and lengths) is valid, and its type is MOBILE or, when it
 * is a fixed line's too, FIXED_LINE_OR_MOBILE (libphonenumber's getNumberType); the digits cannot
 * start with the national prefix, which parsing would strip (phone.test.ts compares the two paths).
 */
export function wellFormedNigerMobile(cleaned: string, defaultRegion: string): string | null {
  if (niger === null || defaultRegion !== 'NE' || !NIGER_WRITTEN.test(cleaned)) return null;
  const digits = cleaned.slice(cleaned.length - 8 - countSpaces(cleaned)).replaceAll(' ', '');
  if (digits.length !== 8 || (niger.nationalPrefix !== '' && digits.startsWith(niger.nationalPrefix))) return null;
  if (!niger.national.test(digits) || !niger.mobile.test(digits) || !niger.mobileLengths.includes(digits.length)) return null;
  return `+${niger.callingCode}${digits}`;
}

function countSpaces(text: string): number {
  let spaces = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) spaces++;
  return spaces;
}
