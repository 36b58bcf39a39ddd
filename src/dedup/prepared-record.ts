import { regionAndDistrict, type AncestorsOf } from './compare/compare-area.ts';
import { parseBirth, type ParsedBirth } from './compare/compare-birth.ts';
import { phoneDigits } from './compare/compare-phone.ts';
import type { NameKeys } from './levels.ts';
import { nameKeys } from './names/name-keys.ts';
import type { PersonRecord } from './person-record.ts';

/** A record with everything comparison and blocking need, computed once. */
export interface PreparedRecord {
  record: PersonRecord;
  given: NameKeys;
  family: NameKeys;
  /** Digits of the phone (empty when none). */
  phoneDigits: string;
  /** Digits of the phone, last 8 (national number without country code). */
  phone8: string | null;
  birth: ParsedBirth | null;
  nationalId: string | null;
  /** The region of the home area, and the level below it (a department): see regionAndDistrict. */
  region: string | null;
  district: string | null;
}

export function prepareRecord(record: PersonRecord, ancestorsOf?: AncestorsOf): PreparedRecord {
  const digits = phoneDigits(record.phone);
  const id = record.nationalId?.replace(/[\s\-./]/g, '').toUpperCase() ?? '';
  const area = record.area;
  const place = area === null ? null : regionAndDistrict(area, ancestorsOf);
  return {
    record,
    given: nameKeys(record.givenName),
    family: nameKeys(record.familyName),
    phoneDigits: digits,
    phone8: digits.length >= 6 ? digits.slice(-8) : null,
    birth: parseBirth(record),
    nationalId: id.length > 0 ? id : null,
    region: place?.region ?? null,
    district: place?.district ?? null,
  };
}
