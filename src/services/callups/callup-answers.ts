import { parseCallupAnswer } from '../../callups/answer.ts';
import { answerWords } from '../../callups/message.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../../i18n/sms-messages.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import type { RecipientState } from '../../store/schema-callups.ts';
import { phoneIndex } from '../../store/volunteer-rows.ts';
import type { CallupPendingHook, CallupReplyHook } from '../messaging/messaging-deps.ts';
import type { CallupDeps } from './callup-deps.ts';
import { OPEN_STATES } from './callups.ts';

const ACTOR = 'system:callup';

interface OpenAsk {
  id: string;
  callupId: string;
  needId: string;
  volunteerId: string;
  letter: string;
  language: SmsLanguage;
  clarified: number;
  title: string;
  reportPlace: string;
  reportAt: string;
}

export type AnswerOutcome = 'confirmed' | 'standby' | 'declined' | 'clarify' | 'which' | 'already' | 'none';

/**
 * A person's answer to a call-up. Finds the call-ups waiting for this person's answer; reads yes or
 * no (with the call-up's letter when several are open); counts a yes only while the need has room,
 * in one write transaction with a conditional update of the need's counter, so that two answers at
 * once, even in two processes, never confirm more people than needed.
 */
export async function answerCallup(deps: CallupDeps, message: { phone: string; text: string; now: Date }): Promise<{ outcome: AnswerOutcome; reply: string | null }> {
  const phoneHash = phoneIndex(deps.cipher, message.phone);
  const at = message.now.toISOString();
  const rows = await deps.database.db
    .selectFrom('callup_recipients as cr')
    .innerJoin('callups as c', 'c.id', 'cr.callup_id')
    .select(['cr.id', 'cr.callup_id', 'cr.need_id', 'cr.volunteer_id', 'cr.letter', 'cr.language', 'cr.clarified', 'c.title', 'c.report_place', 'c.report_at'])
    .where('cr.phone_hash', '=', phoneHash)
    .where('cr.state', 'in', [...OPEN_STATES])
    .where('c.status', 'in', ['running', 'filled'])
    .where('c.answer_by', '>=', at)
    .orderBy('cr.letter')
    .execute();
  if (rows.length === 0) return { outcome: 'none', reply: null };
  const open: OpenAsk[] = rows.map((r) => ({
    id: r.id,
    callupId: r.callup_id,
    needId: r.need_id,
    volunteerId: r.volunteer_id,
    letter: r.letter,
    language: isSmsLanguage(r.language) ? r.language : 'fr',
    clarified: r.clarified,
    title: r.title,
    reportPlace: r.report_place,
    reportAt: r.report_at,
  }));
  const language = open[0]?.language ?? 'fr';
  const answer = parseCallupAnswer(message.text);
  const several = open.length > 1;
  const which = () => smsText('callup_which', language, { choices: open.map((o) => `${answerWords(o.language, o.letter).yes}/${answerWords(o.language, o.letter).no}: ${o.title}`).join('; ') });

  if (answer.kind === 'unclear') {
    // One clarifying message; after that the message goes on to the usual handling (help).
    if (open.every((o) => o.clarified > 0)) return { outcome: 'none', reply: null };
    await deps.database.write(async (trx) => {
      await trx.updateTable('callup_recipients').set({ clarified: 1, updated_at: at }).where('id', 'in', open.map((o) => o.id)).execute();
    });
    const only = open[0];
    if (!several && only) return { outcome: 'clarify', reply: smsText('callup_clarify', only.language, { title: only.title, ...answerWords(only.language, null) }) };
    return { outcome: 'clarify', reply: which() };
  }
  const target = answer.letter !== null ? open.find((o) => o.letter === answer.letter) : several ? undefined : open[0];
  if (!target) return { outcome: 'which', reply: which() };

  const result = await recordAnswer(deps, target, answer.kind, message.now);
  deps.onQueued();
  const place = { title: target.title, place: target.reportPlace, time: formatTime(deps, target.reportAt) };
  switch (result) {
    case 'confirmed':
      return { outcome: result, reply: smsText('callup_confirmed', target.language, place) };
    case 'standby':
      return { outcome: result, reply: smsText('callup_standby', target.language, { title: target.title }) };
    case 'declined':
      return { outcome: result, reply: smsText('callup_declined', target.language, { title: target.title }) };
    case 'already':
      return { outcome: result, reply: null };
  }
}

