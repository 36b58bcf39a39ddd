import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * Each volunteer's roles and skills also as a word list on the volunteer row (store/word-list.ts:
 * " defense medical "), and in the call-up index: choosing whom to ask then filters on the index entry
 * instead of looking up volunteer_roles for every person of every area asked (a national call-up looked
 * up a million rows to keep the 400,000 of one role). volunteer_roles and volunteer_skills stay the
 * record; the store writes both in the same transaction. The index also holds the birth precision and
 * the languages, so that the people chosen are read from it alone, not from their rows.
 *
 * The lists are filled from those tables here: one statement that rewrites every volunteer row (about
 * 12 s for a million on SQLite; PostgreSQL keeps the old row versions until its next vacuum).
 *
 * On SQLite, `callup_rotation` becomes a WITHOUT ROWID table: the rotation times are read for every
 * candidate of a call-up, and so they are in the key's b-tree itself (one lookup, not the key's index
 * and then the table).
 */
export const migration0010: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema.alterTable('volunteers').addColumn('roles', 'text').execute();
    await db.schema.alterTable('volunteers').addColumn('skills', 'text').execute();
    const list = (table: string, column: string) => {
      const names = sql`t.${sql.ref(column)}, ' ' order by t.${sql.ref(column)}`;
      const joined = postgres ? sql`string_agg(${names})` : sql`group_concat(${names})`;
      return sql`coalesce((select ' ' || ${joined} || ' ' from ${sql.table(table)} t where t.volunteer_id = volunteers.id), ' ')`;
    };
    await sql`update volunteers set roles = ${list('volunteer_roles', 'role')}, skills = ${list('volunteer_skills', 'skill')}`.execute(db);
    await db.schema.dropIndex('volunteers_callup_pick').execute();
    await db.schema
      .createIndex('volunteers_callup_pick')
      .on('volunteers')
      .columns([
        'area', 'status', 'availability', 'consent_version', 'birth_year', 'merged_into', 'phone_hash', 'roles', 'skills',
        'birth_precision', 'consent_language', 'languages', 'id',
      ])
      .execute();
    if (!postgres) {
      await sql`create table callup_rotation_keyed (volunteer_id text primary key not null, last_asked_at text, last_served_at text) without rowid`.execute(db);
      await sql`insert into callup_rotation_keyed (volunteer_id, last_asked_at, last_served_at) select volunteer_id, last_asked_at, last_served_at from callup_rotation`.execute(db);
      await sql`drop table callup_rotation`.execute(db);
      await sql`alter table callup_rotation_keyed rename to callup_rotation`.execute(db);
    }
  },
};
