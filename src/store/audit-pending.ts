import type { Kysely } from 'kysely';
import type { AuditEntryInput } from './audit-store.ts';
import { uuidv7 } from './ids.ts';
import type { MusterSchema } from './schema.ts';

/** An audit entry as recorded by an action: the same shape as what the chain seals. */
export type AuditInput = AuditEntryInput;

/**
 * Records an audit entry inside the caller's transaction, so the entry exists if and only if the
 * action happened. Entries wait in `audit_pending` (no lock, so business transactions never queue
 * behind each other) until the sealer chains them into `audit_log`.
 */
export async function recordAudit(db: Kysely<MusterSchema>, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit_pending')
    .values({
      id: uuidv7(Date.parse(entry.at) || Date.now()),
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      details: JSON.stringify(entry.details),
      ip: entry.ip ?? null,
      device_time: entry.deviceTime ?? null,
    })
    .execute();
}
