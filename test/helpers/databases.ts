import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app/app-context.ts';

/**
 * Runs a suite on SQLite and on PostgreSQL. PostgreSQL tests skip with a message when no server is
 * reachable, unless MUSTER_REQUIRE_PG=1 (as in CI), where an unreachable server is a failure.
 */
export const PG_ADMIN_URL = process.env.MUSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
export const FIXED_NOW = new Date('2026-06-15T10:00:00.000Z');

async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await postgresReachable();
if (pgProblem !== null) {
  if (process.env.MUSTER_REQUIRE_PG === '1') {
    throw new Error(`PostgreSQL is required (MUSTER_REQUIRE_PG=1) but ${PG_ADMIN_URL} is not reachable: ${pgProblem}`);
  }
  console.warn(`PostgreSQL not reachable at ${PG_ADMIN_URL} (${pgProblem}): PostgreSQL tests are skipped. Set MUSTER_REQUIRE_PG=1 to make this a failure.`);
}
export const postgresAvailable = pgProblem === null;

export interface TestDatabase {
  /** A fresh, migrated application on an empty database. */
  open(options?: { clock?: () => Date; migrate?: boolean }): Promise<AppContext>;
  /** Removes everything `open` created. */
  cleanup(): Promise<void>;
  dataDir: string;
  url?: string;
}

export function sqliteTestDatabase(): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-test-'));
  const opened: AppContext[] = [];
  return {
    dataDir,
    async open(options = {}) {
      const ctx = await openAppContext({ dataDir, envKey: TEST_KEY, clock: options.clock ?? (() => FIXED_NOW), migrate: options.migrate ?? true });
      opened.push(ctx);
      return ctx;
    },
    async cleanup() {
      for (const ctx of opened) await ctx.database.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function postgresTestDatabase(): Promise<TestDatabase> {
  const name = `muster_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-test-pg-'));
  const opened: AppContext[] = [];
  return {
    dataDir,
    url: url.toString(),
    async open(options = {}) {
      const ctx = await openAppContext({
        dataDir,
        databaseUrl: url.toString(),
        envKey: TEST_KEY,
        clock: options.clock ?? (() => FIXED_NOW),
        migrate: options.migrate ?? true,
        poolSize: 4,
      });
      opened.push(ctx);
      return ctx;
    },
    async cleanup() {
      for (const ctx of opened) await ctx.database.close().catch(() => undefined);
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      // Pools close their connections asynchronously: wait for them rather than kill them.
      for (let attempt = 0; ; attempt++) {
        try {
          await client.query(`drop database if exists ${name}`);
          break;
        } catch (error) {
          if (attempt >= 50 || !/being accessed by other users/.test((error as Error).message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Declares the same suite once per database; `factory` gives each test file a fresh database. */
export function describeEachDatabase(title: string, suite: (factory: () => Promise<TestDatabase>) => void): void {
  describe(`${title} [sqlite]`, () => suite(() => Promise.resolve(sqliteTestDatabase())));
  describe.skipIf(!postgresAvailable)(`${title} [postgres]`, () => suite(() => postgresTestDatabase()));
}
