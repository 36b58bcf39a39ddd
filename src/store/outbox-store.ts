import { sql, type Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { planSms } from '../domain/sms-encoding.ts';
import type { Database } from './database.ts';
import { precompiledInsert } from './precompiled-insert.ts';
import { uuidv7 } from './ids.ts';
import type { MusterSchema } from './schema.ts';
import type { OutboxTable } from './schema-messaging.ts';
import { statementChunks } from './statement-chunks.ts';
import { phoneIndex } from './volunteer-rows.ts';

type Executor = Kysely<MusterSchema>;

export const PRIORITY = { reply: 0, bulk: 1 } as const;
export type Priority = keyof typeof PRIORITY;

export interface OutgoingSms {
  /** E.164. */
  phone: string;
  body: string;
  /** A reply to a person goes before bulk (call-ups). */
  priority: Priority;
  /** What the message is, for counts (e.g. "reply", "stop_ack", "consent_notice", "callup"). */
  kind: string;
  /** Same key, same message: enqueueing again is a no-op (a retried inbound message queues one reply). */
  dedupKey?: string | undefined;
  /** The short code to send from (the one the person wrote to), else the configured default. */
  sender?: string | null | undefined;
}

export type EnqueueOutcome = { status: 'queued'; id: string; segments: number } | { status: 'duplicate' } | { status: 'opted_out' };

/** A message claimed by a dispatcher, decrypted for sending. */
export interface ClaimedSms {
  id: string;
  phone: string;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  sender: string | null;
  attempts: number;
  priority: number;
}

/** What sending one message gave. */
export type SendResult =
  /** The gateway accepted it. */
  | { kind: 'accepted' }
  /** The gateway refused it for good (bad number...). */
  | { kind: 'rejected'; error: string }
  /** The gateway is down or busy: nothing was sent, try again later. */
  | { kind: 'unavailable'; error: string }
  /** No answer (timeout): it may or may not have been sent. The lease decides (see claim). */
  | { kind: 'unknown'; error: string };

/** Delivery report codes of Kannel's dlr-url %d. */
export const DLR = { delivered: 1, failed: 2, buffered: 4, accepted: 8, rejected: 16 } as const;

export interface OutboxOptions {
  /** Replace ê by e and the like so that more messages fit GSM-7. */
  smart: boolean;
}

/**
 * The outbox: a message to send is a row written in the same transaction as the change that causes
 * it; dispatchers claim rows with a lease and record what the gateway said. Phones and texts are
 * encrypted (bound to the row), phones found by blind index.
 */
const OUTBOX_COLUMNS = [
  'id', 'dedup_key', 'channel', 'priority', 'kind', 'phone_enc', 'phone_hash', 'sender', 'body_enc', 'encoding', 'segments', 'status', 'attempts',
  'next_attempt_at', 'lease_owner', 'lease_until', 'last_error', 'dlr_status', 'created_at', 'sending_at', 'sent_at', 'delivered_at', 'failed_at', 'cancelled_at',
] as const satisfies readonly (keyof OutboxTable)[];
/** Many messages at once (a call-up's questions): a dedup key already queued is skipped. */
const insertOutbox = precompiledInsert('outbox', OUTBOX_COLUMNS, { rowsPerStatement: 128, skipConflicts: true, returning: 'id' });

export function createOutboxStore(cipher: FieldCipher, options: OutboxOptions) {
  /** A new queued row: the text planned (encoding, parts), phone and text encrypted and bound to the row. */
  function queuedRow(message: OutgoingSms, phoneHash: string, now: Date, plan = planSms(message.body, { smart: options.smart })): OutboxTable {
    const id = uuidv7(now.getTime());
    const at = now.toISOString();
    return {
      id,
      dedup_key: message.dedupKey ?? null,
      channel: 'sms',
      priority: PRIORITY[message.priority],
      kind: message.kind,
      phone_enc: cipher.encrypt(message.phone, `outbox.phone:${id}`),
      phone_hash: phoneHash,
      sender: message.sender ?? null,
      body_enc: cipher.encrypt(plan.text, `outbox.body:${id}`),
      encoding: plan.encoding,
      segments: plan.segments,
      status: 'queued',
      attempts: 0,
      next_attempt_at: at,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      dlr_status: null,
      created_at: at,
      sending_at: null,
      sent_at: null,
      delivered_at: null,
      failed_at: null,
      cancelled_at: null,
    };
  }

  async function enqueue(db: Executor, message: OutgoingSms, now: Date): Promise<EnqueueOutcome> {
    const phoneHash = phoneIndex(cipher, message.phone);
    if (message.priority === 'bulk') {
      const stopped = await db.selectFrom('opt_outs').select('phone_hash').where('phone_hash', '=', phoneHash).executeTakeFirst();
      if (stopped) return { status: 'opted_out' };
    }
    const row = queuedRow(message, phoneHash, now);
    const result = await db
      .insertInto('outbox')
      .values(row)
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? { status: 'queued', id: row.id, segments: row.segments } : { status: 'duplicate' };
  }

  /**
   * Claims up to `limit` due messages for `owner` until `leaseMs` from now, replies first. A message
   * left "sending" by a dispatcher that died (its lease is over, and no delivery report came in the
   * meantime to show that the gateway had it) is queued again first.
   */
  async function claim(database: Database, owner: string, now: Date, limit: number, leaseMs: number): Promise<ClaimedSms[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const rows = await database.write(async (trx) => {
      await trx
        .updateTable('outbox')
        .set({ status: 'queued', lease_owner: null, lease_until: null, last_error: 'lease expired without an answer or a delivery report' })
        .where('status', '=', 'sending')
        .where('lease_until', '<', at)
        .execute();
      let due = trx
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', at)
        .orderBy('priority')
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      // Several dispatchers on PostgreSQL share the work without waiting on each other.
      if (database.dialect === 'postgres') due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', lease_owner: owner, lease_until: until, sending_at: at, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', ids)
        .where('status', '=', 'queued')
        .execute();
      return trx
        .selectFrom('outbox')
        .select(['id', 'phone_enc', 'body_enc', 'encoding', 'segments', 'sender', 'attempts', 'priority'])
        .where('id', 'in', ids)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'sending')
        .orderBy('priority')
        .orderBy('next_attempt_at')
        .orderBy('id')
        .execute();
    });
    return rows.map((r) => ({
      id: r.id,
      phone: cipher.decrypt(r.phone_enc, `outbox.phone:${r.id}`),
      body: cipher.decrypt(r.body_enc, `outbox.body:${r.id}`),
      encoding: r.encoding,
      segments: r.segments,
      sender: r.sender,
      attempts: r.attempts,
      priority: r.priority,
    }));
  }

  /**
   * Records what the gateway said about claimed messages, in one transaction. Only rows still held
   * by `owner` change: a delivery report that came first, or another dispatcher, wins.
   */
  async function record(database: Database, owner: string, results: ReadonlyArray<{ message: ClaimedSms; result: SendResult }>, now: Date, retryDelayMs: (attempts: number) => number): Promise<void> {
    if (results.length === 0) return;
    const at = now.toISOString();
    await database.write(async (trx) => {
      const held = (ids: string[]) => trx.updateTable('outbox').where('id', 'in', ids).where('status', '=', 'sending').where('lease_owner', '=', owner);
      const accepted = results.filter((r) => r.result.kind === 'accepted').map((r) => r.message.id);
      if (accepted.length > 0) await held(accepted).set({ status: 'sent', sent_at: at, lease_owner: null, lease_until: null, last_error: null }).execute();
      for (const { message, result } of results) {
        if (result.kind === 'rejected') {
          await held([message.id]).set({ status: 'failed', failed_at: at, lease_owner: null, lease_until: null, last_error: result.error.slice(0, 500) }).execute();
        } else if (result.kind === 'unavailable') {
          const next = new Date(now.getTime() + retryDelayMs(message.attempts)).toISOString();
          await held([message.id]).set({ status: 'queued', next_attempt_at: next, lease_owner: null, lease_until: null, last_error: result.error.slice(0, 500) }).execute();
        } else if (result.kind === 'unknown') {
          // Keep the lease: if the gateway did take it, its delivery report will say so before the lease ends.
          await held([message.id]).set({ last_error: result.error.slice(0, 500) }).execute();
        }
      }
    });
  }

  /**
   * Applies a delivery report. Final states (delivered, failed, cancelled) never change; a report for
   * a message queued again after its lease ran out shows that the gateway had it, so it is not resent.
   */
  async function applyDeliveryReport(database: Database, id: string, code: number, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const open = ['queued', 'sending', 'sent'] as const;
    return database.write(async (trx) => {
      const base = trx.updateTable('outbox').where('id', '=', id);
      let result;
      if (code === DLR.delivered) {
        result = await base
          .where('status', 'in', open)
          .set((eb) => ({ status: 'delivered', delivered_at: at, dlr_status: code, sent_at: eb.fn.coalesce('sent_at', sql.lit(at)), lease_owner: null, lease_until: null }))
          .executeTakeFirst();
      } else if (code === DLR.failed || code === DLR.rejected) {
        result = await base
          .where('status', 'in', open)
          .set((eb) => ({ status: 'failed', failed_at: at, dlr_status: code, sent_at: eb.fn.coalesce('sent_at', sql.lit(at)), lease_owner: null, lease_until: null, last_error: `delivery report ${code}` }))
          .executeTakeFirst();
      } else {
        result = await base
          .where('status', 'in', ['queued', 'sending'])
          .set((eb) => ({ status: 'sent', dlr_status: code, sent_at: eb.fn.coalesce('sent_at', sql.lit(at)), lease_owner: null, lease_until: null }))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) result = await base.where('status', '=', 'sent').set({ dlr_status: code }).executeTakeFirst();
      }
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /** Cancels bulk messages not yet sent to a phone (after STOP). */
  async function cancelBulkTo(db: Executor, phone: string, now: Date): Promise<number> {
    const result = await db
      .updateTable('outbox')
      .set({ status: 'cancelled', cancelled_at: now.toISOString() })
      .where('phone_hash', '=', phoneIndex(cipher, phone))
      .where('priority', '=', PRIORITY.bulk)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Queues many bulk messages at once (a call-up's wave): opted-out numbers are skipped, a dedup key
   * already queued is a no-op. Returns, for each message in order, its outbox id or null.
   * `phoneHash`, when the caller already holds the phone's blind index, saves computing it again;
   * many messages share a few texts (a call-up's, per language), so each text is planned once.
   */
  async function enqueueMany(db: Executor, messages: readonly (OutgoingSms & { dedupKey: string; phoneHash?: string })[], now: Date): Promise<(string | null)[]> {
    const hashes = messages.map((m) => m.phoneHash ?? phoneIndex(cipher, m.phone));
    const plans = new Map<string, ReturnType<typeof planSms>>();
    const planOf = (body: string) => {
      let plan = plans.get(body);
      if (!plan) plans.set(body, (plan = planSms(body, { smart: options.smart })));
      return plan;
    };
    const stopped = new Set<string>();
    for (const chunk of statementChunks([...new Set(hashes)], 500)) {
      for (const r of await db.selectFrom('opt_outs').select('phone_hash').where('phone_hash', 'in', chunk).execute()) stopped.add(r.phone_hash);
    }
    const rows: OutboxTable[] = [];
    const idOf = new Map<string, string>();
    messages.forEach((message, i) => {
      const phoneHash = hashes[i] ?? '';
      if (stopped.has(phoneHash)) return;
      const row = queuedRow(message, phoneHash, now, planOf(message.body));
      idOf.set(message.dedupKey, row.id);
      rows.push(row);
    });
    const inserted = new Set((await insertOutbox.run(db, rows)) as string[]);
    return messages.map((m) => {
      const id = idOf.get(m.dedupKey);
      return id !== undefined && inserted.has(id) ? id : null;
    });
  }

  return { enqueue, enqueueMany, claim, record, applyDeliveryReport, cancelBulkTo };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
