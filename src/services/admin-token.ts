import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../store/database.ts';

const SETTING = 'admin_token_sha256';

/**
 * The bootstrap admin token protects staff routes until staff accounts exist. Only its SHA-256 is
 * stored; issuing a new one revokes the previous one.
 */
export async function issueAdminToken(database: Database, now: Date): Promise<string> {
  const token = `mst_${randomBytes(32).toString('base64url')}`;
  const value = sha256(token);
  await database.write(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: SETTING, value, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now.toISOString() }))
      .execute();
  });
  return token;
}

/** Checks a presented token; the stored hash is cached briefly so that checks cost no query. */
export function createAdminTokenVerifier(database: Database, cacheMs = 5000) {
  let cached: { hash: Buffer | null; at: number } | null = null;
  return async (presented: string): Promise<boolean> => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const row = await database.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
      cached = { hash: row ? Buffer.from(row.value, 'hex') : null, at: Date.now() };
    }
    if (!cached.hash) return false;
    return timingSafeEqual(Buffer.from(sha256(presented), 'hex'), cached.hash);
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
