import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { precompiledInsert } from '../src/store/precompiled-insert.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

describeEachDatabase('precompiled multi-row inserts', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
  });
  afterAll(async () => {
    await testDb.cleanup();
  });

  const insert = precompiledInsert('settings', ['key', 'value', 'updated_at'], { rowsPerStatement: 4, skipConflicts: true, returning: 'key' });

  it('stores every row with its own values, in statements of several sizes, and returns only the rows inserted', async () => {
    const first = Array.from({ length: 11 }, (_, i) => ({ key: `pci-${String(i).padStart(2, '0')}`, value: `v${i}`, updated_at: 't' }));
    const inserted = await ctx.database.write((trx) => insert.run(trx, first));
    expect([...(inserted as string[])].sort()).toEqual(first.map((r) => r.key));
    // Again with three of the same keys (skipped, values kept) and two new ones.
    const second = [...first.slice(0, 3).map((r) => ({ ...r, value: 'changed' })), { key: 'pci-20', value: 'x', updated_at: 't' }, { key: 'pci-21', value: 'y', updated_at: 't' }];
    const again = await ctx.database.write((trx) => insert.run(trx, second));
    expect([...(again as string[])].sort()).toEqual(['pci-20', 'pci-21']);
    const stored = await ctx.database.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'pci-%').orderBy('key').execute();
    expect(stored).toEqual([...first, { key: 'pci-20', value: 'x' }, { key: 'pci-21', value: 'y' }].map(({ key, value }) => ({ key, value })));
  });
});
