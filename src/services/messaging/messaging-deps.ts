import type { Transaction } from 'kysely';
import type { AppContext } from '../../app/app-context.ts';
import { createConversationStore, type ConversationStore } from '../../store/conversation-store.ts';
import { createOutboxStore, type OutboxStore } from '../../store/outbox-store.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { RegisterDeps } from '../register-volunteer.ts';

export interface MessagingSettings {
  conversationTtlMs: number;
  ussdTtlMs: number;
  /** Default sender (short code). */
  sender: string | null;
  smart: boolean;
}

/**
 * A reply to an open call-up goes to the call-up, not to the registration conversation. The call-up
 * feature plugs in here: given the person's phone and text, it either takes the message (and says
 * what to answer) or leaves it to the conversation.
 */
export type CallupReplyHook = (message: { phone: string; text: string; now: Date }) => Promise<{ handled: true; reply: string | null } | { handled: false }>;

/** The open call-up waiting for this phone's answer, for the USSD menu. */
export type CallupPendingHook = (phone: string, now: Date) => Promise<{ title: string; letter: string } | null>;

/** STOP from this phone: close its rows on live call-ups, inside the STOP's transaction. */
export type CallupStopHook = (trx: Transaction<MusterSchema>, phoneHash: string, now: Date) => Promise<unknown>;

export interface MessagingDeps extends RegisterDeps {
  outbox: OutboxStore;
  conversations: ConversationStore;
  settings: MessagingSettings;
  /** Runs work for one key at a time (messages of one person, in order of arrival). */
  serial: KeyedSerial;
  /** Called after a transaction that queued messages has committed: wakes an in-process dispatcher. */
  onQueued: () => void;
  callupReply?: CallupReplyHook | undefined;
  callupPending?: CallupPendingHook | undefined;
  callupStop?: CallupStopHook | undefined;
}

export function createMessagingDeps(ctx: AppContext, settings: MessagingSettings, extra: { onQueued?: () => void; callupReply?: CallupReplyHook; callupPending?: CallupPendingHook; callupStop?: CallupStopHook } = {}): MessagingDeps {
  return {
    database: ctx.database,
    volunteers: ctx.volunteers,
    drive: ctx.drive,
    cipher: ctx.cipher,
    clock: ctx.clock,
    outbox: createOutboxStore(ctx.cipher, { smart: settings.smart }),
    conversations: createConversationStore(ctx.cipher),
    settings,
    serial: new KeyedSerial(),
    onQueued: extra.onQueued ?? (() => undefined),
    callupReply: extra.callupReply,
    callupPending: extra.callupPending,
    callupStop: extra.callupStop,
  };
}

/** Chains work per key: two messages of the same person never race each other in this process. */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
