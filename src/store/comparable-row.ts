import type { PersonRecord } from '../dedup/person-record.ts';
import { openPersonal, personalColumns, type PersonalColumns, type PersonalKeys } from './personal-fields.ts';

/** The columns of a volunteer row that deduplication compares, sealed as stored (either form, see personal-fields.ts). */
export type SealedComparableRow = PersonalColumns & {
  birth_year: number | null;
  area: string | null;
};

export const COMPARABLE_COLUMNS = ['id', ...personalColumns(), 'birth_year', 'area'] as const;

/**
 * Opens one sealed row into what deduplication compares: the only place that turns a stored row into
 * a compared record. Pure apart from the keys, so that worker threads reading the whole registry
 * (services/dedup/read-registry.ts) run the same code as the registration check.
 */
export function openComparableRow(row: SealedComparableRow, keys: PersonalKeys): PersonRecord {
  const personal = openPersonal(keys, row);
  return {
    id: row.id,
    givenName: personal.givenName,
    familyName: personal.familyName,
    birthDate: personal.birthDate,
    birthYear: row.birth_year,
    phone: personal.phone,
    nationalId: personal.nationalId,
    area: row.area,
  };
}
