import type { NameKeys } from './levels.ts';
import { nameKeys } from './names/name-keys.ts';
import type { PersonRecord } from './person-record.ts';

/** A record with everything comparison and blocking need, computed once. */
export interface PreparedRecord {
  record: PersonRecord;
  given: NameKeys;
  family: NameKeys;
  /** Digits of the phone, last 8 (national number without country code). */
  phone8: string | null;
  nationalId: string | null;
}

export function prepareRecord(record: PersonRecord): PreparedRecord {
  const digits = record.phone?.replace(/\D/g, '') ?? '';
  const id = record.nationalId?.replace(/[\s\-./]/g, '').toUpperCase() ?? '';
  return {
    record,
    given: nameKeys(record.givenName),
    family: nameKeys(record.familyName),
    phone8: digits.length >= 6 ? digits.slice(-8) : null,
    nationalId: id.length > 0 ? id : null,
  };
}
