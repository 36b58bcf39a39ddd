import type { Drive } from '../../config/load-drive.ts';
import { DEFAULT_THRESHOLD } from '../../dedup/find-duplicates.ts';
import type { Volunteer } from '../../domain/volunteer.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import type { Database } from '../../store/database.ts';
import type { VolunteerStore } from '../../store/volunteer-store.ts';
import { callerActor, canSee, presentFor, scopeOf, type Caller } from '../access-context.ts';

export interface ReviewDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
  clock: () => Date;
}

export interface ReviewItem {
  id: string;
  probability: number;
  /** 'high': at or above the probability from which the matcher itself judges the same person; 'middle': below, for a person to judge. */
  band: 'high' | 'middle';
  status: 'pending' | 'same' | 'different';
  createdAt: string;
  /** Field by field: agreement level and weight (the values are in the two records). */
  explanation: Array<{ field: string; level: string; weight: number }>;
  /** The earlier registration, then the later one, as the caller may see them. */
  a: Partial<Volunteer>;
  b: Partial<Volunteer>;
}

/**
 * The possible duplicates the caller may judge (both records in scope), most likely first. Audited as
 * a read of both records.
 */
export async function listReviews(deps: ReviewDeps, caller: Caller, request: { status: 'pending' | 'same' | 'different'; limit: number }): Promise<ReviewItem[]> {
  const now = deps.clock();
  const scope = scopeOf(caller, now);
  const rows = await deps.database.db
    .selectFrom('dedup_reviews')
    .selectAll()
    .where('status', '=', request.status)
    .orderBy('probability', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(request.limit, 1), 100) * 4)
    .execute();
  const volunteers = new Map((await deps.volunteers.getMany(deps.database.db, [...new Set(rows.flatMap((r) => [r.volunteer_a, r.volunteer_b]))])).map((v) => [v.id, v]));
  const items: ReviewItem[] = [];
  for (const row of rows) {
    const a = volunteers.get(row.volunteer_a);
    const b = volunteers.get(row.volunteer_b);
    if (!a || !b || !canSee(scope, a, deps.drive) || !canSee(scope, b, deps.drive)) continue;
    items.push({
      id: row.id,
      probability: row.probability,
      band: row.probability >= DEFAULT_THRESHOLD ? 'high' : 'middle',
      status: row.status,
      createdAt: row.created_at,
      explanation: JSON.parse(row.explanation) as ReviewItem['explanation'],
      a: presentFor(caller, a),
      b: presentFor(caller, b),
    });
    if (items.length >= request.limit) break;
  }
  await deps.database.write((trx) =>
    recordAudit(trx, {
      at: now.toISOString(),
      actor: callerActor(caller),
      action: 'dedup.review_list',
      details: { status: request.status, count: items.length, volunteerIds: items.flatMap((i) => [i.a.id, i.b.id]) },
      ip: caller.ip,
    }),
  );
  return items;
}

export type DecisionOutcome = { status: 'decided'; kept?: string; merged?: string } | { status: 'not_found' } | { status: 'already_decided'; decision: string };

/**
 * "Same person": the earlier registration is kept and receives the roles and skills of the later
 * one, which is erased like a withdrawal and points to the kept one. "Different people": remembered,
 * so the pair is not flagged again. Both are audited; the review row keeps the history.
 */
export async function decideReview(deps: ReviewDeps, caller: Caller, reviewId: string, decision: 'same' | 'different'): Promise<DecisionOutcome> {
  const now = deps.clock();
  const at = now.toISOString();
  const scope = scopeOf(caller, now);
  return deps.database.write(async (trx): Promise<DecisionOutcome> => {
    const review = await trx.selectFrom('dedup_reviews').selectAll().where('id', '=', reviewId).executeTakeFirst();
    if (!review) return { status: 'not_found' };
    const [a, b] = await Promise.all([deps.volunteers.get(trx, review.volunteer_a), deps.volunteers.get(trx, review.volunteer_b)]);
    if (!a || !b || !canSee(scope, a, deps.drive) || !canSee(scope, b, deps.drive)) return { status: 'not_found' };
    if (review.status !== 'pending') return { status: 'already_decided', decision: review.status };
    await trx.updateTable('dedup_reviews').set({ status: decision, decided_by: callerActor(caller), decided_at: at }).where('id', '=', reviewId).execute();
    if (decision === 'different') {
      await recordAudit(trx, { at, actor: callerActor(caller), action: 'dedup.different', details: { reviewId, volunteerIds: [a.id, b.id] }, ip: caller.ip });
      return { status: 'decided' };
    }
    const [keep, merge] = a.createdAt <= b.createdAt ? [a, b] : [b, a];
    await deps.volunteers.update(
      trx,
      keep.id,
      { roles: [...new Set([...keep.roles, ...merge.roles])].sort(), skills: [...new Set([...keep.skills, ...merge.skills])].sort(), languages: [...new Set([...keep.languages, ...merge.languages])] },
      at,
    );
    await deps.volunteers.erase(trx, merge.id, at);
    await trx.updateTable('volunteers').set({ merged_into: keep.id }).where('id', '=', merge.id).execute();
    await recordAudit(trx, { at, actor: callerActor(caller), action: 'dedup.merge', details: { reviewId, kept: keep.id, merged: merge.id }, ip: caller.ip });
    return { status: 'decided', kept: keep.id, merged: merge.id };
  });
}
