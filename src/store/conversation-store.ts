import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { ConversationState } from '../messaging/registration-conversation.ts';
import { uuidv7 } from './ids.ts';
import type { MusterSchema } from './schema.ts';

type Executor = Kysely<MusterSchema>;

export interface StoredConversation {
  state: ConversationState;
  version: number;
  expiresAt: string;
}

/** Another message of the same person changed the conversation first: handle this one again. */
export class StaleConversationError extends Error {}
/** The gateway delivered this message before: it was handled then. */
export class DuplicateInboundError extends Error {}

/**
 * Conversation state (answers so far, encrypted as one document), inbound messages (each gateway id
 * once) and opt-outs. Updates of a conversation apply only to the version they were computed from.
 */
export function createConversationStore(cipher: FieldCipher) {
  const context = (key: string) => `conversations.state:${key}`;

  async function load(db: Executor, key: string): Promise<StoredConversation | null> {
    const row = await db.selectFrom('conversations').select(['state_enc', 'version', 'expires_at']).where('key', '=', key).executeTakeFirst();
    if (!row) return null;
    return { state: JSON.parse(cipher.decrypt(row.state_enc, context(key))) as ConversationState, version: row.version, expiresAt: row.expires_at };
  }

  /** Saves the state computed from `expected` (null: there was none); throws StaleConversationError otherwise. */
  async function save(
    db: Executor,
    entry: { key: string; channel: 'sms' | 'ussd'; phoneHash: string; state: ConversationState; expected: number | null; now: Date; ttlMs: number },
  ): Promise<void> {
    const values = {
      state_enc: cipher.encrypt(JSON.stringify(entry.state), context(entry.key)),
      updated_at: entry.now.toISOString(),
      expires_at: new Date(entry.now.getTime() + entry.ttlMs).toISOString(),
    };
    if (entry.expected === null) {
      const result = await db
        .insertInto('conversations')
        .values({ key: entry.key, channel: entry.channel, phone_hash: entry.phoneHash, version: 1, ...values })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new StaleConversationError(entry.key);
      return;
    }
    const result = await db
      .updateTable('conversations')
      .set({ ...values, version: entry.expected + 1 })
      .where('key', '=', entry.key)
      .where('version', '=', entry.expected)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new StaleConversationError(entry.key);
  }

  /** Ends a conversation; with `expected`, only the version it was read at. */
  async function remove(db: Executor, key: string, expected: number | null): Promise<void> {
    let query = db.deleteFrom('conversations').where('key', '=', key);
    if (expected !== null) query = query.where('version', '=', expected);
    const result = await query.executeTakeFirst();
    if (expected !== null && Number(result.numDeletedRows) !== 1) throw new StaleConversationError(key);
  }

  /** Deletes conversations past their expiry (their answers are personal data). */
  async function purgeExpired(db: Executor, now: Date): Promise<number> {
    const result = await db.deleteFrom('conversations').where('expires_at', '<', now.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Records an inbound message; throws DuplicateInboundError when this gateway id was recorded before. */
  async function recordInbound(
    db: Executor,
    entry: { channel: 'sms' | 'ussd'; gatewayId: string; phoneHash: string; body: string; outcome: string; now: Date },
  ): Promise<string> {
    const id = uuidv7(entry.now.getTime());
    const result = await db
      .insertInto('inbound_messages')
      .values({
        id,
        channel: entry.channel,
        gateway_id: entry.gatewayId,
        phone_hash: entry.phoneHash,
        body_enc: cipher.encrypt(entry.body, `inbound_messages.body:${id}`),
        outcome: entry.outcome,
        received_at: entry.now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['channel', 'gateway_id']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new DuplicateInboundError(entry.gatewayId);
    return id;
  }

  async function seenInbound(db: Executor, channel: 'sms' | 'ussd', gatewayId: string): Promise<boolean> {
    return (await db.selectFrom('inbound_messages').select('id').where('channel', '=', channel).where('gateway_id', '=', gatewayId).executeTakeFirst()) !== undefined;
  }

  async function optOut(db: Executor, phoneHash: string, keyword: string, now: Date): Promise<void> {
    await db
      .insertInto('opt_outs')
      .values({ phone_hash: phoneHash, keyword, at: now.toISOString() })
      .onConflict((oc) => oc.column('phone_hash').doUpdateSet({ keyword, at: now.toISOString() }))
      .execute();
  }

  async function clearOptOut(db: Executor, phoneHash: string): Promise<void> {
    await db.deleteFrom('opt_outs').where('phone_hash', '=', phoneHash).execute();
  }

  async function isOptedOut(db: Executor, phoneHash: string): Promise<boolean> {
    return (await db.selectFrom('opt_outs').select('phone_hash').where('phone_hash', '=', phoneHash).executeTakeFirst()) !== undefined;
  }

  return { load, save, remove, purgeExpired, recordInbound, seenInbound, optOut, clearOptOut, isOptedOut, newId: uuidv7 };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
