import { z } from 'zod';
import type { Drive } from '../config/compile-drive.ts';
import type { FieldError } from './field-error.ts';
import { normalizeMobilePhone } from './phone.ts';
import { AVAILABILITIES, type Availability } from './registration-input.ts';
import { zodIssuesToFieldErrors } from './registration-schema.ts';

export const volunteerChangesSchema = z
  .object({
    phone: z.string().max(40).optional(),
    availability: z.enum(AVAILABILITIES).optional(),
    roles: z.array(z.string().max(64)).max(20).optional(),
    skills: z.array(z.string().max(64)).max(30).optional(),
    languages: z.array(z.string().max(8)).max(15).optional(),
  })
  .strict();

export interface ValidChanges {
  phone?: string;
  availability?: Availability;
  roles?: string[];
  skills?: string[];
  languages?: string[];
}

/** The rules for changing a registration: the same as for making one, field by field. */
export function validateVolunteerChanges(raw: unknown, drive: Drive): { ok: true; value: ValidChanges } | { ok: false; errors: FieldError[] } {
  const parsed = volunteerChangesSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, raw) };
  const input = parsed.data;
  const errors: FieldError[] = [];
  const value: ValidChanges = {};
  if (input.phone !== undefined) {
    const phone = normalizeMobilePhone(input.phone, drive.config.phoneRegion);
    if (phone.ok) value.phone = phone.e164;
    else errors.push({ field: 'phone', code: phone.code });
  }
  if (input.availability !== undefined) value.availability = input.availability;
  const checkList = (field: 'roles' | 'skills' | 'languages', known: { has(v: string): boolean }, code: string) => {
    const list = input[field];
    if (list === undefined) return;
    const unique = [...new Set(list.map((v) => v.trim()))];
    // The path gives the position in the request, before duplicates were removed.
    unique.forEach((v) => {
      if (!known.has(v)) errors.push({ field: `${field}.${list.findIndex((x) => x.trim() === v)}`, code, params: { value: v } });
    });
    value[field] = unique;
  };
  checkList('roles', drive.roles, 'unknown_role');
  checkList('skills', drive.skills, 'unknown_skill');
  checkList('languages', drive.spokenLanguages, 'unknown_language');
  if (value.roles?.length === 0) errors.push({ field: 'roles', code: 'roles_required' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
