import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database, Dialect } from '../store/database.ts';
import type { MusterSchema } from '../store/schema.ts';
import { cachingSqliteDatabase } from '../store/sqlite-statement-cache.ts';

export interface RosterConnection {
  dialect: Dialect;
  db: Kysely<MusterSchema>;
  /** SQLite: the same connection, for raw prepared statements (the roster's pages). */
  raw?: BetterSqlite3.Database;
  close: () => Promise<void>;
}

/**
 * Where an export reads the roster. On SQLite: a read-only connection of its own, inside one read
 * transaction (the whole file is one consistent snapshot, whatever registrations arrive meanwhile),
 * with a small page cache: a million-row scan does not grow the memory of the server's connection,
 * whose cache is sized for random writes. On PostgreSQL: the pool (keyset pages).
 */
export async function openRosterConnection(database: Database): Promise<RosterConnection> {
  if (database.dialect !== 'sqlite') return { dialect: database.dialect, db: database.db, close: () => Promise.resolve() };
  const raw = new BetterSqlite3(database.location, { readonly: true, fileMustExist: true });
  raw.pragma('cache_size = -8192');
  raw.pragma('busy_timeout = 10000');
  const db = new Kysely<MusterSchema>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(raw, 32) }) });
  await sql`begin`.execute(db);
  return {
    dialect: 'sqlite',
    db,
    raw,
    close: async () => {
      await sql`commit`.execute(db);
      await db.destroy();
    },
  };
}
