import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { bulkRegister } from '../src/services/bulk-register.ts';
import { readComparableRegistry } from '../src/services/dedup/read-registry.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

describeEachDatabase('reading the registry for muster dedup', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let created = 0;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    const items = Array.from({ length: 40 }, (_, k) => ({
      input: registration({ phone: nextPhone(), ...(k % 5 === 0 ? { nationalId: `NE-${100000 + k}` } : {}), ...(k % 7 === 0 ? { birthDate: undefined, birthYear: 1950 + k } : {}) }),
      channel: 'import' as const,
    }));
    created = (await bulkRegister(ctx, items, 'system:test')).created;
    expect(created).toBeGreaterThan(30);
  });
  afterAll(async () => {
    await testDb.cleanup();
  });

  it('gives, on worker threads, the records the inline reading and the registration check give, in id order', async () => {
    const ids = (await ctx.database.db.selectFrom('volunteers').select('id').where('status', '=', 'active').orderBy('id').execute()).map((r) => r.id);
    const byCheck = await ctx.volunteers.comparable(ctx.database.db, ids);
    const expected = ids.map((id) => byCheck.find((r) => r.id === id));
    expect(expected.filter((r) => r?.nationalId).length).toBeGreaterThan(0);
    const inline = await readComparableRegistry(ctx, { threads: 0, pageSize: 6 });
    const progress: number[] = [];
    const threaded = await readComparableRegistry(ctx, { threads: 2, pageSize: 6, onProgress: (done) => progress.push(done) });
    expect(inline).toEqual(expected);
    expect(threaded).toEqual(expected);
    expect(threaded).toHaveLength(created);
    expect(progress.at(-1)).toBe(created);
  });

  it('fails with a clear error on a row that cannot be opened, and leaves it as it was', async () => {
    const victim = await ctx.database.db.selectFrom('volunteers').select(['id', 'personal_enc']).orderBy('id').limit(1).offset(20).executeTakeFirstOrThrow();
    expect(victim.personal_enc).not.toBeNull();
    // Another row's ciphertext: authentic, but bound to the other row.
    const other = await ctx.database.db.selectFrom('volunteers').select('personal_enc').orderBy('id').limit(1).executeTakeFirstOrThrow();
    await ctx.database.write((trx) => trx.updateTable('volunteers').set({ personal_enc: other.personal_enc }).where('id', '=', victim.id).execute());
    try {
      await expect(readComparableRegistry(ctx, { threads: 2, pageSize: 6 })).rejects.toThrow(/reading the registry/);
      await expect(readComparableRegistry(ctx, { threads: 0, pageSize: 6 })).rejects.toThrow();
    } finally {
      await ctx.database.write((trx) => trx.updateTable('volunteers').set({ personal_enc: victim.personal_enc }).where('id', '=', victim.id).execute());
    }
    expect((await readComparableRegistry(ctx, { threads: 2, pageSize: 6 })).length).toBe(created);
  });
});
