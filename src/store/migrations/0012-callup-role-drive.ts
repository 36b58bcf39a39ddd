import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

/**
 * Choosing whom to ask for a large call-up on SQLite (services/callups/callup-candidates.ts): the
 * selection walks the volunteers of the need's role (`volunteer_roles_role`, in id order) and reads
 * each one's eligibility columns from this index, keyed by id, instead of walking every volunteer of
 * the call-up's areas (`volunteers_callup_pick`) and looking up the role of each. The lookups go in id
 * order, so each index page is read once, and a national call-up reads the ~40% of the registry that
 * has the role instead of all of it. PostgreSQL hashes the role set and does not use such an index.
 */
export const migration0012: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) return;
    await db.schema
      .createIndex('volunteers_callup_by_id')
      .on('volunteers')
      .columns(['id', 'area', 'status', 'availability', 'consent_version', 'birth_year', 'merged_into', 'phone_hash'])
      .execute();
  },
};
