import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely prepares every statement anew; preparing costs more than running a small insert. This keeps
 * prepared statements by SQL text. A statement still iterating (a streamed read) is never handed out
 * twice: a fresh one is prepared instead.
 */
export function cachingSqliteDatabase(raw: BetterSqlite3.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string): SqliteStatement {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = raw.prepare(text);
      if (!cached) {
        if (cache.size >= capacity) cache.clear();
        cache.set(text, statement);
      }
      return statement;
    },
  };
}
