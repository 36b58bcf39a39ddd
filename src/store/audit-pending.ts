import type { Kysely } from 'kysely';
import { uuidv7 } from './ids.ts';
import type { MusterSchema } from './schema.ts';

export interface AuditInput {
  at: string;
  /** Who: "user:<id>", "device:<id>", "self" (the public), "system:<command>". */
  actor: string;
  /** What, as "<object>.<verb>": "volunteer.read", "auth.sign_in_failed", ... */
  action: string;
  /** Which records, filters, counts, reasons. Never personal data: ids, codes and numbers only. */
  details: Record<string, unknown>;
  ip?: string | null;
  deviceTime?: string | null;
}

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
