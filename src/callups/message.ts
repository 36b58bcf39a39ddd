import { planSms, type SmsEncoding } from '../domain/sms-encoding.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../i18n/sms-messages.ts';

/**
 * The texts of a call-up. A call-up may give its own template per language; placeholders are
 * {title}, {place}, {time}, {deadline}, {role}, {yes} and {no} ({yes} is "OUI", or "B OUI" when the
 * person has several open call-ups). Everything but the letter is known when the call-up is written,
 * so its size in SMS parts is checked then, with the longest letter prefix.
 */

export const CALLUP_PLACEHOLDERS = ['title', 'place', 'time', 'deadline', 'role', 'yes', 'no'] as const;
export const MAX_CALLUP_SEGMENTS = 3;

export interface CallupTextValues {
  title: string;
  place: string;
  time: string;
  deadline: string;
  role: string;
}

export function answerWords(language: SmsLanguage, letter: string | null): { yes: string; no: string } {
  const prefix = letter === null ? '' : `${letter} `;
  return { yes: prefix + smsText('callup_yes_word', language), no: prefix + smsText('callup_no_word', language) };
}

/** Unknown placeholders in a template (a typo would otherwise be sent as is). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').filter((name) => !(CALLUP_PLACEHOLDERS as readonly string[]).includes(name));
}

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] ?? whole) : whole));
}

/** The message asking one person, in their language. */
export function callupAskText(templates: Readonly<Record<string, string>>, language: SmsLanguage, values: CallupTextValues, letter: string | null): string {
  const template = templates[language] ?? smsText('callup_ask', language);
  return fillTemplate(template, { ...values, ...answerWords(language, letter) });
}

export interface TemplateSize {
  language: SmsLanguage;
  encoding: SmsEncoding;
  segments: number;
  ok: boolean;
}

/** Size of each language's message, with a letter prefix (the longest case), for the preview. */
export function callupTextSizes(templates: Readonly<Record<string, string>>, languages: readonly string[], values: CallupTextValues, smart: boolean): TemplateSize[] {
  return languages.filter(isSmsLanguage).map((language) => {
    const plan = planSms(callupAskText(templates, language, values, 'W'), { smart });
    return { language, encoding: plan.encoding, segments: plan.segments, ok: plan.segments <= MAX_CALLUP_SEGMENTS };
  });
}

/** "26.11 08:00" in the drive's time zone. */
export function formatLocalTime(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}.${get('month')} ${get('hour')}:${get('minute')}`;
}
