import type { Kysely, Migration } from 'kysely';

/**
 * Choosing whom to ask for a call-up in the database (services/callups/callup-candidates.ts): an index
 * that holds, per home area, every column the eligibility filters read (status, availability,
 * consent, birth year, merge, phone blind index) and the id, so that a national call-up scans this
 * index instead of reading a million encrypted rows, and reads the full row only of those it asks.
 */
export const migration0007: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('volunteers_callup_pick')
      .on('volunteers')
      .columns(['area', 'status', 'availability', 'consent_version', 'birth_year', 'merged_into', 'phone_hash', 'id'])
      .execute();
  },
};
