import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../crypto/field-cipher.ts';
import { keyringFromMasters } from '../crypto/keyring.ts';
import {
  decodePersonal,
  encodePersonal,
  isLegacyRow,
  openField,
  openPersonal,
  PERSONAL_FIELDS,
  personalColumns,
  personalKeysFrom,
  sealPersonal,
  type PersonalFields,
} from './personal-fields.ts';
import { legacyPersonalColumns } from '../../test/helpers/legacy-personal.ts';

const keyring = keyringFromMasters([Buffer.alloc(32, 7)], Buffer.alloc(32, 8));
const cipher = createFieldCipher(keyring);
const ID = '0190f3a2-7c4b-7d1e-9a3f-1b2c3d4e5f60';
const OTHER = '0190f3a2-7c4b-7d1e-9a3f-1b2c3d4e5f61';
const AICHATOU: PersonalFields = { givenName: 'Aïchatou', familyName: 'Ɗan Kano', phone: '+22790123456', nationalId: null, birthDate: '1990-04-02' };

/** A row as written before migration 0008: one ciphertext per field. */
const legacyRow = (id: string, f: PersonalFields) => legacyPersonalColumns(cipher, id, f);

const fieldValue = fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: null });
const anyFields = fc.record({ givenName: fieldValue, familyName: fieldValue, phone: fieldValue, nationalId: fieldValue, birthDate: fieldValue });

