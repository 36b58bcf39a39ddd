import type { FieldCipher } from '../crypto/field-cipher.ts';
import { bytesDecrypter, fieldDecrypter } from '../crypto/field-cipher.ts';

/**
 * A volunteer's personal fields are sealed together: one AES-256-GCM ciphertext per person in
 * `volunteers.personal_enc`, bound (AAD) to `volunteers.personal:<id>`, instead of one per field.
 * Every reader of a person then pays one decryption instead of up to five (docs/decisions.md).
 *
 * Rows written before migration 0008 hold one ciphertext per field (`given_name_enc`, ...; AAD
 * `volunteers.<field>:<id>`) and no `personal_enc`; `openPersonal` reads both forms, and
 * `muster reseal` turns the old form into the new one.
 *
 * The plaintext (version 1): one byte 1, then for each field in PERSONAL_FIELDS order an unsigned
 * LEB128 number n and n - 1 bytes of UTF-8 (n = 0: the field is null; n = 1: an empty string).
 */
export const PERSONAL_FIELDS = ['givenName', 'familyName', 'phone', 'nationalId', 'birthDate'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
export type PersonalFields = Record<PersonalField, string | null>;

/** The per-field columns of rows written before migration 0008, and their AAD names. */
export const LEGACY_COLUMNS = {
  givenName: 'given_name_enc',
  familyName: 'family_name_enc',
  phone: 'phone_enc',
  nationalId: 'national_id_enc',
  birthDate: 'birth_date_enc',
} as const satisfies Record<PersonalField, string>;
export type LegacyColumn = (typeof LEGACY_COLUMNS)[PersonalField];
const LEGACY_CONTEXT: Record<PersonalField, string> = {
  givenName: 'given_name',
  familyName: 'family_name',
  phone: 'phone',
  nationalId: 'national_id',
  birthDate: 'birth_date',
};

/** What a reader selects to open a row: the sealed blob, and the per-field columns of older rows. */
export type PersonalColumns = { id: string; personal_enc: string | null } & { [C in LegacyColumn]?: string | null };

/** The columns to select to read `fields` of any row (the legacy ones only for the fields wanted). */
export function personalColumns(fields: readonly PersonalField[] = PERSONAL_FIELDS): Array<'personal_enc' | LegacyColumn> {
  return ['personal_enc', ...fields.map((f) => LEGACY_COLUMNS[f])];
}

/** Every per-field column set to null: what a row holding `personal_enc` has. */
export const NO_LEGACY_FIELDS: { [C in LegacyColumn]: null } = {
  given_name_enc: null,
  family_name_enc: null,
  phone_enc: null,
  national_id_enc: null,
  birth_date_enc: null,
};

const VERSION = 1;

export function personalContext(id: string): string {
  return `volunteers.personal:${id}`;
}

/** The plaintext laid out as described above. */
export function encodePersonal(fields: PersonalFields): Buffer {
  let size = 1;
  const bytes: Array<Buffer | null> = PERSONAL_FIELDS.map((f) => {
    const value = fields[f];
    if (value === null) {
      size += 1;
      return null;
    }
    const b = Buffer.from(value, 'utf8');
    size += varintSize(b.length + 1) + b.length;
    return b;
  });
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  let at = 1;
  for (const b of bytes) {
    at = writeVarint(out, at, b === null ? 0 : b.length + 1);
    if (b !== null) at += b.copy(out, at);
  }
  return out;
}

/** Reads the plaintext back; only `wanted` fields are turned into strings, the others are null. */
export function decodePersonal(plain: Uint8Array, wanted: readonly PersonalField[] = PERSONAL_FIELDS): PersonalFields {
  const buffer = Buffer.isBuffer(plain) ? plain : Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  if (buffer.length === 0 || buffer[0] !== VERSION) throw new Error(`personal fields in an unknown layout (version ${buffer[0] ?? 'none'})`);
  const out: PersonalFields = { givenName: null, familyName: null, phone: null, nationalId: null, birthDate: null };
  const all = wanted === PERSONAL_FIELDS;
  let at = 1;
  for (const field of PERSONAL_FIELDS) {
    let n = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at++];
      if (byte === undefined || shift > 28) throw new Error('corrupt personal fields');
      n += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    if (n === 0) continue;
    const end = at + n - 1;
    if (end > buffer.length) throw new Error('corrupt personal fields');
    if (all || wanted.includes(field)) out[field] = buffer.toString('utf8', at, end);
    at = end;
  }
  if (at !== buffer.length) throw new Error('corrupt personal fields');
  return out;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size += 1;
  }
  return size;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** Seals a person's fields for the row `id`: the value of `personal_enc`. */
export function sealPersonal(cipher: Pick<FieldCipher, 'encryptBytes'>, id: string, fields: PersonalFields): string {
  return cipher.encryptBytes(encodePersonal(fields), personalContext(id));
}

/** What opening needs: decryption only (the main thread's FieldCipher, or a worker's data keys). */
export type PersonalKeys = Pick<FieldCipher, 'decrypt' | 'decryptBytes'>;

/** Decryption from the data keys alone, for worker threads that never hold the index key. */
export function personalKeysFrom(dataKeys: ReadonlyMap<string, Buffer>): PersonalKeys {
  return { decrypt: fieldDecrypter(dataKeys), decryptBytes: bytesDecrypter(dataKeys) };
}

/**
 * The personal fields of a row, whichever form it holds: one decryption of `personal_enc`, or (rows
 * written before migration 0008) one per wanted field of the per-field columns. Only `wanted` fields
 * are returned; the others are null. An empty string stands for a null ciphertext (packed export
 * pages carry nulls that way; a ciphertext is never empty).
 */
export function openPersonal(keys: PersonalKeys, row: PersonalColumns, wanted: readonly PersonalField[] = PERSONAL_FIELDS): PersonalFields {
  if (row.personal_enc !== null && row.personal_enc !== '') {
    return decodePersonal(keys.decryptBytes(row.personal_enc, personalContext(row.id)), wanted);
  }
  const out: PersonalFields = { givenName: null, familyName: null, phone: null, nationalId: null, birthDate: null };
  for (const field of wanted) {
    const sealed = row[LEGACY_COLUMNS[field]];
    if (sealed !== undefined && sealed !== null && sealed !== '') out[field] = keys.decrypt(sealed, `volunteers.${LEGACY_CONTEXT[field]}:${row.id}`);
  }
  return out;
}

/** True when a row still holds its personal fields in the per-field form. */
export function isLegacyRow(row: PersonalColumns): boolean {
  return (row.personal_enc === null || row.personal_enc === '') && Object.values(LEGACY_COLUMNS).some((c) => row[c] !== undefined && row[c] !== null && row[c] !== '');
}

/** One field the row must hold (the phone of someone who has a phone index): an error if it does not. */
export function openField(keys: PersonalKeys, row: PersonalColumns, field: PersonalField): string {
  const value = openPersonal(keys, row, [field])[field];
  if (value === null) throw new Error(`volunteer ${row.id} has no ${field}`);
  return value;
}
