import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { ValidRegistration } from '../domain/validate-registration.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import type { Channel } from '../domain/registration-input.ts';
import { NO_LEGACY_FIELDS, openPersonal, sealPersonal } from './personal-fields.ts';
import type { VolunteersTable } from './schema.ts';
import { wordList } from './word-list.ts';

/** What the store needs to write a new volunteer, besides the validated registration. */
export interface NewVolunteer {
  id: string;
  reference: string;
  requestHash: string;
  registration: ValidRegistration;
  channel: Channel;
  capturedBy: string;
  now: string;
}

export function phoneIndex(cipher: FieldCipher, e164: string): string {
  return cipher.blindIndex('phone', e164);
}

export function nationalIdIndex(cipher: FieldCipher, id: string): string {
  return cipher.blindIndex('national_id', id);
}

/** Encrypts the personal fields of a new volunteer and lays it out as a row. */
export function sealVolunteer(cipher: FieldCipher, v: NewVolunteer): VolunteersTable {
  const r = v.registration;
  return {
    id: v.id,
    reference: v.reference,
    client_id: r.clientId,
    request_hash: v.requestHash,
    status: 'active',
    // One ciphertext for the five personal fields (personal-fields.ts); the per-field columns stay null.
    personal_enc: sealPersonal(cipher, v.id, { givenName: r.givenName, familyName: r.familyName, phone: r.phone, nationalId: r.nationalId, birthDate: r.birthDate }),
    ...NO_LEGACY_FIELDS,
    phone_hash: phoneIndex(cipher, r.phone),
    national_id_hash: r.nationalId === null ? null : nationalIdIndex(cipher, r.nationalId),
    birth_year: r.birthYear,
    birth_precision: r.birthPrecision,
    sex: r.sex,
    area: r.area,
    site: r.site,
    channel: v.channel,
    languages: JSON.stringify(r.languages),
    roles: wordList(r.roles),
    skills: wordList(r.skills),
    availability: r.availability,
    consent_version: r.consent.version,
    consent_language: r.consent.language,
    consent_at: r.recordedAt ?? v.now,
    consent_captured_by: v.capturedBy,
    recorded_at: r.recordedAt,
    created_at: v.now,
    updated_at: v.now,
    withdrawn_at: null,
  };
}

/** Decrypts a row back into a volunteer (either form of its personal fields: see personal-fields.ts). */
export function openVolunteer(cipher: FieldCipher, row: VolunteersTable, roles: string[], skills: string[]): Volunteer {
  const personal = openPersonal(cipher, row);
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    givenName: personal.givenName,
    familyName: personal.familyName,
    sex: row.sex,
    birthDate: personal.birthDate,
    birthYear: row.birth_year,
    birthPrecision: row.birth_precision,
    phone: personal.phone,
    nationalId: personal.nationalId,
    area: row.area,
    site: row.site,
    channel: row.channel,
    roles,
    skills,
    languages: JSON.parse(row.languages) as string[],
    availability: row.availability,
    consent: { version: row.consent_version, language: row.consent_language, at: row.consent_at, capturedBy: row.consent_captured_by },
    recordedAt: row.recorded_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    withdrawnAt: row.withdrawn_at,
  };
}
