import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { ValidRegistration } from '../domain/validate-registration.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import type { Channel } from '../domain/registration-input.ts';
import type { VolunteersTable } from './schema.ts';

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

type PersonalField = 'given_name' | 'family_name' | 'phone' | 'national_id' | 'birth_date';

/** The ciphertext of a field is bound to its column and row: copied elsewhere, it fails to decrypt. */
function context(field: PersonalField, id: string): string {
  return `volunteers.${field}:${id}`;
}

export function phoneIndex(cipher: FieldCipher, e164: string): string {
  return cipher.blindIndex('phone', e164);
}

export function nationalIdIndex(cipher: FieldCipher, id: string): string {
  return cipher.blindIndex('national_id', id);
}

export function sealField(cipher: FieldCipher, field: PersonalField, id: string, value: string | null): string | null {
  return value === null ? null : cipher.encrypt(value, context(field, id));
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
    given_name_enc: sealField(cipher, 'given_name', v.id, r.givenName),
    family_name_enc: sealField(cipher, 'family_name', v.id, r.familyName),
    phone_enc: sealField(cipher, 'phone', v.id, r.phone),
    national_id_enc: sealField(cipher, 'national_id', v.id, r.nationalId),
    birth_date_enc: sealField(cipher, 'birth_date', v.id, r.birthDate),
    phone_hash: phoneIndex(cipher, r.phone),
    national_id_hash: r.nationalId === null ? null : nationalIdIndex(cipher, r.nationalId),
    birth_year: r.birthYear,
    birth_precision: r.birthPrecision,
    sex: r.sex,
    area: r.area,
    site: r.site,
    channel: v.channel,
    languages: JSON.stringify(r.languages),
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

/** Decrypts a row back into a volunteer. */
export function openVolunteer(cipher: FieldCipher, row: VolunteersTable, roles: string[], skills: string[]): Volunteer {
  const open = (field: PersonalField, sealed: string | null) => (sealed === null ? null : cipher.decrypt(sealed, context(field, row.id)));
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    givenName: open('given_name', row.given_name_enc),
    familyName: open('family_name', row.family_name_enc),
    sex: row.sex,
    birthDate: open('birth_date', row.birth_date_enc),
    birthYear: row.birth_year,
    birthPrecision: row.birth_precision,
    phone: open('phone', row.phone_enc),
    nationalId: open('national_id', row.national_id_enc),
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
