import type { Kysely } from 'kysely';
import type { MusterSchema } from './schema.ts';
import type { StaffSessionsTable } from './schema-staff.ts';

type Executor = Kysely<MusterSchema>;

/** Staff sessions, kept by the SHA-256 of their id. */
export const sessionStore = {
  async insert(db: Executor, session: StaffSessionsTable): Promise<void> {
    await db.insertInto('staff_sessions').values(session).execute();
  },

  async find(db: Executor, idHash: string): Promise<StaffSessionsTable | null> {
    return (await db.selectFrom('staff_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()) ?? null;
  },

  async touch(db: Executor, idHash: string, now: string): Promise<void> {
    await db.updateTable('staff_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  },

  async revoke(db: Executor, idHash: string, now: string): Promise<void> {
    await db.updateTable('staff_sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
  },

  /** Ends every session of a user (disabled, password changed, second factor reset). */
  async revokeAllOf(db: Executor, userId: string, now: string): Promise<number> {
    const result = await db.updateTable('staff_sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
};

/** Failed sign-in attempts, for lock-outs. */
export const authFailureStore = {
  async record(db: Executor, failure: { id: string; username: string; ip: string; at: string }): Promise<void> {
    await db.insertInto('auth_failures').values(failure).execute();
  },

  async since(db: Executor, username: string, since: string): Promise<string[]> {
    const rows = await db.selectFrom('auth_failures').select('at').where('username', '=', username).where('at', '>=', since).orderBy('at').execute();
    return rows.map((r) => r.at);
  },
};