function formatTime(deps: CallupDeps, iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: deps.drive.config.timezone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}.${get('month')} ${get('hour')}:${get('minute')}`;
}

async function recordAnswer(deps: CallupDeps, ask: OpenAsk, kind: 'yes' | 'no', now: Date): Promise<'confirmed' | 'standby' | 'declined' | 'already'> {
  const at = now.toISOString();
  return deps.database.write(async (trx) => {
    // The person's own row first: a second answer (or a retried message) finds it answered.
    const mine = await trx
      .updateTable('callup_recipients')
      .set({ state: kind === 'no' ? 'no' : 'yes', answered_at: at, updated_at: at })
      .where('id', '=', ask.id)
      .where('state', 'in', [...OPEN_STATES])
      .executeTakeFirst();
    if (Number(mine.numUpdatedRows) !== 1) return 'already';
    if (kind === 'no') {
      await recordAudit(trx, { at, actor: ACTOR, action: 'callup.answer', details: { callupId: ask.callupId, volunteerId: ask.volunteerId, answer: 'no' } });
      return 'declined';
    }
    if (deps.database.dialect === 'postgres') {
      // Answers handled by other processes wait here for this one's commit.
      await trx.selectFrom('callup_needs').select('id').where('id', '=', ask.needId).forUpdate().execute();
    }
    // Counted only while there is room: the condition is checked by the update itself.
    const counted = await trx
      .updateTable('callup_needs')
      .set((eb) => ({ confirmed: eb('confirmed', '+', 1) }))
      .where('id', '=', ask.needId)
      .where((eb) => eb('confirmed', '<', eb.ref('count')))
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) !== 1) {
      await trx.updateTable('callup_recipients').set({ state: 'standby' satisfies RecipientState, updated_at: at }).where('id', '=', ask.id).execute();
      await recordAudit(trx, { at, actor: ACTOR, action: 'callup.answer', details: { callupId: ask.callupId, volunteerId: ask.volunteerId, answer: 'yes', outcome: 'standby' } });
      return 'standby';
    }
    await trx
      .insertInto('callup_rotation')
      .values({ volunteer_id: ask.volunteerId, last_asked_at: at, last_served_at: at })
      .onConflict((oc) => oc.column('volunteer_id').doUpdateSet({ last_served_at: at }))
      .execute();
    const need = await trx.selectFrom('callup_needs').select(['count', 'confirmed']).where('id', '=', ask.needId).executeTakeFirstOrThrow();
    if (need.confirmed >= need.count) {
      // Filled: questions not yet sent for this need are withdrawn; those already sent may still
      // be answered, and a yes then puts the person on standby.
      await trx
        .updateTable('outbox')
        .set({ status: 'cancelled', cancelled_at: at })
        .where('status', '=', 'queued')
        .where('id', 'in', (eb) => eb.selectFrom('callup_recipients').select('outbox_id').where('need_id', '=', ask.needId).where('state', '=', 'asked').where('outbox_id', 'is not', null) as never)
        .execute();
      await trx
        .updateTable('callup_recipients')
        .set({ state: 'cancelled' satisfies RecipientState, updated_at: at })
        .where('need_id', '=', ask.needId)
        .where('state', '=', 'asked')
        .where((eb) => eb.exists(eb.selectFrom('outbox').select('outbox.id').whereRef('outbox.id', '=', 'callup_recipients.outbox_id').where('outbox.status', '=', 'cancelled')))
        .execute();
      const unfilled = await trx.selectFrom('callup_needs').select('id').where('callup_id', '=', ask.callupId).where((eb) => eb('confirmed', '<', eb.ref('count'))).executeTakeFirst();
      if (!unfilled) await trx.updateTable('callups').set({ status: 'filled', filled_at: at, updated_at: at }).where('id', '=', ask.callupId).where('status', '=', 'running').execute();
    }
    await recordAudit(trx, { at, actor: ACTOR, action: 'callup.answer', details: { callupId: ask.callupId, volunteerId: ask.volunteerId, answer: 'yes', outcome: 'confirmed' } });
    return 'confirmed';
  });
}

/** The hook the inbound SMS handler calls before the registration conversation. */
export function callupReplyHook(deps: CallupDeps): CallupReplyHook {
  return async (message) => {
    const result = await answerCallup(deps, message);
    return result.outcome === 'none' ? { handled: false } : { handled: true, reply: result.reply };
  };
}

/** The first open call-up waiting for this phone's answer, for the USSD menu. */
export function callupPendingHook(deps: CallupDeps): CallupPendingHook {
  return async (phone, now) => {
    const row = await deps.database.db
      .selectFrom('callup_recipients as cr')
      .innerJoin('callups as c', 'c.id', 'cr.callup_id')
      .select(['c.title', 'cr.letter'])
      .where('cr.phone_hash', '=', phoneIndex(deps.cipher, phone))
      .where('cr.state', 'in', [...OPEN_STATES])
      .where('c.status', 'in', ['running', 'filled'])
      .where('c.answer_by', '>=', now.toISOString())
      .orderBy('cr.letter')
      .executeTakeFirst();
    return row ? { title: row.title, letter: row.letter } : null;
  };
}
