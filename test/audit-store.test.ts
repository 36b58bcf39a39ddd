import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { GENESIS_HASH, verifyChain, type AuditRow } from '../src/audit/audit-chain.ts';
import { appendAudit, readAuditHead, readAuditPage, streamAuditRows } from '../src/store/audit-store.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

async function allRows(ctx: AppContext, pageSize?: number): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for await (const row of streamAuditRows(ctx.database.db, pageSize)) rows.push(row);
  return rows;
}

describeEachDatabase('audit store', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
  });
  afterAll(async () => testDb.cleanup());

  it('starts empty at the genesis hash', async () => {
    expect(await readAuditHead(ctx.database.db)).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it('chains 100 concurrent appends into seqs 1..100 without a break', async () => {
    const appended = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.database.write((trx) =>
          appendAudit(trx, {
            at: new Date(Date.UTC(2026, 5, 15, 10, 0, i)).toISOString(),
            actor: i % 2 === 0 ? 'user:u1' : 'device:d1',
            action: i % 5 === 0 ? 'volunteer.search' : 'volunteer.read',
            details: i % 5 === 0 ? { filters: { area: 'NE001' }, resultCount: i } : { ids: [`v${i}`] },
            ip: i % 3 === 0 ? null : '10.0.0.1',
            deviceTime: i % 7 === 0 ? '2026-06-14T08:00:00.000Z' : null,
          }),
        ),
      ),
    );
    expect(appended.map((a) => a.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Small pages, so that paging by seq is exercised too.
    const rows = await allRows(ctx, 7);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const last = rows.at(-1);
    expect(verifyChain(rows)).toEqual({ ok: true, count: 100, head: last?.hash });
    expect(await readAuditHead(ctx.database.db)).toEqual({ seq: 100, hash: last?.hash });
  });

  it('undoes the entry with the transaction that failed, leaving the chain whole', async () => {
    await expect(
      ctx.database.write(async (trx) => {
        await appendAudit(trx, { at: '2026-06-15T11:00:00.000Z', actor: 'user:u1', action: 'volunteer.export', details: { count: 3 } });
        throw new Error('export failed');
      }),
    ).rejects.toThrow('export failed');
    const entry = await ctx.database.write((trx) =>
      appendAudit(trx, { at: '2026-06-15T11:00:01.000Z', actor: 'user:u1', action: 'volunteer.export', details: { count: 3 } }),
    );
    expect(entry.seq).toBe(101);
    expect(verifyChain(await allRows(ctx))).toMatchObject({ ok: true, count: 101 });
  });

  it('pages through entries by filter with a seq cursor', async () => {
    const first = await readAuditPage(ctx.database.db, { actor: 'device:d1', action: 'volunteer.read', limit: 10 });
    expect(first.entries).toHaveLength(10);
    expect(first.entries.every((e) => e.actor === 'device:d1' && e.action === 'volunteer.read')).toBe(true);
    expect(first.entries[0]?.details).toEqual({ ids: [expect.stringMatching(/^v\d+$/)] });
    expect(first.nextAfterSeq).toBe(first.entries.at(-1)?.seq);
    const second = await readAuditPage(ctx.database.db, { actor: 'device:d1', action: 'volunteer.read', afterSeq: first.nextAfterSeq ?? 0, limit: 1000 });
    expect(second.nextAfterSeq).toBeNull();
    const seqs = [...first.entries, ...second.entries].map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(40); // odd i, not a multiple of 5: 50 - 10

    const window = await readAuditPage(ctx.database.db, { since: '2026-06-15T10:00:10.000Z', until: '2026-06-15T10:00:20.000Z', limit: 100 });
    expect(window.entries.map((e) => e.at)).toHaveLength(10);
  });

  it('refuses UPDATE and DELETE of audit entries', async () => {
    await expect(sql`update audit_log set actor = 'user:someone-else' where seq = 1`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    if (ctx.database.dialect === 'postgres') {
      await expect(sql`truncate audit_log`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
    }
    expect(verifyChain(await allRows(ctx))).toMatchObject({ ok: true, count: 101 });
  });
});
