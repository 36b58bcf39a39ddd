import { waveSize } from '../../callups/selection.ts';
import type { RecipientState } from '../../store/schema-callups.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import type { CallupDeps } from './callup-deps.ts';
import { askMore, loadCallup } from './callups.ts';

export interface AdvanceResult {
  asked: number;
  timedOut: number;
  delivered: number;
}

/**
 * Moves running call-ups on, at `now`: delivery reports become "delivered", people who did not answer
 * within their wave's time become "no answer", and each need that is not filled asks the next people
 * in rotation order, as many as its open places (times the over-asking factor) less those still
 * waiting. Called by the worker's timer; safe to run in several processes (one call-up is advanced
 * under a lock on its row).
 */
export async function advanceCallups(deps: CallupDeps, now: Date): Promise<AdvanceResult> {
  const at = now.toISOString();
  const running = await deps.database.db.selectFrom('callups').select('id').where('status', '=', 'running').orderBy('priority').orderBy('created_at').execute();
  const total: AdvanceResult = { asked: 0, timedOut: 0, delivered: 0 };
  for (const { id } of running) {
    const r = await deps.database.write(async (trx) => {
      if (deps.database.dialect === 'postgres') await trx.selectFrom('callups').select('id').where('id', '=', id).forUpdate().execute();
      const callup = await loadCallup(trx, id);
      if (!callup || callup.status !== 'running') return { asked: 0, timedOut: 0, delivered: 0 };
      const delivered = await trx
        .updateTable('callup_recipients')
        .set((eb) => ({
          state: 'delivered' satisfies RecipientState,
          delivered_at: eb.selectFrom('outbox').select('outbox.delivered_at').whereRef('outbox.id', '=', 'callup_recipients.outbox_id'),
          updated_at: at,
        }))
        .where('callup_id', '=', id)
        .where('state', '=', 'asked')
        .where((eb) => eb.exists(eb.selectFrom('outbox').select('outbox.id').whereRef('outbox.id', '=', 'callup_recipients.outbox_id').where('outbox.status', '=', 'delivered')))
        .executeTakeFirst();
      // The wave's time counts from when the question left (sent, or delivered when the gateway's
      // report comes first), not from when it was queued: a long queue must not use up a person's
      // time to answer. A message that failed counts from its failure.
      const cutoff = new Date(now.getTime() - callup.waveTimeoutMinutes * 60_000).toISOString();
      const timedOut = await trx
        .updateTable('callup_recipients')
        .set({ state: 'no_answer' satisfies RecipientState, updated_at: at })
        .where('callup_id', '=', id)
        .where('state', 'in', ['asked', 'delivered'])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('outbox')
              .select('outbox.id')
              .whereRef('outbox.id', '=', 'callup_recipients.outbox_id')
              .where((o) => o.or([o('outbox.sent_at', '<=', cutoff), o('outbox.delivered_at', '<=', cutoff), o('outbox.failed_at', '<=', cutoff)])),
          ),
        )
        .executeTakeFirst();
      let asked = 0;
      if (new Date(callup.answerBy).getTime() > now.getTime()) {
        const waiting = await trx
          .selectFrom('callup_recipients')
          .select(['need_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('callup_id', '=', id)
          .where('state', 'in', ['asked', 'delivered'])
          .groupBy('need_id')
          .execute();
        const wave = callup.wave + 1;
        for (const need of callup.needs) {
          const n = waveSize({ count: need.count, confirmed: need.confirmed, waiting: Number(waiting.find((w) => w.need_id === need.id)?.n ?? 0) }, callup.overAsk);
          asked += await askMore(deps, trx, callup, need, n, wave, now);
        }
        if (asked > 0) {
          await trx.updateTable('callups').set({ wave, wave_started_at: at, updated_at: at }).where('id', '=', id).execute();
          await recordAudit(trx, { at, actor: 'system:callup', action: 'callup.wave', details: { callupId: id, wave, asked } });
        }
      }
      return { asked, timedOut: Number(timedOut.numUpdatedRows), delivered: Number(delivered.numUpdatedRows) };
    });
    total.asked += r.asked;
    total.timedOut += r.timedOut;
    total.delivered += r.delivered;
  }
  if (total.asked > 0) deps.onQueued();
  return total;
}
