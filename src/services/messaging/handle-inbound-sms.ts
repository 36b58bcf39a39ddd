import type { Transaction } from 'kysely';
import { normalizeMobilePhone } from '../../domain/phone.ts';
import { keywordOf, type Keyword } from '../../domain/sms-keywords.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../../i18n/sms-messages.ts';
import { answerRegistration, startRegistration, type ConversationContext, type Turn } from '../../messaging/registration-conversation.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { DuplicateInboundError, StaleConversationError, type StoredConversation } from '../../store/conversation-store.ts';
import type { MusterSchema } from '../../store/schema.ts';
import { phoneIndex } from '../../store/volunteer-rows.ts';
import { registerVolunteer } from '../register-volunteer.ts';
import type { MessagingDeps } from './messaging-deps.ts';
import { conversationClientId, registrationReply } from './registration-reply.ts';

export interface InboundSms {
  /** The gateway's id of the message (Kannel %I): the same for every retry of one message. */
  gatewayId: string;
  from: string;
  /** The short code the person wrote to; replies go out from it. */
  to: string | null;
  text: string;
}

export type InboundOutcome = 'handled' | 'duplicate' | 'invalid_sender';

const ACTOR = 'system:sms';

/**
 * Handles one SMS from a person: STOP and HELP first, then a reply to an open call-up, then the
 * registration conversation. Each gateway id is handled once: the inbound row, the conversation
 * change, any registration and the reply are written in one transaction, so a retry by the gateway
 * either finds it all done or none of it.
 */
export async function handleInboundSms(deps: MessagingDeps, message: InboundSms): Promise<InboundOutcome> {
  const checked = normalizeMobilePhone(message.from, deps.drive.config.phoneRegion);
  if (!checked.ok) {
    // Nobody to answer (a short code, an alphanumeric sender, a foreign number): keep the trace only.
    try {
      await deps.database.write((trx) =>
        deps.conversations.recordInbound(trx, { channel: 'sms', gatewayId: message.gatewayId, phoneHash: deps.cipher.blindIndex('sender', message.from), body: message.text, outcome: 'invalid_sender', now: deps.clock() }),
      );
    } catch (error) {
      if (!(error instanceof DuplicateInboundError)) throw error;
    }
    return 'invalid_sender';
  }
  const phone = checked.e164;
  const phoneHash = phoneIndex(deps.cipher, phone);
  return deps.serial.run(phoneHash, async () => {
    for (let attempt = 0; ; attempt++) {
      if (await deps.conversations.seenInbound(deps.database.db, 'sms', message.gatewayId)) return 'duplicate';
      try {
        await handleOnce(deps, message, phone, phoneHash);
        deps.onQueued();
        return 'handled';
      } catch (error) {
        if (error instanceof DuplicateInboundError) return 'duplicate';
        // Another process changed this person's conversation first: read it again and redo.
        if (error instanceof StaleConversationError && attempt < 5) continue;
        throw error;
      }
    }
  });
}

async function handleOnce(deps: MessagingDeps, message: InboundSms, phone: string, phoneHash: string): Promise<void> {
  const now = deps.clock();
  const keyword = keywordOf(message.text);
  const key = `sms:${phoneHash}`;
  const inbound = (trx: Transaction<MusterSchema>, outcome: string) =>
    deps.conversations.recordInbound(trx, { channel: 'sms', gatewayId: message.gatewayId, phoneHash, body: message.text, outcome, now });
  const reply = (trx: Transaction<MusterSchema>, body: string, kind = 'reply') =>
    deps.outbox.enqueue(trx, { phone, body, priority: 'reply', kind, dedupKey: `reply:sms:${message.gatewayId}`, sender: message.to ?? deps.settings.sender }, now);

  if (keyword?.kind === 'stop') return stop(deps, { phone, phoneHash, key, keyword, now, inbound, reply });

  const current = await deps.conversations.load(deps.database.db, key);
  const language = keywordLanguage(keyword) ?? current?.state.language ?? (await knownLanguage(deps, phone)) ?? defaultLanguage(deps);
  if (keyword?.kind === 'help') {
    await deps.database.write(async (trx) => {
      await inbound(trx, 'help');
      await reply(trx, smsText('help', language));
    });
    return;
  }

  if (keyword?.kind === 'register') {
    // Already registered: say so at once rather than after every question.
    const id = await deps.volunteers.phoneTakenBy(deps.database.db, phone);
    const volunteer = id ? await deps.volunteers.get(deps.database.db, id) : null;
    if (volunteer && volunteer.status !== 'withdrawn') {
      await deps.database.write(async (trx) => {
        await inbound(trx, 'already_registered');
        if (current) await deps.conversations.remove(trx, key, current.version);
        await reply(trx, smsText('already_registered', keyword.language, { reference: volunteer.reference }));
      });
      return;
    }
  }
  const cctx: ConversationContext = { drive: deps.drive, now, channel: 'sms', ttlMs: deps.settings.conversationTtlMs };
  let turn: Turn;
  if (keyword?.kind === 'register') turn = startRegistration(keyword.language, cctx);
  else if (current) turn = answerRegistration(current.state, message.text, cctx);
  else if (keyword?.kind === 'cancel') turn = { kind: 'end', reason: 'cancelled', text: smsText('cancelled', keyword.language) };
  else {
    const callup = deps.callupReply ? await deps.callupReply({ phone, text: message.text, now }) : { handled: false as const };
    if (callup.handled) {
      await deps.database.write(async (trx) => {
        await inbound(trx, 'callup');
        if (callup.reply !== null) await reply(trx, callup.reply);
      });
      return;
    }
    if (await deps.volunteers.phoneTakenBy(deps.database.db, phone)) {
      // Someone registered writing out of the blue: tell them what they can do.
      await deps.database.write(async (trx) => {
        await inbound(trx, 'help');
        await reply(trx, smsText('help', language));
      });
      return;
    }
    turn = startRegistration(keyword?.kind === 'restart' ? keyword.language : null, cctx);
  }
  await applyTurn(deps, { turn, current, key, phone, phoneHash, now, inbound, reply });
}

