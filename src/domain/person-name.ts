/**
 * Cleans a personal name as typed: Unicode NFC, surrounding and repeated spaces removed, curly
 * apostrophes made straight. Case and accents are kept: they are how the person writes their name.
 * Returns null when what is left cannot be a name (digits, symbols, no letter at all).
 */
export function cleanPersonName(text: string, maxLength = 80): { ok: true; value: string } | { ok: false; code: string } {
  const value = text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02BC`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (value.length === 0) return { ok: false, code: 'required' };
  if (value.length > maxLength) return { ok: false, code: 'too_long' };
  if (!/^[\p{L}\p{M}' .-]+$/u.test(value) || !/\p{L}/u.test(value)) return { ok: false, code: 'invalid_characters' };
  return { ok: true, value };
}

/** National ID numbers are compared without spaces, dashes, dots or case. */
export function cleanNationalId(text: string): { ok: true; value: string } | { ok: false; code: string } {
  const value = text.replace(/[\s\-./]/g, '').toUpperCase();
  if (value.length === 0) return { ok: false, code: 'required' };
  if (!/^[A-Z0-9]{4,32}$/.test(value)) return { ok: false, code: 'invalid_national_id' };
  return { ok: true, value };
}
