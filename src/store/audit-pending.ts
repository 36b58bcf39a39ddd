import type { Kysely } from 'kysely';
import type { AuditEntryInput } from './audit-store.ts';
import { uuidv7 } from './ids.ts';
import { precompiledInsert } from './precompiled-insert.ts';
import type { MusterSchema } from './schema.ts';
import type { AuditPendingTable } from './schema-staff.ts';

/** An audit entry as recorded by an action: the same shape as what the chain seals. */
export type AuditInput = AuditEntryInput;

const insertPending = precompiledInsert('audit_pending', ['id', 'at', 'actor', 'action', 'details', 'ip', 'device_time'], { rowsPerStatement: 256 });

function pendingRow(entry: AuditInput): AuditPendingTable {
  return {
    id: uuidv7(Date.parse(entry.at) || Date.now()),
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    details: JSON.stringify(entry.details),
    ip: entry.ip ?? null,
    device_time: entry.deviceTime ?? null,
  };
}

/**
 * Records an audit entry inside the caller's transaction, so the entry exists if and only if the
 * action happened. Entries wait in `audit_pending` (no lock, so business transactions never queue
 * behind each other) until the sealer chains them into `audit_log`.
 */
export async function recordAudit(db: Kysely<MusterSchema>, entry: AuditInput): Promise<void> {
  await db.insertInto('audit_pending').values(pendingRow(entry)).execute();
}

/** `recordAudit` for many entries (one per registration of a batch), several to a statement, in order. */
export async function recordAuditMany(db: Kysely<MusterSchema>, entries: readonly AuditInput[]): Promise<void> {
  await insertPending.run(db, entries.map(pendingRow));
}
