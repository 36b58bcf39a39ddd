import { CompiledQuery, sql } from 'kysely';
import { callupAskText } from '../../callups/message.ts';
import { isSmsLanguage } from '../../i18n/sms-messages.ts';
import { PRIORITY } from '../../store/outbox-store.ts';
import type { RecipientState } from '../../store/schema-callups.ts';
import type { CallupDeps } from './callup-deps.ts';
import { lockCallup } from './callup-places.ts';
import { liveCallupIds, loadCallup, openLetters, textValues } from './callups.ts';
import { volunteerPhones } from './volunteer-phone.ts';

/** A recipient's question queued: the same statement text for every row (no query building per row). */
const SET_QUEUED = {
  sqlite: `update callup_recipients set outbox_id = ?, phone_hash = ?, updated_at = ? where id = ? and state = 'asked'`,
  postgres: `update callup_recipients set outbox_id = $1, phone_hash = $2, updated_at = $3 where id = $4 and state = 'asked'`,
} as const;

/**
 * Call-up questions are queued when they can be sent, not when people are chosen: starting a call-up
 * (or a wave) writes recipient rows only, and the dispatcher, before it claims messages, calls this to
 * turn the next recipients into outbox messages, as many as it has room for. Sending is bound by the
 * gateway's rate anyway; rendering and sealing 100,000 messages inside the start's transaction made
 * the start slow and held the only SQLite writer. Each person is checked again at this moment: still
 * active, not merged, with a phone, not opted out (the outbox refuses bulk messages to an opted-out
 * number); otherwise the recipient is cancelled and never contacted. A call-up that is no longer
 * running (filled, cancelled, closed) or past its answer deadline sends nothing more; a recipient whose
 * question was withdrawn (need filled, STOP, cancel) is no longer `asked`.
 *
 * Whether the question shows its letter ("B OUI") is decided now, from the person's other open
 * questions at the time of sending. Call-ups are served by priority, then age; within one, in the order
 * people were chosen (rotation order: recipient ids are time-ordered). On PostgreSQL the call-up's row
 * is locked first, as every writer of a call-up does (callup-places.ts), so two dispatchers never queue
 * the same recipient, and an answer filling the need waits for the batch or finds it queued.
 */
export async function queueCallupQuestions(deps: CallupDeps, now: Date, room: number): Promise<number> {
  if (room <= 0) return 0;
  const db = deps.database.db;
  const at = now.toISOString();
  // Bulk messages already waiting in the outbox take the room first.
  const waiting = await sql<{ n: number }>`
    select count(*) as n from (select id from outbox where status = 'queued' and priority = ${PRIORITY.bulk} limit ${room}) q
  `.execute(db);
  let free = room - Number(waiting.rows[0]?.n ?? 0);
  if (free <= 0) return 0;
  const running = await db.selectFrom('callups').select('id').where('status', '=', 'running').where('answer_by', '>', at).orderBy('priority').orderBy('created_at').orderBy('id').execute();
  let total = 0;
  for (const { id } of running) {
    if (free <= 0) break;
    // The partial index `callup_recipients_unsent` (the literal 'asked' lets SQLite use it).
    const unsent = (limit: number) => sql<{ id: string; need_id: string; volunteer_id: string; letter: string; language: string; phone_hash: string }>`
      select id, need_id, volunteer_id, letter, language, phone_hash from callup_recipients
      where callup_id = ${id} and outbox_id is null and state = 'asked'
      order by id limit ${limit}
    `;
    if ((await unsent(1).execute(db)).rows.length === 0) continue;
    const limit = free;
    const queued = await deps.database.write(async (trx) => {
      await lockCallup(deps, trx, id, null);
      const callup = await loadCallup(trx, id);
      if (!callup || callup.status !== 'running' || new Date(callup.answerBy).getTime() <= now.getTime()) return 0;
      const rows = (await unsent(limit).execute(trx)).rows;
      if (rows.length === 0) return 0;
      const phones = await volunteerPhones(deps, trx, rows.map((r) => r.volunteer_id));
      const others = await openLetters(trx, rows.map((r) => r.volunteer_id), await liveCallupIds(trx, id));
      const roleOf = new Map(callup.needs.map((n) => [n.id, n.role]));
      const bodies = new Map<string, string>();
      const sendable = rows.flatMap((r) => {
        const to = phones.get(r.volunteer_id);
        if (!to) return [];
        const language = isSmsLanguage(r.language) ? r.language : 'fr';
        const letter = (others.get(r.volunteer_id) ?? []).length > 0 ? r.letter : null;
        const role = roleOf.get(r.need_id) ?? '';
        const key = `${r.need_id}:${language}:${letter ?? ''}`;
        let body = bodies.get(key);
        if (body === undefined) bodies.set(key, (body = callupAskText(callup.texts, language, textValues(deps, callup, role, language), letter)));
        return [{ recipient: r, message: { phone: to.phone, phoneHash: to.phoneHash, body, priority: 'bulk' as const, kind: 'callup', dedupKey: `callup:${id}:${r.volunteer_id}` } }];
      });
      const outboxIds = await deps.outbox.enqueueMany(trx, sendable.map((x) => x.message), now);
      const sent = new Map(sendable.map((x, i) => [x.recipient.id, { outboxId: outboxIds[i] ?? null, phoneHash: x.message.phoneHash }]));
      const cancelled: string[] = [];
      let n = 0;
      for (const r of rows) {
        const s = sent.get(r.id);
        if (!s || s.outboxId === null) {
          cancelled.push(r.id);
          continue;
        }
        // The phone the question went to: a reply from it finds this row.
        await trx.executeQuery(CompiledQuery.raw(SET_QUEUED[deps.database.dialect], [s.outboxId, s.phoneHash, at, r.id]));
        n += 1;
      }
      if (cancelled.length > 0) {
        await trx.updateTable('callup_recipients').set({ state: 'cancelled' satisfies RecipientState, updated_at: at }).where('id', 'in', cancelled).where('state', '=', 'asked').execute();
      }
      return n;
    });
    free -= queued;
    total += queued;
  }
  return total;
}

/** What a dispatcher calls before claiming messages (Dispatcher's `feed`). */
export function callupFeed(deps: CallupDeps): (now: Date, room: number) => Promise<number> {
  return (now, room) => queueCallupQuestions(deps, now, room);
}
