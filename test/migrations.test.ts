import { sql, type Kysely } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { migrate, pendingMigrations, type Database } from '../src/store/database.ts';
import type { MusterSchema, VolunteersTable } from '../src/store/schema.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { wordListMismatches } from './helpers/word-lists.ts';

/** The tables as a Muster before migration 0010 had them: no word lists on the volunteer row. */
type Before0010 = Omit<MusterSchema, 'volunteers'> & { volunteers: Omit<VolunteersTable, 'roles' | 'skills'> };

/** The columns of an index, in order. */
async function indexColumns(database: Database, index: string): Promise<string[]> {
  const rows =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_index_info(${index}) order by seqno`.execute(database.db)
      : await sql<{ name: string }>`
          select a.attname as name from pg_index i
          join pg_class c on c.oid = i.indexrelid
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
          where c.relname = ${index}
          order by array_position(i.indkey::int2[], a.attnum)`.execute(database.db);
  return rows.rows.map((r) => r.name);
}

describeEachDatabase('migrations', (factory) => {
  let testDb: TestDatabase;
  afterAll(async () => testDb.cleanup());

  it('applies every migration once, then has nothing pending, and refuses a database from a newer version', async () => {
    testDb = await factory();
    const ctx = await testDb.open({ migrate: false });
    expect(await pendingMigrations(ctx.database)).toEqual(Object.keys(MIGRATIONS));
    expect(await migrate(ctx.database)).toEqual(Object.keys(MIGRATIONS));
    expect(await migrate(ctx.database)).toEqual([]);
    expect(await pendingMigrations(ctx.database)).toEqual([]);

    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(ctx.database.db);
    await expect(migrate(ctx.database)).rejects.toThrow(/newer version of Muster.*9999-from-the-future/);
    await expect(testDb.open()).rejects.toThrow(/newer version of Muster/);
  });

  it('fills the roles and skills word lists of volunteers registered before migration 0010, and indexes them', async () => {
    const older = await factory();
    try {
      const ctx = await older.open({ migrate: false });
      await migrate(ctx.database, '0009-callup-queue');
      const later = Object.keys(MIGRATIONS).filter((name) => name > '0009-callup-queue');
      expect(later).toContain('0010-callup-pick');
      expect(await pendingMigrations(ctx.database)).toEqual(later);

      // Volunteers as 0009 left them: several roles (written out of order), several skills, neither.
      const at = '2026-01-01T00:00:00.000Z';
      const row = (id: string, status: VolunteersTable['status'] = 'active') => ({
        id,
        reference: `REF-${id}`,
        client_id: `client-${id}`,
        request_hash: `hash-${id}`,
        status,
        area: 'NE008001',
        channel: 'import' as const,
        languages: '["fr"]',
        availability: 'immediate' as const,
        consent_version: '1',
        consent_language: 'fr',
        consent_at: at,
        consent_captured_by: 'test',
        created_at: at,
        updated_at: at,
      });
      const before = ctx.database.db as unknown as Kysely<Before0010>;
      await before.insertInto('volunteers').values([row('v1'), row('v2'), row('v3'), row('v4', 'withdrawn'), row('v5')]).execute();
      const roles: Record<string, string[]> = { v1: ['transport', 'medical', 'defense'], v2: ['medical'], v4: ['logistics'], v5: ['medical', 'communications'] };
      const skills: Record<string, string[]> = { v2: ['nurse', 'doctor', 'midwife'], v4: ['driver'], v5: ['it'] };
      await before.insertInto('volunteer_roles').values(Object.entries(roles).flatMap(([id, names]) => names.map((role) => ({ volunteer_id: id, role })))).execute();
      await before.insertInto('volunteer_skills').values(Object.entries(skills).flatMap(([id, names]) => names.map((skill) => ({ volunteer_id: id, skill })))).execute();

      expect(await migrate(ctx.database)).toEqual(later);
      const lists = await ctx.database.db.selectFrom('volunteers').select(['id', 'roles', 'skills']).orderBy('id').execute();
      expect(lists).toEqual([
        { id: 'v1', roles: ' defense medical transport ', skills: ' ' },
        { id: 'v2', roles: ' medical ', skills: ' doctor midwife nurse ' },
        { id: 'v3', roles: ' ', skills: ' ' },
        // A withdrawn person keeps roles and skills (they identify no one): so do the lists.
        { id: 'v4', roles: ' logistics ', skills: ' driver ' },
        { id: 'v5', roles: ' communications medical ', skills: ' it ' },
      ]);
      expect(await wordListMismatches(ctx.database.db)).toEqual([]);

      const columns = await indexColumns(ctx.database, 'volunteers_callup_pick');
      expect(columns).toEqual(expect.arrayContaining(['area', 'roles', 'skills', 'id']));
    } finally {
      await older.cleanup();
    }
  });
});
