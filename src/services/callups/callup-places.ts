import type { Transaction } from 'kysely';
import { isSmsLanguage, smsText } from '../../i18n/sms-messages.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { openPersonal } from '../../store/personal-fields.ts';
import type { RecipientState } from '../../store/schema-callups.ts';
import type { MusterSchema } from '../../store/schema.ts';
import { formatLocalTime } from '../../callups/message.ts';
import type { CallupDeps } from './callup-deps.ts';
import { OPEN_STATES } from './callups.ts';

const ACTOR = 'system:callup';

/**
 * On PostgreSQL, every transaction that changes a running call-up takes its locks in one order: the
 * call-up's row, then the need's row, then people's rows (the wave dispatcher, callup-waves.ts, locks
 * the call-up's row first too). Taken in another order, an answer filling a need (which withdraws other
 * people's questions and marks the call-up filled) and a second answer or a wave would each hold what
 * the other waits for: a deadlock, seen with the dispatcher and two answer processes at once
 * (test/callup-processes.test.ts). Answers to one need therefore queue one behind the other, which is
 * also what keeps the fill count exact. SQLite runs one writer at a time and needs none of this.
 */
export async function lockCallup(deps: CallupDeps, trx: Transaction<MusterSchema>, callupId: string, needId: string | null): Promise<void> {
  if (deps.database.dialect !== 'postgres') return;
  await trx.selectFrom('callups').select('id').where('id', '=', callupId).forUpdate().execute();
  if (needId !== null) await trx.selectFrom('callup_needs').select('id').where('id', '=', needId).forUpdate().execute();
}

/**
 * A confirmed place given back (the person said no after yes, or sent STOP): the need's counter goes
 * down, and the first person on standby for that need (earliest yes) takes the place and is told so.
 * With nobody on standby the call-up is running again, and the next wave (callup-waves.ts) asks the
 * next people in rotation. Inside the caller's transaction; on PostgreSQL the call-up's and the need's
 * rows are locked first (lockCallup), as answers do, so that a place is never given twice.
 */
export async function releasePlace(deps: CallupDeps, trx: Transaction<MusterSchema>, place: { callupId: string; needId: string }, now: Date): Promise<{ promoted: string | null }> {
  const at = now.toISOString();
  await lockCallup(deps, trx, place.callupId, place.needId);
  await trx
    .updateTable('callup_needs')
    .set((eb) => ({ confirmed: eb('confirmed', '-', 1) }))
    .where('id', '=', place.needId)
    .where('confirmed', '>', 0)
    .execute();
  const callup = await trx.selectFrom('callups').select(['status', 'title', 'report_place', 'report_at']).where('id', '=', place.callupId).executeTakeFirst();
  const live = callup !== undefined && (callup.status === 'running' || callup.status === 'filled');
  const next = live
    ? await trx
        .selectFrom('callup_recipients as cr')
        .innerJoin('volunteers as v', 'v.id', 'cr.volunteer_id')
        .select(['cr.id', 'cr.volunteer_id', 'cr.language', 'v.personal_enc', 'v.phone_enc'])
        .where('cr.need_id', '=', place.needId)
        .where('cr.state', '=', 'standby')
        .where('v.status', '=', 'active')
        .orderBy('cr.answered_at')
        .orderBy('cr.id')
        .executeTakeFirst()
    : undefined;
  if (callup && next) {
    const moved = await trx.updateTable('callup_recipients').set({ state: 'yes' satisfies RecipientState, updated_at: at }).where('id', '=', next.id).where('state', '=', 'standby').executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 1) {
      await trx.updateTable('callup_needs').set((eb) => ({ confirmed: eb('confirmed', '+', 1) })).where('id', '=', place.needId).execute();
      await trx
        .insertInto('callup_rotation')
        .values({ volunteer_id: next.volunteer_id, last_asked_at: at, last_served_at: at })
        .onConflict((oc) => oc.column('volunteer_id').doUpdateSet({ last_served_at: at }))
        .execute();
      const phone = openPersonal(deps.cipher, { ...next, id: next.volunteer_id }, ['phone']).phone;
      if (phone !== null) {
        const language = isSmsLanguage(next.language) ? next.language : 'fr';
        const body = smsText('callup_promoted', language, { title: callup.title, place: callup.report_place, time: formatLocalTime(new Date(callup.report_at), deps.drive.config.timezone) });
        await deps.outbox.enqueue(trx, { phone, body, priority: 'bulk', kind: 'callup_promoted', dedupKey: `callup-promoted:${next.id}` }, now);
      }
      await recordAudit(trx, { at, actor: ACTOR, action: 'callup.promote', details: { callupId: place.callupId, volunteerId: next.volunteer_id } });
      return { promoted: next.volunteer_id };
    }
  }
  if (live) await trx.updateTable('callups').set({ status: 'running', filled_at: null, updated_at: at }).where('id', '=', place.callupId).where('status', '=', 'filled').execute();
  return { promoted: null };
}

/**
 * STOP from a phone: that person's rows on live call-ups are closed (cancelled; their queued
 * questions are withdrawn by the messaging side), and a confirmed place they held is released.
 * Inside the STOP's transaction.
 */
export async function closeCallupsOf(deps: CallupDeps, trx: Transaction<MusterSchema>, phoneHash: string, now: Date): Promise<{ closed: number; released: number }> {
  const at = now.toISOString();
  const rows = await trx
    .selectFrom('callup_recipients as cr')
    .innerJoin('callups as c', 'c.id', 'cr.callup_id')
    .select(['cr.id', 'cr.callup_id', 'cr.need_id', 'cr.state', 'cr.volunteer_id'])
    // The live call-ups named first: the index is (callup_id, phone_hash).
    .where('cr.callup_id', 'in', (eb) => eb.selectFrom('callups').select('callups.id').where('callups.status', 'in', ['running', 'filled']))
    .where('cr.phone_hash', '=', phoneHash)
    .where('cr.state', 'in', [...OPEN_STATES, 'yes', 'standby'])
    .where('c.status', 'in', ['running', 'filled'])
    .execute();
  let released = 0;
  let closed = 0;
  // In call-up order, each locked before its row is changed (see lockCallup).
  for (const row of rows.sort((x, y) => (x.callup_id < y.callup_id ? -1 : x.callup_id > y.callup_id ? 1 : 0))) {
    await lockCallup(deps, trx, row.callup_id, row.need_id);
    const r = await trx.updateTable('callup_recipients').set({ state: 'cancelled' satisfies RecipientState, updated_at: at }).where('id', '=', row.id).where('state', '=', row.state).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) continue;
    closed += 1;
    if (row.state === 'yes') {
      await releasePlace(deps, trx, { callupId: row.callup_id, needId: row.need_id }, now);
      released += 1;
    }
    await recordAudit(trx, { at, actor: ACTOR, action: 'callup.opt_out', details: { callupId: row.callup_id, volunteerId: row.volunteer_id, was: row.state } });
  }
  return { closed, released };
}
