import type { PersonRecord } from '../dedup/person-record.ts';

/** The columns of a volunteer row that deduplication compares, sealed as stored. */
export interface SealedComparableRow {
  id: string;
  given_name_enc: string | null;
  family_name_enc: string | null;
  birth_date_enc: string | null;
  phone_enc: string | null;
  national_id_enc: string | null;
  birth_year: number | null;
  area: string | null;
}

export const COMPARABLE_COLUMNS = ['id', 'given_name_enc', 'family_name_enc', 'birth_date_enc', 'phone_enc', 'national_id_enc', 'birth_year', 'area'] as const;

/**
 * Opens one sealed row into what deduplication compares: the only place that knows how a volunteer's
 * compared fields are sealed (each with the AAD of its column and row). Pure apart from `decrypt`, so
 * that worker threads reading the whole registry (services/dedup/read-registry.ts) run the same code.
 */
export function openComparableRow(row: SealedComparableRow, decrypt: (sealed: string, context: string) => string): PersonRecord {
  const open = (field: 'given_name' | 'family_name' | 'birth_date' | 'phone' | 'national_id', sealed: string | null) =>
    sealed === null ? null : decrypt(sealed, `volunteers.${field}:${row.id}`);
  return {
    id: row.id,
    givenName: open('given_name', row.given_name_enc),
    familyName: open('family_name', row.family_name_enc),
    birthDate: open('birth_date', row.birth_date_enc),
    birthYear: row.birth_year,
    phone: open('phone', row.phone_enc),
    nationalId: open('national_id', row.national_id_enc),
    area: row.area,
  };
}
