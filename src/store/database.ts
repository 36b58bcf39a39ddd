import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import type { MusterSchema } from './schema.ts';
import { SqliteWriteBatcher } from './sqlite-write-batcher.ts';
import { cachingSqliteDatabase } from './sqlite-statement-cache.ts';
import { startSqliteCheckpointer } from './sqlite-checkpointer.ts';
import { createWalSyncer } from './wal-syncer.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The database, whichever it is. Reads go through `db`; every change goes through `write`, which
 * runs the work in a transaction (on SQLite, shared with concurrent writes: group commit) and
 * settles only once the change is on disk.
 */
export interface Database {
  dialect: Dialect;
  db: Kysely<MusterSchema>;
  write<T>(work: (trx: Transaction<MusterSchema>) => Promise<T>): Promise<T>;
  /** Where the data are, for messages (a file path or a URL without password). */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://... to use PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
}

export function openDatabase(options: OpenOptions): Database {
  if (options.databaseUrl && /^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  }
  if (options.databaseUrl) throw new Error(`DATABASE_URL must start with postgres:// (got "${redactUrl(options.databaseUrl)}")`);
  mkdirSync(options.dataDir, { recursive: true });
  return openSqlite(join(resolve(options.dataDir), 'muster.db'));
}

export function openSqlite(file: string): Database {
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  // Registration points lose power: an acknowledged write must be on disk. NORMAL lets COMMIT skip the
  // fsync, which the write batcher then does off the main thread before acknowledging (wal-syncer.ts).
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -262144');
  raw.pragma('temp_store = MEMORY');
  // Checkpoints run on their own thread (sqlite-checkpointer.ts), never inside a request's COMMIT.
  raw.pragma('wal_autocheckpoint = 0');
  const checkpointer = startSqliteCheckpointer(file);
  const db = new Kysely<MusterSchema>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(raw) }) });
  const batcher = new SqliteWriteBatcher(db, createWalSyncer(file), () => checkpointer.gate());
  return {
    dialect: 'sqlite',
    db,
    location: file,
    write: (work) => batcher.write(work),
    close: async () => {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

export function openPostgres(url: string, poolSize: number): Database {
  // Times are stored as text and counts come back as numbers, not strings.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, failover) must not bring the process down: the
  // pool replaces it on next use, and queries in flight fail with their own error.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL connection lost: ${error.message}`);
  });
  const db = new Kysely<MusterSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    location: redactUrl(url),
    write: (work) => db.transaction().execute(work),
    close: () => db.destroy(),
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export class NewerDatabaseError extends Error {}

/**
 * Applies pending migrations. Refuses a database that a newer Muster has migrated: running old code
 * on a newer schema could corrupt what is stored.
 */
export async function migrate(database: Database, upTo?: string): Promise<string[]> {
  await assertNotNewer(database);
  const migrator = musterMigrator(database);
  // `upTo`: the last migration to apply (tests build a database as an older Muster left it).
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function musterMigrator(database: Database): Migrator {
  return new Migrator({ db: database.db, provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) } });
}

async function assertNotNewer(database: Database): Promise<void> {
  let applied: string[];
  try {
    const result = await sql<{ name: string }>`select name from kysely_migration`.execute(database.db);
    applied = result.rows.map((r) => r.name);
  } catch {
    return; // a fresh database has no migration table yet
  }
  const unknown = applied.filter((name) => !(name in MIGRATIONS));
  if (unknown.length > 0) {
    throw new NewerDatabaseError(
      `${database.location} was migrated by a newer version of Muster (unknown migrations: ${unknown.join(', ')}). ` +
        'Upgrade Muster instead of running this version on it.',
    );
  }
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  await assertNotNewer(database);
  const all = await musterMigrator(database).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