async function applyTurn(
  deps: MessagingDeps,
  a: {
    turn: Turn;
    current: StoredConversation | null;
    key: string;
    phone: string;
    phoneHash: string;
    now: Date;
    inbound: (trx: Transaction<MusterSchema>, outcome: string) => Promise<string>;
    reply: (trx: Transaction<MusterSchema>, body: string, kind?: string) => Promise<unknown>;
  },
): Promise<void> {
  const { turn, current, key } = a;
  const expected = current?.version ?? null;
  switch (turn.kind) {
    case 'ask':
      await deps.database.write(async (trx) => {
        await a.inbound(trx, 'conversation');
        if (current && turn.state.startedAt !== current.state.startedAt) await deps.conversations.remove(trx, key, expected);
        const replaced = current !== null && turn.state.startedAt !== current.state.startedAt;
        await deps.conversations.save(trx, { key, channel: 'sms', phoneHash: a.phoneHash, state: turn.state, expected: replaced ? null : expected, now: a.now, ttlMs: deps.settings.conversationTtlMs });
        await a.reply(trx, turn.text);
      });
      return;
    case 'end':
      await deps.database.write(async (trx) => {
        await a.inbound(trx, turn.reason);
        if (current) await deps.conversations.remove(trx, key, expected);
        await a.reply(trx, turn.text);
      });
      return;
    case 'submit': {
      const language = turn.state.language;
      const raw = { ...turn.registration, clientId: conversationClientId(deps.cipher, key, turn.state.startedAt), phone: a.phone };
      const outcome = await registerVolunteer(deps, raw, { channel: 'sms', capturedBy: 'self' }, {
        within: async (trx, result) => {
          await a.inbound(trx, `registration_${result.status}`);
          if (current) await deps.conversations.remove(trx, key, expected);
          // Registering again after a STOP means the person wants to hear from the drive again.
          if (result.status === 'created') await deps.conversations.clearOptOut(trx, a.phoneHash);
          await a.reply(trx, registrationReply(result, language, deps.drive.config.minimumAge));
        },
      });
      if (outcome.status === 'refused') {
        await deps.database.write(async (trx) => {
          await a.inbound(trx, 'registration_refused');
          if (current) await deps.conversations.remove(trx, key, expected);
          await a.reply(trx, registrationReply(outcome, language, deps.drive.config.minimumAge));
        });
      }
    }
  }
}

/**
 * STOP: no more messages to this number, queued bulk messages cancelled, any conversation ended and,
 * as the consent notice promises ("to withdraw, send STOP"), the registration withdrawn and its
 * personal data erased.
 */
async function stop(
  deps: MessagingDeps,
  a: {
    phone: string;
    phoneHash: string;
    key: string;
    keyword: Extract<Keyword, { kind: 'stop' }>;
    now: Date;
    inbound: (trx: Transaction<MusterSchema>, outcome: string) => Promise<string>;
    reply: (trx: Transaction<MusterSchema>, body: string, kind?: string) => Promise<unknown>;
  },
): Promise<void> {
  const fallback = (await knownLanguage(deps, a.phone)) ?? defaultLanguage(deps);
  const language = a.keyword.language ?? fallback;
  await deps.database.write(async (trx) => {
    await a.inbound(trx, 'stop');
    await deps.conversations.optOut(trx, a.phoneHash, 'STOP', a.now);
    // Call-ups waiting for this person's answer are closed for them; a confirmed place is released.
    // Before the outbox rows: a call-up's writers lock its rows before any outbox row.
    if (deps.callupStop) await deps.callupStop(trx, a.phoneHash, a.now);
    const cancelled = await deps.outbox.cancelBulkTo(trx, a.phone, a.now);
    await deps.conversations.remove(trx, a.key, null);
    const volunteerId = await deps.volunteers.phoneTakenBy(trx, a.phone);
    const volunteer = volunteerId ? await deps.volunteers.get(trx, volunteerId) : null;
    const withdraw = volunteer !== null && volunteer.status !== 'withdrawn';
    if (withdraw) {
      await deps.volunteers.erase(trx, volunteer.id, a.now.toISOString());
      await recordAudit(trx, { at: a.now.toISOString(), actor: ACTOR, action: 'volunteer.withdraw', details: { volunteerId: volunteer.id, channel: 'sms', by: 'STOP' } });
    }
    await recordAudit(trx, { at: a.now.toISOString(), actor: ACTOR, action: 'sms.opt_out', details: { withdrew: withdraw, cancelledMessages: cancelled } });
    await a.reply(trx, smsText(withdraw ? 'stopped_withdrawn' : 'stopped', language), 'stop_ack');
  });
}

function keywordLanguage(keyword: Keyword | null): SmsLanguage | null {
  return keyword && keyword.kind !== 'stop' ? keyword.language : null;
}

async function knownLanguage(deps: MessagingDeps, phone: string): Promise<SmsLanguage | null> {
  const id = await deps.volunteers.phoneTakenBy(deps.database.db, phone);
  const volunteer = id ? await deps.volunteers.get(deps.database.db, id) : null;
  const language = volunteer?.consent.language;
  return language && isSmsLanguage(language) ? language : null;
}

function defaultLanguage(deps: MessagingDeps): SmsLanguage {
  const language = deps.drive.config.defaultLanguage;
  return isSmsLanguage(language) ? language : 'fr';
}
