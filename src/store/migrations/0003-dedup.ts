import type { Kysely, Migration } from 'kysely';

/**
 * Deduplication: blocking keys of every volunteer (keyed hashes, so they reveal no name), the review
 * queue of possible duplicates, and where a merged record went.
 */
export const migration0003: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dedup_keys')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteers.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('dedup_keys_pk', ['key', 'volunteer_id'])
      .execute();
    await db.schema.createIndex('dedup_keys_volunteer').on('dedup_keys').column('volunteer_id').execute();

    await db.schema
      .createTable('dedup_reviews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** The earlier registration of the pair. */
      .addColumn('volunteer_a', 'text', (c) => c.notNull())
      .addColumn('volunteer_b', 'text', (c) => c.notNull())
      .addColumn('probability', 'real', (c) => c.notNull())
      /** JSON: the field-by-field explanation (levels and weights, never the values). */
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      /** Keyed hash of both records' compared fields when the pair was flagged or decided. */
      .addColumn('data_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addUniqueConstraint('dedup_reviews_pair', ['volunteer_a', 'volunteer_b'])
      .execute();
    await db.schema.createIndex('dedup_reviews_status').on('dedup_reviews').columns(['status', 'probability']).execute();

    await db.schema.alterTable('volunteers').addColumn('merged_into', 'text').execute();
  },
};
