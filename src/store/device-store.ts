import type { Kysely } from 'kysely';
import type { MusterSchema } from './schema.ts';
import type { DevicesTable } from './schema-staff.ts';

type Executor = Kysely<MusterSchema>;

export interface Device {
  id: string;
  name: string;
  site: string;
  offlineDays: number;
  enrolledBy: string;
  createdAt: string;
  enrolledAt: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
  /** "pending" until the one-time code is redeemed. */
  state: 'pending' | 'active' | 'revoked';
}

function open(row: DevicesTable): Device {
  return {
    id: row.id,
    name: row.name,
    site: row.site,
    offlineDays: Number(row.offline_days),
    enrolledBy: row.enrolled_by,
    createdAt: row.created_at,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    state: row.revoked_at ? 'revoked' : row.enrolled_at ? 'active' : 'pending',
  };
}

/** Registration devices (tablets, phones at registration points). Codes and tokens are kept hashed. */
export const deviceStore = {
  async insert(db: Executor, row: DevicesTable): Promise<void> {
    await db.insertInto('devices').values(row).execute();
  },

  async byId(db: Executor, id: string): Promise<Device | null> {
    const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? open(row) : null;
  },

  async list(db: Executor): Promise<Device[]> {
    return (await db.selectFrom('devices').selectAll().orderBy('created_at', 'desc').execute()).map(open);
  },

  /** Redeems a one-time code: sets the token and forgets the code, once. */
  async redeem(db: Executor, codeHash: string, tokenHash: string, now: string): Promise<Device | null> {
    const row = await db
      .selectFrom('devices')
      .selectAll()
      .where('enrolment_code_hash', '=', codeHash)
      .where('revoked_at', 'is', null)
      .where('enrolment_expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return null;
    const result = await db
      .updateTable('devices')
      .set({ token_hash: tokenHash, enrolment_code_hash: null, enrolment_expires_at: null, enrolled_at: now, last_seen_at: now })
      .where('id', '=', row.id)
      .where('enrolment_code_hash', '=', codeHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? open({ ...row, enrolled_at: now }) : null;
  },

  async byToken(db: Executor, tokenHash: string): Promise<Device | null> {
    const row = await db.selectFrom('devices').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? open(row) : null;
  },

  async revoke(db: Executor, id: string, now: string): Promise<boolean> {
    const result = await db
      .updateTable('devices')
      .set({ revoked_at: now, token_hash: null, enrolment_code_hash: null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },
};
