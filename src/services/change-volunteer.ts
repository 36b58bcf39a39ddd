import type { Drive } from '../config/load-drive.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { currentDedupModel } from './dedup/dedup-model.ts';
import { personRecordOf, recheckVolunteer } from './dedup/flag-duplicates.ts';
import type { FieldError } from '../domain/field-error.ts';
import { validateVolunteerChanges } from '../domain/validate-changes.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import { recordAudit } from '../store/audit-pending.ts';
import type { Database } from '../store/database.ts';
import type { VolunteerStore } from '../store/volunteer-store.ts';
import { callerActor, canSee, presentFor, scopeOf, type Caller } from './access-context.ts';

export interface ChangeDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
  cipher: FieldCipher;
  clock: () => Date;
}

export type ChangeOutcome =
  | { status: 'updated'; volunteer: Partial<Volunteer> }
  | { status: 'not_found' }
  | { status: 'invalid_state'; current: string }
  | { status: 'refused'; errors: FieldError[] }
  | { status: 'phone_taken' };

/**
 * Changes contact, availability, roles, skills or languages of an active volunteer in the caller's
 * scope. A new phone number is compared data: the volunteer is checked for duplicates again.
 */
export async function changeVolunteer(deps: ChangeDeps, caller: Caller, id: string, raw: unknown): Promise<ChangeOutcome> {
  const check = validateVolunteerChanges(raw, deps.drive);
  if (!check.ok) return { status: 'refused', errors: check.errors };
  const changes = check.value;
  const now = deps.clock();
  const model = changes.phone === undefined ? null : await currentDedupModel(deps.database);
  const at = now.toISOString();
  return deps.database.write(async (trx): Promise<ChangeOutcome> => {
    const current = await deps.volunteers.get(trx, id);
    if (!current || !canSee(scopeOf(caller, now), current, deps.drive)) return { status: 'not_found' };
    if (current.status === 'withdrawn') return { status: 'invalid_state', current: current.status };
    if (changes.phone !== undefined && changes.phone !== current.phone) {
      const holder = await deps.volunteers.phoneTakenBy(trx, changes.phone);
      if (holder !== null && holder !== id) return { status: 'phone_taken' };
    }
    await deps.volunteers.update(trx, id, changes, at);
    await recordAudit(trx, { at, actor: callerActor(caller), action: 'volunteer.update', details: { volunteerId: id, fields: Object.keys(changes).sort() }, ip: caller.ip });
    const updated = await deps.volunteers.get(trx, id);
    if (!updated) throw new Error(`volunteer ${id} vanished during an update`);
    if (model !== null && updated.phone !== current.phone) await recheckVolunteer(trx, deps, model, personRecordOf(updated), at);
    return { status: 'updated', volunteer: presentFor(caller, updated) };
  });
}

export type WithdrawOutcome = { status: 'withdrawn'; volunteer: Partial<Volunteer> } | { status: 'not_found' };

/**
 * Withdraws a volunteer and erases their personal data. Withdrawing twice is not an error: the
 * second time finds the tombstone and answers the same.
 */
export async function withdrawVolunteer(deps: ChangeDeps, caller: Caller, id: string): Promise<WithdrawOutcome> {
  const now = deps.clock();
  const at = now.toISOString();
  return deps.database.write(async (trx): Promise<WithdrawOutcome> => {
    const current = await deps.volunteers.get(trx, id);
    if (!current || !canSee(scopeOf(caller, now), current, deps.drive)) return { status: 'not_found' };
    if (current.status !== 'withdrawn') {
      await deps.volunteers.erase(trx, id, at);
      await recordAudit(trx, { at, actor: callerActor(caller), action: 'volunteer.withdraw', details: { volunteerId: id }, ip: caller.ip });
    }
    const after = await deps.volunteers.get(trx, id);
    if (!after) throw new Error(`volunteer ${id} vanished during withdrawal`);
    return { status: 'withdrawn', volunteer: presentFor(caller, after) };
  });
}
