import type { VolunteerField } from '../access/policy.ts';
import type { FieldError } from './field-error.ts';

/**
 * What an export may contain. An export names its purpose; each purpose allows only the fields it
 * needs (data minimisation), and the requester picks among those (all of them by default).
 */
export const EXPORT_FIELDS = [
  'reference',
  'givenName',
  'familyName',
  'sex',
  'birthDate',
  'phone',
  'nationalId',
  'area',
  'areaName',
  'site',
  'roles',
  'skills',
  'languages',
  'availability',
  'status',
  'consent',
  'createdAt',
] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

export const EXPORT_PURPOSES = {
  /** Calling volunteers up: reach them, know what they can do. */
  call_up: ['reference', 'givenName', 'familyName', 'phone', 'area', 'areaName', 'roles', 'skills', 'languages', 'availability'],
  /** Checking identities at a site (on arrival, at training). */
  verification: ['reference', 'givenName', 'familyName', 'sex', 'birthDate', 'nationalId', 'phone', 'area', 'areaName', 'site', 'roles'],
  /** Planning: how many of whom where; no names, no contact. */
  planning: ['reference', 'sex', 'area', 'areaName', 'site', 'roles', 'skills', 'languages', 'availability', 'status'],
  /** Handing the roster to the authority that ordered the drive: every field, consent included. */
  transfer: [...EXPORT_FIELDS],
} as const satisfies Record<string, readonly ExportField[]>;
export type ExportPurpose = keyof typeof EXPORT_PURPOSES;
export const EXPORT_PURPOSE_IDS = Object.keys(EXPORT_PURPOSES) as ExportPurpose[];

/** The policy field a requester must be allowed to see to export each field. */
const POLICY_FIELD: Record<ExportField, VolunteerField> = {
  reference: 'reference',
  givenName: 'givenName',
  familyName: 'familyName',
  sex: 'sex',
  birthDate: 'birthDate',
  phone: 'phone',
  nationalId: 'nationalId',
  area: 'area',
  areaName: 'area',
  site: 'site',
  roles: 'roles',
  skills: 'skills',
  languages: 'languages',
  availability: 'availability',
  status: 'status',
  consent: 'consent',
  createdAt: 'createdAt',
};

/**
 * The fields of an export: those asked (or all the purpose allows), each allowed by the purpose and
 * visible to the requester. Refusals name the field.
 */
export function exportFields(
  purpose: ExportPurpose,
  asked: readonly string[] | undefined,
  visible: ReadonlySet<VolunteerField>,
): { ok: true; fields: ExportField[] } | { ok: false; errors: FieldError[] } {
  const allowed: readonly ExportField[] = EXPORT_PURPOSES[purpose];
  const wanted = asked && asked.length > 0 ? [...new Set(asked)] : allowed.filter((f) => visible.has(POLICY_FIELD[f]));
  const errors: FieldError[] = [];
  const fields: ExportField[] = [];
  wanted.forEach((field, i) => {
    if (!(EXPORT_FIELDS as readonly string[]).includes(field)) errors.push({ field: `fields.${i}`, code: 'invalid_value', params: { allowed: allowed.join(', ') } });
    else if (!allowed.includes(field as ExportField)) errors.push({ field: `fields.${i}`, code: 'field_not_for_purpose', params: { value: field } });
    else if (!visible.has(POLICY_FIELD[field as ExportField])) errors.push({ field: `fields.${i}`, code: 'field_not_allowed', params: { value: field } });
    else fields.push(field as ExportField);
  });
  if (fields.length === 0 && errors.length === 0) errors.push({ field: 'fields', code: 'required' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, fields: EXPORT_FIELDS.filter((f) => fields.includes(f)) };
}

/** Personal fields among these (the ones that make an export dangerous). */
export function personalFields(fields: readonly ExportField[]): ExportField[] {
  return fields.filter((f) => f === 'givenName' || f === 'familyName' || f === 'phone' || f === 'nationalId' || f === 'birthDate' || f === 'sex');
}

/** Column headers of an export: the field names, with consent split in three (as an import reads them). */
export function exportColumns(fields: readonly ExportField[]): string[] {
  return fields.flatMap((f) => (f === 'consent' ? ['consent', 'consentVersion', 'consentLanguage'] : [f]));
}

/** An age (age-encryption.org/v1) X25519 recipient: "age1" and 58 Bech32 characters. */
export function isAgeRecipient(value: string): boolean {
  return /^age1[023456789acdefghjklmnpqrstuvwxyz]{58}$/.test(value);
}
