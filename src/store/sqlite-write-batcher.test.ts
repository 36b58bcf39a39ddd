import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openSqlite, type Database } from './database.ts';
import { SqliteWriteBatcher } from './sqlite-write-batcher.ts';

describe('SQLite group commit', () => {
  let dir: string;
  let database: Database;
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open() {
    dir = mkdtempSync(join(tmpdir(), 'muster-batch-'));
    database = openSqlite(join(dir, 'muster.db'));
    await migrate(database);
    return database;
  }

  const setting = (key: string) => ({ key, value: 'v', updated_at: '2026-01-01T00:00:00.000Z' });

  it('commits concurrent writes together while a failing write undoes only itself', async () => {
    const db = await open();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        db.write(async (trx) => {
          await trx.insertInto('settings').values(setting(`k${i}`)).execute();
          if (i % 10 === 3) {
            // A second insert of the same key violates the primary key: this write fails as a whole.
            await trx.insertInto('settings').values(setting(`k${i}`)).execute();
          }
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(20);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(180);
    const keys = (await db.db.selectFrom('settings').select('key').execute()).map((r) => r.key);
    expect(keys).toHaveLength(180);
    expect(keys).not.toContain('k3');
    expect(keys).toContain('k4');
  });

  it('undoes a failing write alone in its transaction, with its own error, and goes on', async () => {
    const db = await open();
    await db.write(async (trx) => {
      await trx.insertInto('settings').values(setting('before')).execute();
    });
    await expect(
      db.write(async (trx) => {
        await trx.insertInto('settings').values(setting('undone')).execute();
        await trx.insertInto('settings').values(setting('undone-too')).execute();
        throw new Error('refused by the write itself');
      }),
    ).rejects.toThrow('refused by the write itself');
    await db.write(async (trx) => {
      await trx.insertInto('settings').values(setting('after')).execute();
    });
    const keys = (await db.db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);
    expect(keys).toEqual(['after', 'before']);
  });

  it('acknowledges a write only once it is committed: another connection sees it', async () => {
    const db = await open();
    const other = new BetterSqlite3(join(dir, 'muster.db'), { readonly: true });
    try {
      const pending = db.write(async (trx) => {
        await trx.insertInto('settings').values(setting('durable')).execute();
      });
      expect(other.prepare("select count(*) as n from settings where key = 'durable'").get()).toEqual({ n: 0 });
      await pending;
      expect(other.prepare("select count(*) as n from settings where key = 'durable'").get()).toEqual({ n: 1 });
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('runs writes in the order they were asked for', async () => {
    const db = await open();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.write(async () => {
          order.push(i);
          return Promise.resolve();
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('acknowledges nothing before the log is on disk, and fails the batch when the fsync fails', async () => {
    const db = await open();
    let release: () => void = () => undefined;
    let syncs = 0;
    const batcher = new SqliteWriteBatcher(db.db, () => {
      syncs += 1;
      return syncs === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.reject(new Error('EIO: disk failed'));
    });
    let settled = false;
    const first = batcher.write(async (trx) => {
      await trx.insertInto('settings').values(setting('a')).execute();
    });
    void first.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(syncs).toBe(1);
    expect(settled).toBe(false);
    release();
    await first;
    expect(settled).toBe(true);
    await expect(batcher.write(() => Promise.resolve(1))).rejects.toThrow('EIO');
  });

  it('syncs the real write-ahead log file', async () => {
    const db = await open();
    await db.write(async (trx) => {
      await trx.insertInto('settings').values(setting('x')).execute();
    });
    const { createWalSyncer } = await import('./wal-syncer.ts');
    await expect(createWalSyncer(join(dir, 'muster.db'))()).resolves.toBeUndefined();
    await expect(createWalSyncer(join(dir, 'missing.db'))()).rejects.toThrow(/ENOENT/);
  });
});
