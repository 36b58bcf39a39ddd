/**
 * SMS text encoding. A message is sent in GSM 7-bit whenever every character fits the GSM 03.38
 * alphabet (basic table, or the extension table at two septets each): 160 septets in one message, 153
 * per part once split. Otherwise it goes as UCS-2: 70 UTF-16 units, 67 per part. One Hausa letter
 * (ɓ ɗ ƙ ƴ) is enough to make a whole message UCS-2, so the segment count is computed before sending
 * and stored with the message.
 */

export type SmsEncoding = 'gsm7' | 'ucs2';

/** GSM 03.38 basic character set (the escape code 0x1B excluded). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each of these costs an escape plus the character, two septets. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

/**
 * "Smart" replacements: characters outside GSM-7 whose plain form reads the same in French and
 * English (ê -> e, œ -> oe, curly quotes -> straight). Hausa hooked letters are not replaced: ɗ and d
 * are different letters, and replacing one by the other changes words.
 */
const SMART: Readonly<Record<string, string>> = {
  á: 'a', â: 'a', ã: 'a', À: 'A', Á: 'A', Â: 'A', Ã: 'A',
  ç: 'c', ê: 'e', ë: 'e', È: 'E', Ê: 'E', Ë: 'E',
  í: 'i', î: 'i', ï: 'i', Ì: 'I', Í: 'I', Î: 'I', Ï: 'I',
  ó: 'o', ô: 'o', õ: 'o', Ò: 'O', Ó: 'O', Ô: 'O', Õ: 'O',
  ú: 'u', û: 'u', Ù: 'U', Ú: 'U', Û: 'U', ÿ: 'y', Ÿ: 'Y',
  œ: 'oe', Œ: 'OE',
  '\u2018': "'", '\u2019': "'", '\u02BC': "'", '\u201C': '"', '\u201D': '"', '«': '"', '»': '"',
  '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00A0': ' ', '\u202F': ' ', '\t': ' ',
};

/** Septets a character costs in GSM-7, or null when it is not in the alphabet. */
function septets(ch: string): 1 | 2 | null {
  if (GSM_BASIC.has(ch)) return 1;
  if (GSM_EXTENSION.has(ch)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (septets(ch) === null) return false;
  return true;
}

/** Replaces what can be replaced without changing the meaning (see SMART); leaves everything else. */
export function smartTransliterate(text: string): string {
  let out = '';
  for (const ch of text) out += septets(ch) === null ? (SMART[ch] ?? ch) : ch;
  return out;
}

export interface SmsPlan {
  /** The text as it will be sent (after smart replacements when asked for). */
  text: string;
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
}

export interface PlanOptions {
  /** Apply smart replacements first, so that French with ê or ç still fits GSM-7. */
  smart?: boolean;
}

/** Chooses the encoding of a message and counts its parts. */
export function planSms(text: string, options: PlanOptions = {}): SmsPlan {
  const sent = options.smart ? smartTransliterate(text) : text;
  if (isGsm7(sent)) {
    const costs = [...sent].map((ch) => septets(ch) ?? 1);
    return { text: sent, encoding: 'gsm7', units: sum(costs), segments: countParts(costs, GSM7_SINGLE, GSM7_PART) };
  }
  // A character outside the basic plane is two UTF-16 units that must stay in the same part.
  const costs = [...sent].map((ch) => ch.length);
  return { text: sent, encoding: 'ucs2', units: sum(costs), segments: countParts(costs, UCS2_SINGLE, UCS2_PART) };
}

/** Parts needed, never splitting a character (an escaped GSM pair or a surrogate pair) across two. */
function countParts(costs: readonly number[], single: number, part: number): number {
  const total = sum(costs);
  if (total === 0) return 1;
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > part) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export type TemplateCheck =
  | { ok: true; encoding: SmsEncoding; segments: number }
  | { ok: false; encoding: SmsEncoding; segments: number; max: number };

export interface TemplateLimits {
  maxSegments: number;
  /** The longest value each {placeholder} may take (characters); 20 when not given. */
  placeholderLength?: Readonly<Record<string, number>>;
  /** Placeholder values may hold letters outside GSM-7 (names in Hausa): count the worst case, UCS-2. */
  placeholdersMayNeedUnicode?: boolean;
  smart?: boolean;
}

/**
 * Checks a message template when it is written, against the worst case of its placeholders, so that
 * a template that would need too many parts is refused then rather than when a call-up is sent.
 */
export function checkSmsTemplate(template: string, limits: TemplateLimits): TemplateCheck {
  const filled = template.replace(/\{(\w+)\}/g, (_whole, name: string) => 'x'.repeat(limits.placeholderLength?.[name] ?? 20));
  let plan = planSms(filled, { smart: limits.smart ?? false });
  const hasPlaceholders = filled !== template;
  if (plan.encoding === 'gsm7' && hasPlaceholders && limits.placeholdersMayNeedUnicode) {
    const costs = [...plan.text].map((ch) => ch.length);
    plan = { ...plan, encoding: 'ucs2', units: sum(costs), segments: countParts(costs, UCS2_SINGLE, UCS2_PART) };
  }
  return plan.segments <= limits.maxSegments
    ? { ok: true, encoding: plan.encoding, segments: plan.segments }
    : { ok: false, encoding: plan.encoding, segments: plan.segments, max: limits.maxSegments };
}