describe('the layout of sealed personal fields', () => {
  it('round-trips any values, keeping null apart from the empty string', () => {
    fc.assert(
      fc.property(anyFields, (f) => {
        expect(decodePersonal(encodePersonal(f))).toEqual(f);
      }),
    );
    const empty = { givenName: '', familyName: null, phone: '', nationalId: null, birthDate: '' };
    expect(decodePersonal(encodePersonal(empty))).toEqual(empty);
  });

  it('is compact: a version byte and one length byte per field besides the text', () => {
    const bytes = encodePersonal(AICHATOU);
    const text = Buffer.byteLength('Aïchatou') + Buffer.byteLength('Ɗan Kano') + Buffer.byteLength('+22790123456') + Buffer.byteLength('1990-04-02');
    expect(bytes.length).toBe(1 + 5 + text);
    expect(bytes[0]).toBe(1);
  });

  it('writes lengths of 128 bytes and more on several bytes', () => {
    const long = { ...AICHATOU, givenName: 'x'.repeat(300) };
    expect(decodePersonal(encodePersonal(long))).toEqual(long);
  });

  it('turns only the wanted fields into text', () => {
    expect(decodePersonal(encodePersonal(AICHATOU), ['phone'])).toEqual({ givenName: null, familyName: null, phone: '+22790123456', nationalId: null, birthDate: null });
  });

  it('refuses an unknown version, a truncated layout and trailing bytes', () => {
    const bytes = encodePersonal(AICHATOU);
    const otherVersion = Buffer.from(bytes);
    otherVersion[0] = 2;
    expect(() => decodePersonal(otherVersion)).toThrow(/unknown layout/);
    expect(() => decodePersonal(bytes.subarray(0, bytes.length - 1))).toThrow(/corrupt/);
    expect(() => decodePersonal(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/corrupt/);
    expect(() => decodePersonal(Buffer.alloc(0))).toThrow(/unknown layout/);
  });
});

describe('sealing a person', () => {
  it('round-trips through one ciphertext bound to the record', () => {
    const sealed = sealPersonal(cipher, ID, AICHATOU);
    expect(sealed.startsWith(`${cipher.currentKeyId}.`)).toBe(true);
    expect(openPersonal(cipher, { id: ID, personal_enc: sealed })).toEqual(AICHATOU);
    expect(sealed).not.toContain('Aïchatou');
  });

  it('does not open in another row: a blob copied elsewhere fails instead of showing the wrong person', () => {
    const sealed = sealPersonal(cipher, ID, AICHATOU);
    expect(() => openPersonal(cipher, { id: OTHER, personal_enc: sealed })).toThrow();
    // Nor as a per-field ciphertext of the same row.
    expect(() => cipher.decrypt(sealed, `volunteers.phone:${ID}`)).toThrow();
  });

  it('does not open when one byte is changed', () => {
    const sealed = sealPersonal(cipher, ID, AICHATOU);
    const dot = sealed.indexOf('.');
    const body = Buffer.from(sealed.slice(dot + 1), 'base64url');
    body[20] = (body[20] ?? 0) ^ 1;
    expect(() => openPersonal(cipher, { id: ID, personal_enc: `${sealed.slice(0, dot)}.${body.toString('base64url')}` })).toThrow();
  });

  it('opens with the data keys alone (what export workers hold)', () => {
    const sealed = sealPersonal(cipher, ID, AICHATOU);
    const worker = personalKeysFrom(keyring.dataKeys);
    expect(openPersonal(worker, { id: ID, personal_enc: sealed }, ['givenName', 'phone'])).toEqual({ ...AICHATOU, familyName: null, birthDate: null });
    expect(() => openPersonal(personalKeysFrom(keyringFromMasters([Buffer.alloc(32, 9)], Buffer.alloc(32, 8)).dataKeys), { id: ID, personal_enc: sealed })).toThrow(/no key/);
  });
});

describe('rows written before migration 0008', () => {
  it('read the same as sealed rows, field by field', () => {
    const legacy = legacyRow(ID, AICHATOU);
    expect(isLegacyRow(legacy)).toBe(true);
    expect(openPersonal(cipher, legacy)).toEqual(AICHATOU);
    expect(openPersonal(cipher, legacy, ['familyName'])).toEqual({ givenName: null, familyName: 'Ɗan Kano', phone: null, nationalId: null, birthDate: null });
    expect(openField(cipher, legacy, 'phone')).toBe('+22790123456');
    const sealed = { id: ID, personal_enc: sealPersonal(cipher, ID, AICHATOU) };
    expect(isLegacyRow(sealed)).toBe(false);
    for (const field of PERSONAL_FIELDS) expect(openPersonal(cipher, sealed, [field])[field]).toBe(openPersonal(cipher, legacy, [field])[field]);
  });

  it('decrypt only the wanted fields', () => {
    const calls: string[] = [];
    const counting = { decrypt: (s: string, c: string) => (calls.push(c), cipher.decrypt(s, c)), decryptBytes: (s: string, c: string) => cipher.decryptBytes(s, c) };
    openPersonal(counting, legacyRow(ID, AICHATOU), ['phone']);
    expect(calls).toEqual([`volunteers.phone:${ID}`]);
  });

  it('refuse a field ciphertext moved to another row', () => {
    const moved = { ...legacyRow(OTHER, AICHATOU), phone_enc: legacyRow(ID, AICHATOU).phone_enc };
    expect(() => openPersonal(cipher, moved)).toThrow();
  });

  it('an erased row (nothing stored) opens to nulls, and openField says what is missing', () => {
    const erased = { id: ID, personal_enc: null, given_name_enc: null, family_name_enc: null, phone_enc: null, national_id_enc: null, birth_date_enc: null };
    expect(isLegacyRow(erased)).toBe(false);
    expect(openPersonal(cipher, erased)).toEqual({ givenName: null, familyName: null, phone: null, nationalId: null, birthDate: null });
    expect(() => openField(cipher, erased, 'phone')).toThrow(/has no phone/);
  });

  it('are read from the sealed column and the legacy columns of the wanted fields only', () => {
    expect(personalColumns(['phone'])).toEqual(['personal_enc', 'phone_enc']);
    expect(personalColumns()).toEqual(['personal_enc', 'given_name_enc', 'family_name_enc', 'phone_enc', 'national_id_enc', 'birth_date_enc']);
  });
});
