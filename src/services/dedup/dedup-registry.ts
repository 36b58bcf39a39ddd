import { findDuplicatesInParallel } from '../../dedup/parallel-duplicates.ts';
import { parametersToJson } from '../../dedup/model/fellegi-sunter.ts';
import type { PersonRecord } from '../../dedup/person-record.ts';
import { prepareRecord } from '../../dedup/prepared-record.ts';
import type { AppContext } from '../../app/app-context.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { forgetCachedDedupModel, REVIEW_THRESHOLD } from './dedup-model.ts';
import { queueReview, storedKeys } from './flag-duplicates.ts';

export interface RegistryDedupResult {
  records: number;
  candidatePairs: number;
  /** Pairs at or above the review threshold. */
  pairs: number;
  /** Of which new in the review queue, or back in it because their data changed since (see queueReview). */
  queued: number;
  seconds: number;
}

const PAGE = 5000;

/**
 * `muster dedup`: compares the whole registry (active volunteers), estimates the match model from it
 * (saved, and used from then on by the check on each registration), puts every likely pair in the
 * review queue (a pair already decided keeps its decision unless its data changed since), and indexes every volunteer's
 * blocking keys so that later registrations meet them. Audited as one batch.
 */
export async function dedupRegistry(ctx: AppContext, actor: string, onProgress?: (step: string, done: number, total: number) => void): Promise<RegistryDedupResult> {
  const started = performance.now();
  const records: PersonRecord[] = [];
  let after = '';
  for (;;) {
    const ids = await ctx.database.db.selectFrom('volunteers').select('id').where('status', '=', 'active').where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (ids.length === 0) break;
    records.push(...(await ctx.volunteers.comparable(ctx.database.db, ids.map((r) => r.id))));
    after = ids.at(-1)?.id ?? after;
    onProgress?.('reading', records.length, records.length);
  }
  const result = await findDuplicatesInParallel(records, { ancestorsOf: ctx.drive.ancestorsOf, threshold: REVIEW_THRESHOLD, onProgress });
  const byId = new Map(records.map((r) => [r.id, r]));
  const now = ctx.clock().toISOString();
  let queued = 0;
  for (let i = 0; i < result.pairs.length; i += 500) {
    const chunk = result.pairs.slice(i, i + 500);
    queued += await ctx.database.write(async (trx) => {
      let changed = 0;
      for (const pair of chunk) {
        const ra = byId.get(pair.a);
        const rb = byId.get(pair.b);
        if (ra && rb && (await queueReview(trx, ctx.cipher, ra, rb, pair.score, now))) changed += 1;
      }
      return changed;
    });
  }
  for (let i = 0; i < records.length; i += 1000) {
    const rows = records.slice(i, i + 1000).flatMap((r) => storedKeys(ctx.cipher, ctx.drive, prepareRecord(r, ctx.drive.ancestorsOf)).map((key) => ({ key, volunteer_id: r.id })));
    for (let j = 0; j < rows.length; j += 5000) {
      const part = rows.slice(j, j + 5000);
      await ctx.database.write((trx) => trx.insertInto('dedup_keys').values(part).onConflict((oc) => oc.doNothing()).execute());
    }
    onProgress?.('indexing', Math.min(i + 1000, records.length), records.length);
  }
  const model = parametersToJson(result.parameters);
  await ctx.database.write(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: 'dedup_model', value: model, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: model, updated_at: now }))
      .execute();
    await recordAudit(trx, { at: now, actor, action: 'dedup.batch', details: { records: records.length, candidatePairs: result.candidatePairs, pairs: result.pairs.length, queued } });
  });
  forgetCachedDedupModel();
  return { records: records.length, candidatePairs: result.candidatePairs, pairs: result.pairs.length, queued, seconds: (performance.now() - started) / 1000 };
}
