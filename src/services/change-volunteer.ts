import type { Drive } from '../config/load-drive.ts';
import type { FieldError } from '../domain/field-error.ts';
import { validateVolunteerChanges } from '../domain/validate-changes.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import type { Database } from '../store/database.ts';
import type { VolunteerStore } from '../store/volunteer-store.ts';

export interface ChangeDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
  clock: () => Date;
}

export type ChangeOutcome =
  | { status: 'updated'; volunteer: Volunteer }
  | { status: 'not_found' }
  | { status: 'invalid_state'; current: string }
  | { status: 'refused'; errors: FieldError[] }
  | { status: 'phone_taken' };

/** Changes contact, availability, roles, skills or languages of an active volunteer. */
export async function changeVolunteer(deps: ChangeDeps, id: string, raw: unknown): Promise<ChangeOutcome> {
  const check = validateVolunteerChanges(raw, deps.drive);
  if (!check.ok) return { status: 'refused', errors: check.errors };
  const changes = check.value;
  const now = deps.clock().toISOString();
  return deps.database.write(async (trx): Promise<ChangeOutcome> => {
    const current = await deps.volunteers.get(trx, id);
    if (!current) return { status: 'not_found' };
    if (current.status === 'withdrawn') return { status: 'invalid_state', current: current.status };
    if (changes.phone !== undefined && changes.phone !== current.phone) {
      const holder = await deps.volunteers.phoneTakenBy(trx, changes.phone);
      if (holder !== null && holder !== id) return { status: 'phone_taken' };
    }
    await deps.volunteers.update(trx, id, changes, now);
    const updated = await deps.volunteers.get(trx, id);
    if (!updated) throw new Error(`volunteer ${id} vanished during an update`);
    return { status: 'updated', volunteer: updated };
  });
}

export type WithdrawOutcome = { status: 'withdrawn'; volunteer: Volunteer } | { status: 'not_found' };

/**
 * Withdraws a volunteer and erases their personal data. Withdrawing twice is not an error: the
 * second time finds the tombstone and answers the same.
 */
export async function withdrawVolunteer(deps: ChangeDeps, id: string): Promise<WithdrawOutcome> {
  const now = deps.clock().toISOString();
  return deps.database.write(async (trx): Promise<WithdrawOutcome> => {
    const current = await deps.volunteers.get(trx, id);
    if (!current) return { status: 'not_found' };
    if (current.status !== 'withdrawn') await deps.volunteers.erase(trx, id, now);
    const after = await deps.volunteers.get(trx, id);
    if (!after) throw new Error(`volunteer ${id} vanished during withdrawal`);
    return { status: 'withdrawn', volunteer: after };
  });
}
