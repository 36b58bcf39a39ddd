import type { Kysely, Migration } from 'kysely';

/** Volunteers, their roles and skills, and a small settings table. */
export const migration0001: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('volunteers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('client_id', 'text', (c) => c.notNull().unique())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('given_name_enc', 'text')
      .addColumn('family_name_enc', 'text')
      .addColumn('phone_enc', 'text')
      .addColumn('national_id_enc', 'text')
      .addColumn('birth_date_enc', 'text')
      .addColumn('phone_hash', 'text', (c) => c.unique())
      .addColumn('national_id_hash', 'text', (c) => c.unique())
      .addColumn('birth_year', 'integer')
      .addColumn('birth_precision', 'text')
      .addColumn('sex', 'text')
      .addColumn('area', 'text', (c) => c.notNull())
      .addColumn('site', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('languages', 'text', (c) => c.notNull())
      .addColumn('availability', 'text', (c) => c.notNull())
      .addColumn('consent_version', 'text', (c) => c.notNull())
      .addColumn('consent_language', 'text', (c) => c.notNull())
      .addColumn('consent_at', 'text', (c) => c.notNull())
      .addColumn('consent_captured_by', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_at', 'text')
      .execute();
    await db.schema.createIndex('volunteers_area_id').on('volunteers').columns(['area', 'id']).execute();
    await db.schema.createIndex('volunteers_created_at').on('volunteers').column('created_at').execute();

    for (const [table, column] of [
      ['volunteer_roles', 'role'],
      ['volunteer_skills', 'skill'],
    ] as const) {
      await db.schema
        .createTable(table)
        .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteers.id').onDelete('cascade'))
        .addColumn(column, 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['volunteer_id', column])
        .execute();
      await db.schema.createIndex(`${table}_${column}`).on(table).columns([column, 'volunteer_id']).execute();
    }

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
