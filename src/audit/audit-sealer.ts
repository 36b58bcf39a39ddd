import { PostgresAdapter } from 'kysely';
import type { Database } from '../store/database.ts';
import { appendAudit } from '../store/audit-store.ts';

/**
 * Moves pending audit entries into the hash chain, oldest first, and removes them from the pending
 * table, in one transaction: an entry is either pending or sealed, never both, never neither. Several
 * processes may seal at once on PostgreSQL: each row is claimed by one (SKIP LOCKED), and appends to
 * the chain are serialised by appendAudit's lock.
 */
export async function sealPendingAudit(database: Database, batchSize = 500): Promise<number> {
  return database.write(async (trx) => {
    let query = trx.selectFrom('audit_pending').selectAll().orderBy('id').limit(batchSize);
    if (trx.getExecutor().adapter instanceof PostgresAdapter) query = query.forUpdate().skipLocked();
    const pending = await query.execute();
    for (const row of pending) {
      await appendAudit(trx, {
        at: row.at,
        actor: row.actor,
        action: row.action,
        details: JSON.parse(row.details) as Record<string, unknown>,
        ip: row.ip,
        deviceTime: row.device_time,
      });
    }
    if (pending.length > 0) {
      await trx.deleteFrom('audit_pending').where('id', 'in', pending.map((r) => r.id)).execute();
    }
    return pending.length;
  });
}

/** Seals until nothing is pending (the command line, tests, shutdown). */
export async function sealAllPendingAudit(database: Database): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await sealPendingAudit(database);
    total += sealed;
    if (sealed === 0) return total;
  }
}
