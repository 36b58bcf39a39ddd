import { parseCallupAnswer } from '../../callups/answer.ts';
import { answerWords } from '../../callups/message.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../../i18n/sms-messages.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import type { RecipientState } from '../../store/schema-callups.ts';
import { phoneIndex } from '../../store/volunteer-rows.ts';
import type { CallupPendingHook, CallupReplyHook, CallupStopHook } from '../messaging/messaging-deps.ts';
import type { CallupDeps } from './callup-deps.ts';
import { closeCallupsOf, lockCallup, releasePlace } from './callup-places.ts';
import { OPEN_STATES } from './callups.ts';

const ACTOR = 'system:callup';

interface OpenAsk {
  id: string;
  /** asked, delivered or no_answer (waiting for an answer); yes or standby (answered yes, may still say no). */
  state: RecipientState;
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

export type AnswerOutcome = 'confirmed' | 'standby' | 'declined' | 'released' | 'clarify' | 'which' | 'already' | 'none';

/** Answered yes (confirmed or on standby): such a person may still say no. */
const ANSWERED_YES: readonly RecipientState[] = ['yes', 'standby'];

/**
 * A person's answer to a call-up. Finds the call-ups waiting for this person's answer; reads yes or
 * no (with the call-up's letter when several are open); counts a yes only while the need has room,
 * in one write transaction with a conditional update of the need's counter, so that two answers at
 * once, even in two processes, never confirm more people than needed. A person who said yes may
 * then say no: the place is released (callup-places.ts). An unclear answer gets one clarifying
 * message per call-up, never a second one.
 */
export async function answerCallup(deps: CallupDeps, message: { phone: string; text: string; now: Date }): Promise<{ outcome: AnswerOutcome; reply: string | null }> {
  const phoneHash = phoneIndex(deps.cipher, message.phone);
  const at = message.now.toISOString();
  const rows = await deps.database.db
    .selectFrom('callup_recipients as cr')
    .innerJoin('callups as c', 'c.id', 'cr.callup_id')
    .select(['cr.id', 'cr.state', 'cr.callup_id', 'cr.need_id', 'cr.volunteer_id', 'cr.letter', 'cr.language', 'cr.clarified', 'c.title', 'c.report_place', 'c.report_at'])
    // The live call-ups named first: the index is (callup_id, phone_hash).
    .where('cr.callup_id', 'in', (eb) => eb.selectFrom('callups').select('callups.id').where('callups.status', 'in', ['running', 'filled']))
    .where('cr.phone_hash', '=', phoneHash)
    .where('cr.state', 'in', [...OPEN_STATES, ...ANSWERED_YES])
    .where('c.status', 'in', ['running', 'filled'])
    .where('c.answer_by', '>=', at)
    .orderBy('cr.letter')
    .execute();
  if (rows.length === 0) return { outcome: 'none', reply: null };
  const all: OpenAsk[] = rows.map((r) => ({
    id: r.id,
    state: r.state,
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
  const open = all.filter((o) => OPEN_STATES.includes(o.state));
  const answeredYes = all.filter((o) => ANSWERED_YES.includes(o.state));
  const answer = parseCallupAnswer(message.text);
  // Someone who said yes and has no question waiting: only a no (taking the yes back) is theirs to give.
  if (open.length === 0) {
    if (answer.kind !== 'no') return { outcome: 'none', reply: null };
    const taken = answer.letter !== null ? answeredYes.find((o) => o.letter === answer.letter) : answeredYes.length === 1 ? answeredYes[0] : undefined;
    if (!taken) {
      const lang = answeredYes[0]?.language ?? 'fr';
      return { outcome: 'which', reply: smsText('callup_which', lang, { choices: answeredYes.map((o) => `${answerWords(o.language, o.letter).no}: ${o.title}`).join('; ') }) };
    }
    const result = await takeBackYes(deps, taken, message.now);
    deps.onQueued();
    return result === 'released' ? { outcome: result, reply: smsText('callup_declined', taken.language, { title: taken.title }) } : { outcome: 'already', reply: null };
  }
  const language = open[0]?.language ?? 'fr';
  const several = open.length > 1;
  const which = () => smsText('callup_which', language, { choices: open.map((o) => `${answerWords(o.language, o.letter).yes}/${answerWords(o.language, o.letter).no}: ${o.title}`).join('; ') });

  if (answer.kind === 'unclear') {
    // One clarifying message, then silence: the flag is set by a conditional update, so that two
    // unclear messages arriving together (even on two processes) still get one clarification.
    const marked = await deps.database.write(async (trx) =>
      Number((await trx.updateTable('callup_recipients').set({ clarified: 1, updated_at: at }).where('id', 'in', open.map((o) => o.id)).where('clarified', '=', 0).executeTakeFirst()).numUpdatedRows),
    );
    if (marked === 0) return { outcome: 'clarify', reply: null };
    const only = open[0];
    if (!several && only) return { outcome: 'clarify', reply: smsText('callup_clarify', only.language, { title: only.title, ...answerWords(only.language, null) }) };
    return { outcome: 'clarify', reply: which() };
  }
  const target = answer.letter !== null ? open.find((o) => o.letter === answer.letter) : several ? undefined : open[0];
  if (target === undefined && answer.kind === 'no' && answer.letter !== null) {
    // "B NON" for a call-up already answered yes: taking that yes back.
    const taken = answeredYes.find((o) => o.letter === answer.letter);
    if (taken) {
      const result = await takeBackYes(deps, taken, message.now);
      deps.onQueued();
      return result === 'released' ? { outcome: result, reply: smsText('callup_declined', taken.language, { title: taken.title }) } : { outcome: 'already', reply: null };
    }
  }
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
    // Locks in the one order every writer of a call-up follows (call-up, need, then people's rows).
    await lockCallup(deps, trx, ask.callupId, ask.needId);
    // The person's own row: a second answer (or a retried message) finds it answered.
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
      // Those whose question was withdrawn, or never queued (the dispatcher queues questions as it sends).
      await trx
        .updateTable('callup_recipients')
        .set({ state: 'cancelled' satisfies RecipientState, updated_at: at })
        .where('need_id', '=', ask.needId)
        .where('state', '=', 'asked')
        .where((eb) =>
          eb.or([
            eb('outbox_id', 'is', null),
            eb.exists(eb.selectFrom('outbox').select('outbox.id').whereRef('outbox.id', '=', 'callup_recipients.outbox_id').where('outbox.status', '=', 'cancelled')),
          ]),
        )
        .execute();
      const unfilled = await trx.selectFrom('callup_needs').select('id').where('callup_id', '=', ask.callupId).where((eb) => eb('confirmed', '<', eb.ref('count'))).executeTakeFirst();
      if (!unfilled) await trx.updateTable('callups').set({ status: 'filled', filled_at: at, updated_at: at }).where('id', '=', ask.callupId).where('status', '=', 'running').execute();
    }
    await recordAudit(trx, { at, actor: ACTOR, action: 'callup.answer', details: { callupId: ask.callupId, volunteerId: ask.volunteerId, answer: 'yes', outcome: 'confirmed' } });
    return 'confirmed';
  });
}

/** A no after a yes (or after standby): the person's row becomes no, and a confirmed place is released. */
async function takeBackYes(deps: CallupDeps, ask: OpenAsk, now: Date): Promise<'released' | 'already'> {
  const at = now.toISOString();
  return deps.database.write(async (trx) => {
    await lockCallup(deps, trx, ask.callupId, ask.needId);
    const mine = await trx.updateTable('callup_recipients').set({ state: 'no', answered_at: at, updated_at: at }).where('id', '=', ask.id).where('state', '=', ask.state).executeTakeFirst();
    if (Number(mine.numUpdatedRows) !== 1) return 'already';
    const released = ask.state === 'yes' ? await releasePlace(deps, trx, { callupId: ask.callupId, needId: ask.needId }, now) : null;
    await recordAudit(trx, { at, actor: ACTOR, action: 'callup.answer', details: { callupId: ask.callupId, volunteerId: ask.volunteerId, answer: 'no', was: ask.state, promoted: released?.promoted ?? null } });
    return 'released';
  });
}

/** The hook the inbound SMS handler calls before the registration conversation. */
export function callupReplyHook(deps: CallupDeps): CallupReplyHook {
  return async (message) => {
    const result = await answerCallup(deps, message);
    return result.outcome === 'none' ? { handled: false } : { handled: true, reply: result.reply };
  };
}

/** The hook the STOP handler calls inside its transaction. */
export function callupStopHook(deps: CallupDeps): CallupStopHook {
  return (trx, phoneHash, now) => closeCallupsOf(deps, trx, phoneHash, now);
}

/** The first open call-up waiting for this phone's answer, for the USSD menu. */
export function callupPendingHook(deps: CallupDeps): CallupPendingHook {
  return async (phone, now) => {
    const row = await deps.database.db
      .selectFrom('callup_recipients as cr')
      .innerJoin('callups as c', 'c.id', 'cr.callup_id')
      .select(['c.title', 'cr.letter'])
      // The live call-ups named first: the index is (callup_id, phone_hash).
      .where('cr.callup_id', 'in', (eb) => eb.selectFrom('callups').select('callups.id').where('callups.status', 'in', ['running', 'filled']))
      .where('cr.phone_hash', '=', phoneIndex(deps.cipher, phone))
      .where('cr.state', 'in', [...OPEN_STATES])
      .where('c.status', 'in', ['running', 'filled'])
      .where('c.answer_by', '>=', now.toISOString())
      .orderBy('cr.letter')
      .executeTakeFirst();
    return row ? { title: row.title, letter: row.letter } : null;
  };
}
