import type { FieldCipher } from '../../src/crypto/field-cipher.ts';
import type { PersonalFields } from '../../src/store/personal-fields.ts';

/**
 * The personal columns of a row as a Muster before migration 0008 wrote them: one ciphertext per field,
 * each bound to `volunteers.<field>:<id>`, and no `personal_enc`. Spelled out here, apart from the
 * reader's own mapping (src/store/personal-fields.ts), so that tests and benchmarks hold the reader to
 * the old format rather than to itself.
 */
export function legacyPersonalColumns(cipher: Pick<FieldCipher, 'encrypt'>, id: string, f: PersonalFields) {
  const seal = (field: string, v: string | null) => (v === null ? null : cipher.encrypt(v, `volunteers.${field}:${id}`));
  return {
    id,
    personal_enc: null,
    given_name_enc: seal('given_name', f.givenName),
    family_name_enc: seal('family_name', f.familyName),
    phone_enc: seal('phone', f.phone),
    national_id_enc: seal('national_id', f.nationalId),
    birth_date_enc: seal('birth_date', f.birthDate),
  };
}
