import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { migrate, pendingMigrations } from '../src/store/database.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

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
});
