import type { Channel } from '../domain/registration-input.ts';
import { indexDuplicateKeys, personRecordOf } from './dedup/flag-duplicates.ts';
import type { FieldError } from '../domain/field-error.ts';
import { validateRegistration } from '../domain/validate-registration.ts';
import { recordAudit } from '../store/audit-pending.ts';
import { newReference, uuidv7 } from '../store/ids.ts';
import type { NewVolunteer } from '../store/volunteer-rows.ts';
import { requestFingerprint, type RegisterDeps } from './register-volunteer.ts';

export interface BulkItem {
  input: unknown;
  channel: Channel;
}

export interface BulkResult {
  created: number;
  /** Collided with an existing registration (same client id, phone or ID number). */
  existing: number;
  refused: Array<{ index: number; errors: FieldError[] }>;
}

/**
 * Registers many volunteers in one transaction, by the same rules as `registerVolunteer` but without
 * one round trip per person: for synthetic demo data and large batches. Collisions with existing
 * registrations are skipped, never overwritten.
 */
export async function bulkRegister(deps: RegisterDeps, items: readonly BulkItem[], capturedBy: string): Promise<BulkResult> {
  const now = deps.clock();
  const refused: BulkResult['refused'] = [];
  const rows: NewVolunteer[] = [];
  items.forEach((item, index) => {
    const check = validateRegistration(item.input, deps.drive, { now, channel: item.channel });
    if (!check.ok) {
      refused.push({ index, errors: check.errors });
      return;
    }
    rows.push({
      id: uuidv7(now.getTime()),
      reference: newReference(),
      requestHash: requestFingerprint(deps.cipher, check.value),
      registration: check.value,
      channel: item.channel,
      capturedBy,
      now: now.toISOString(),
    });
  });
  const created = await deps.database.write(async (trx) => {
    const inserted = await deps.volunteers.insertMany(trx, rows);
    // Bulk rows are not compared among themselves here: `muster dedup` does that for the registry.
    await indexDuplicateKeys(
      trx,
      deps,
      rows.filter((row) => inserted.has(row.id)).map((row) => personRecordOf({ ...row.registration, id: row.id })),
    );
    const count = inserted.size;
    await recordAudit(trx, { at: now.toISOString(), actor: capturedBy, action: 'volunteer.bulk_create', details: { created: count, refused: refused.length } });
    return count;
  });
  return { created, existing: rows.length - created, refused };
}

