import { normalizeMobilePhone } from '../../domain/phone.ts';
import { translate } from '../../i18n/translate.ts';
import { smsText } from '../../i18n/sms-messages.ts';
import { USSD_SCREEN_LIMIT, type ConversationContext, type ConversationState } from '../../messaging/registration-conversation.ts';
import type { UssdRequest } from '../../messaging/ussd-africastalking.ts';
import { replayUssd, type UssdFacts } from '../../messaging/ussd-menu.ts';
import { StaleConversationError } from '../../store/conversation-store.ts';
import { phoneIndex } from '../../store/volunteer-rows.ts';
import type { Caller } from '../access-context.ts';
import { changeVolunteer, withdrawVolunteer } from '../change-volunteer.ts';
import { registerVolunteer } from '../register-volunteer.ts';
import type { MessagingDeps } from './messaging-deps.ts';
import { conversationClientId, registrationReply } from './registration-reply.ts';

export interface UssdAnswer {
  end: boolean;
  text: string;
}

/** Changes a person makes to their own registration over USSD are made and audited as this actor. */
const USSD_CALLER: Caller = { principal: { kind: 'system', name: 'ussd' }, ip: null };

/**
 * One step of a USSD session. The session (its start, and so its time-out) is a conversation row;
 * the screen comes from replaying the answers (see ussd-menu.ts); registration goes through
 * `registerVolunteer` like every channel, changes through the same services as staff use.
 */
export async function handleUssd(deps: MessagingDeps, request: UssdRequest): Promise<UssdAnswer> {
  const checked = normalizeMobilePhone(request.phone, deps.drive.config.phoneRegion);
  if (!checked.ok) return { end: true, text: smsText('registration_refused', 'fr', { reason: translate(checked.code, 'fr') }) };
  const phone = checked.e164;
  const phoneHash = phoneIndex(deps.cipher, phone);
  const now = deps.clock();
  const key = `ussd:${request.sessionId}`;

  const session = await deps.conversations.load(deps.database.db, key);
  if (session && session.expiresAt < now.toISOString()) {
    await deps.database.write((trx) => deps.conversations.remove(trx, key, null));
    return { end: true, text: smsText('ussd_expired', session.state.language) };
  }
  const startedAt = session?.state.startedAt ?? now.toISOString();
  const facts = await factsFor(deps, phone, now);
  const ctx: ConversationContext = { drive: deps.drive, now: new Date(startedAt), channel: 'ussd', ttlMs: deps.settings.ussdTtlMs };
  // Answers are replayed as of the session's start, so an answer means the same on every replay.
  const reply = replayUssd(request.inputs, facts, ctx);
  const language = reply.state.screen === 'language' ? 'fr' : reply.state.screen === 'register' ? reply.state.conversation.language : reply.state.language;

  const action = reply.action;
  if (action?.kind === 'register') {
    const raw = { ...action.registration, clientId: conversationClientId(deps.cipher, key, startedAt), phone };
    const outcome = await registerVolunteer(deps, raw, { channel: 'ussd', capturedBy: 'self' }, {
      within: async (trx, result) => {
        await deps.conversations.remove(trx, key, null);
        if (result.status === 'created') await deps.conversations.clearOptOut(trx, phoneHash);
      },
    });
    if (outcome.status === 'refused') await deps.database.write((trx) => deps.conversations.remove(trx, key, null));
    return { end: true, text: registrationReply(outcome, action.conversation.language, deps.drive.config.minimumAge) };
  }
  if (action?.kind === 'callup_answer') {
    const answered = deps.callupReply ? await deps.callupReply({ phone, text: `${action.letter} ${action.answer === 'yes' ? '1' : '2'}`, now }) : { handled: false as const };
    await deps.database.write((trx) => deps.conversations.remove(trx, key, null));
    return { end: true, text: (answered.handled && answered.reply !== null ? answered.reply : smsText('ussd_no_callup', language)).slice(0, USSD_SCREEN_LIMIT) };
  }
  const volunteerId = facts.volunteer ? await deps.volunteers.phoneTakenBy(deps.database.db, phone) : null;
  if (action?.kind === 'set_availability' && volunteerId) {
    await changeVolunteer(deps, USSD_CALLER, volunteerId, { availability: action.availability });
  } else if (action?.kind === 'withdraw' && volunteerId) {
    await withdrawVolunteer(deps, USSD_CALLER, volunteerId);
  }

  await deps.database.write(async (trx) => {
    if (reply.end) {
      await deps.conversations.remove(trx, key, null);
      return;
    }
    const state: ConversationState = { step: 'language', language, page: 0, startedAt, updatedAt: now.toISOString() };
    try {
      await deps.conversations.save(trx, { key, channel: 'ussd', phoneHash, state, expected: session?.version ?? null, now: new Date(startedAt), ttlMs: deps.settings.ussdTtlMs });
    } catch (error) {
      // The aggregator retried a step: the other request already moved the session on.
      if (!(error instanceof StaleConversationError)) throw error;
    }
    if (action?.kind === 'consent_notice') {
      await deps.outbox.enqueue(
        trx,
        { phone, body: deps.drive.label(deps.drive.config.consent.texts, language), priority: 'reply', kind: 'consent_notice', dedupKey: `ussd-notice:${request.sessionId}`, sender: deps.settings.sender },
        now,
      );
    }
  });
  if (action?.kind === 'consent_notice') deps.onQueued();
  return { end: reply.end, text: reply.text };
}

async function factsFor(deps: MessagingDeps, phone: string, now: Date): Promise<UssdFacts> {
  const id = await deps.volunteers.phoneTakenBy(deps.database.db, phone);
  const volunteer = id ? await deps.volunteers.get(deps.database.db, id) : null;
  return {
    volunteer: volunteer ? { reference: volunteer.reference, status: volunteer.status, roles: volunteer.roles, availability: volunteer.availability } : null,
    pendingCallup: deps.callupPending ? await deps.callupPending(phone, now) : null,
  };
}
