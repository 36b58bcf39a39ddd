import { findDuplicatesInParallel } from '../../dedup/parallel-duplicates.ts';
import { parametersToJson } from '../../dedup/model/fellegi-sunter.ts';
import type { AppContext } from '../../app/app-context.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { forgetCachedDedupModel, REVIEW_THRESHOLD } from './dedup-model.ts';
import { indexDuplicateKeys, queueReviews } from './flag-duplicates.ts';
import { readComparableRegistry } from './read-registry.ts';

export interface RegistryDedupResult {
  records: number;
  candidatePairs: number;
  /** Pairs at or above the review threshold. */
  pairs: number;
  /** Of which new in the review queue, or back in it because their data changed since (see upsertReviews in flag-duplicates.ts). */
  queued: number;
  seconds: number;
}

/**
 * `muster dedup`: compares the whole registry (active volunteers), estimates the match model from it
 * (saved, and used from then on by the check on each registration), puts every likely pair in the
 * review queue (a pair already decided keeps its decision unless its data changed since), and indexes the
 * blocking keys of volunteers who have none yet, so that later registrations meet them. Audited as one batch.
 */
export async function dedupRegistry(ctx: AppContext, actor: string, onProgress?: (step: string, done: number, total: number) => void): Promise<RegistryDedupResult> {
  const started = performance.now();
  const records = await readComparableRegistry(ctx, { onProgress: (done) => onProgress?.('reading', done, done) });
  const result = await findDuplicatesInParallel(records, { ancestorsOf: ctx.drive.ancestorsOf, threshold: REVIEW_THRESHOLD, onProgress });
  const byId = new Map(records.map((r) => [r.id, r]));
  const now = ctx.clock().toISOString();
  let queued = 0;
  for (let i = 0; i < result.pairs.length; i += 500) {
    const chunk = result.pairs.slice(i, i + 500);
    const known = chunk.flatMap((pair) => {
      const x = byId.get(pair.a);
      const y = byId.get(pair.b);
      return x && y ? [{ x, y, score: pair.score }] : [];
    });
    queued += await ctx.database.write((trx) => queueReviews(trx, ctx.cipher, known, now));
  }
  // Registrations index their own keys as they are stored; only people registered before that (or
  // whose keys were lost) are indexed here.
  const indexed = new Set((await ctx.database.db.selectFrom('dedup_keys').select('volunteer_id').distinct().execute()).map((r) => r.volunteer_id));
  const unindexed = records.filter((r) => !indexed.has(r.id));
  for (let i = 0; i < unindexed.length; i += 1000) {
    const part = unindexed.slice(i, i + 1000);
    await ctx.database.write((trx) => indexDuplicateKeys(trx, ctx, part));
    onProgress?.('indexing', Math.min(i + 1000, unindexed.length), unindexed.length);
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
