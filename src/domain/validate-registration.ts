import type { Drive } from '../config/compile-drive.ts';
import { checkBirth, type BirthPrecision } from './age.ts';
import { calendarDateIn, parseIsoDate } from './calendar.ts';
import type { FieldError } from './field-error.ts';
import { cleanNationalId, cleanPersonName } from './person-name.ts';
import { normalizeMobilePhone } from './phone.ts';
import type { Availability, Channel, Sex } from './registration-input.ts';
import { registrationInputSchema, zodIssuesToFieldErrors } from './registration-schema.ts';

/** A registration that passed every rule, normalised, ready to be stored. */
export interface ValidRegistration {
  clientId: string;
  givenName: string;
  familyName: string;
  sex: Sex | null;
  birthDate: string | null;
  birthYear: number;
  birthPrecision: BirthPrecision;
  phone: string;
  nationalId: string | null;
  area: string;
  site: string | null;
  roles: string[];
  skills: string[];
  languages: string[];
  availability: Availability;
  consent: { version: string; language: string };
  /** Device time of an offline registration, ISO 8601 UTC; null when made online. */
  recordedAt: string | null;
}

export interface RegistrationContext {
  now: Date;
  channel: Channel;
  /** How old an offline registration may be when it reaches the server. */
  maxOfflineDays?: number | undefined;
  /** The site of the registering device or agent: assumed when absent, refused when different. */
  site?: string | null | undefined;
}

export type RegistrationCheck = { ok: true; value: ValidRegistration } | { ok: false; errors: FieldError[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An ISO 8601 instant with a real day and an explicit offset, e.g. 2026-06-14T09:00:00.000Z or 2026-06-14T10:00+01:00. */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** Device clocks drift; a registration a few minutes "in the future" is not suspicious. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/**
 * The rules every registration obeys, whatever the channel. Collects every refusal (field by field)
 * rather than stopping at the first, so a person can correct everything at once.
 */
export function validateRegistration(raw: unknown, drive: Drive, ctx: RegistrationContext): RegistrationCheck {
  const parsed = registrationInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, raw) };
  const input = parsed.data;
  const errors: FieldError[] = [];
  const fail = (field: string, code: string, params?: Record<string, string | number>) =>
    errors.push(params ? { field, code, params } : { field, code });

  if (!UUID.test(input.clientId)) fail('clientId', 'invalid_client_id');

  const givenName = cleanPersonName(input.givenName);
  if (!givenName.ok) fail('givenName', givenName.code);
  const familyName = cleanPersonName(input.familyName);
  if (!familyName.ok) fail('familyName', familyName.code);

  let recordedAt: Date | null = null;
  if (input.recordedAt !== undefined) {
    const at = new Date(input.recordedAt);
    const maxAgeMs = (ctx.maxOfflineDays ?? 90) * 24 * 3600 * 1000;
    // An explicit offset is required: without one the instant would depend on the server's time zone.
    // The day is checked apart because Date rolls 2026-02-30 over to 2 March instead of refusing it.
    const iso = ISO_INSTANT.exec(input.recordedAt);
    if (!iso || parseIsoDate(iso[1] ?? '') === null || Number.isNaN(at.getTime())) fail('recordedAt', 'invalid_datetime');
    else if (at.getTime() > ctx.now.getTime() + CLOCK_SKEW_MS) fail('recordedAt', 'future_date');
    else if (at.getTime() < ctx.now.getTime() - maxAgeMs) fail('recordedAt', 'too_old', { days: ctx.maxOfflineDays ?? 90 });
    else recordedAt = at;
  }
  // Age is counted on the day the registration was made, which for an offline agent is the device's day.
  const today = calendarDateIn(recordedAt ?? ctx.now, drive.config.timezone);
  const birth = checkBirth(input, today, drive.config);
  if (!birth.ok) errors.push(birth.error);

  const phone = normalizeMobilePhone(input.phone, drive.config.phoneRegion);
  if (!phone.ok) fail('phone', phone.code);

  let nationalId: string | null = null;
  if (input.nationalId !== undefined && input.nationalId.trim() !== '') {
    const id = cleanNationalId(input.nationalId);
    if (id.ok) nationalId = id.value;
    else fail('nationalId', id.code);
  }

  const area = input.area.trim().toUpperCase();
  if (!drive.areas.has(area)) fail('area', 'unknown_area', { value: input.area });

  const site = input.site?.trim() || ctx.site || null;
  if (site !== null && !drive.sites.has(site)) fail('site', 'unknown_site', { value: site });
  else if (ctx.site && site !== ctx.site) fail('site', 'site_mismatch', { site: ctx.site });
  if (site === null && ctx.channel === 'agent') fail('site', 'site_required');

  const roles = unique(input.roles);
  if (roles.length === 0) fail('roles', 'roles_required');
  // Field paths give the position in the request (before duplicates were removed), so a form can mark the entry.
  roles.forEach((role) => {
    if (!drive.roles.has(role)) fail(`roles.${firstIndex(input.roles, role)}`, 'unknown_role', { value: role });
  });
  const skills = unique(input.skills ?? []);
  skills.forEach((skill) => {
    if (!drive.skills.has(skill)) fail(`skills.${firstIndex(input.skills ?? [], skill)}`, 'unknown_skill', { value: skill });
  });
  const languages = unique(input.languages ?? []);
  languages.forEach((language) => {
    if (!drive.spokenLanguages.has(language)) fail(`languages.${firstIndex(input.languages ?? [], language)}`, 'unknown_language', { value: language });
  });

  if (!drive.consentVersions.has(input.consent.noticeVersion)) {
    fail('consent.noticeVersion', 'unknown_consent_version', { current: drive.config.consent.version });
  }
  if (!drive.languages.has(input.consent.language)) fail('consent.language', 'unknown_language', { value: input.consent.language });

  if (errors.length > 0 || !givenName.ok || !familyName.ok || !birth.ok || !phone.ok) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      clientId: input.clientId.toLowerCase(),
      givenName: givenName.value,
      familyName: familyName.value,
      sex: input.sex ?? null,
      birthDate: birth.value.birthDate,
      birthYear: birth.value.birthYear,
      birthPrecision: birth.value.precision,
      phone: phone.e164,
      nationalId,
      area,
      site,
      roles,
      skills,
      languages,
      availability: input.availability ?? 'immediate',
      consent: { version: input.consent.noticeVersion, language: input.consent.language },
      recordedAt: recordedAt ? recordedAt.toISOString() : null,
    },
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()))];
}

/** Index in the request of the first value that trims to `value`. */
function firstIndex(values: readonly string[], value: string): number {
  return values.findIndex((v) => v.trim() === value);
}
