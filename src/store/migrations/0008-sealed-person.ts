import type { Kysely, Migration } from 'kysely';

/**
 * A volunteer's personal fields sealed together (store/personal-fields.ts): one ciphertext per person
 * instead of one per field. Rows written before keep their per-field columns until `muster reseal`
 * converts them; readers accept both forms.
 */
export const migration0008: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('volunteers').addColumn('personal_enc', 'text').execute();
  },
};
