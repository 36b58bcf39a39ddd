import type { Kysely } from 'kysely';
import { compareRecords } from '../../dedup/compare-records.ts';
import { scorePair, type ModelParameters, type PairScore } from '../../dedup/model/fellegi-sunter.ts';
import type { PersonRecord } from '../../dedup/person-record.ts';
import { prepareRecord, type PreparedRecord } from '../../dedup/prepared-record.ts';
import type { Drive } from '../../config/load-drive.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { Volunteer } from '../../domain/volunteer.ts';
import { uuidv7 } from '../../store/ids.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { VolunteerStore } from '../../store/volunteer-store.ts';
import { canonicalJson } from '../../domain/canonical-json.ts';
import { REVIEW_THRESHOLD } from './dedup-model.ts';

/**
 * The keys kept for every volunteer, to find the people a new registration may duplicate. In Niger a
 * few hundred names cover most people, so a name alone (or a name pair alone) is shared by thousands
 * at a million registrations: every key here combines two facts, so that a key is shared by a handful
 * of people, yet a second registration written otherwise (alias spelling, swapped names, a typo in one
 * name, a wrong year, a year instead of a date) still shares at least one with the first.
 */
function onlineKeys(r: PreparedRecord, regionOf: (area: string) => string | undefined): string[] {
  const keys: string[] = [];
  const names = [...new Set([...r.given.canonical, ...r.family.canonical])].sort();
  // Primary phonetic code of each name only: alternates would multiply the keys (each a random index
  // entry written with every registration) for little gain.
  const codes = [...new Set([r.given.phonetic[0], r.family.phonetic[0]].filter((c): c is string => c !== undefined))].sort();
  const pairs = (items: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) out.push(`${items[i]}|${items[j]}`);
    return out;
  };
  const year = r.record.birthYear;
  const region = r.record.area ? (regionOf(r.record.area) ?? r.record.area) : null;
  for (const pair of pairs(names)) {
    if (year) keys.push(`ny:${pair}|${year}`);
    if (region) keys.push(`nr:${pair}|${region}`);
  }
  if (year) for (const pair of pairs(codes)) keys.push(`py:${pair}|${year}`);
  if (r.record.birthDate) for (const name of names) keys.push(`dn:${r.record.birthDate}|${name}`);
  if (r.nationalId) keys.push(`id:${r.nationalId}`);
  return keys;
}

/** Candidates compared per new registration: those sharing the most keys with it come first. */
const MAX_CANDIDATES = 5;

export interface FlagDeps {
  cipher: FieldCipher;
  volunteers: VolunteerStore;
  drive: Drive;
}

export function personRecordOf(v: Pick<Volunteer, 'id' | 'givenName' | 'familyName' | 'birthDate' | 'birthYear' | 'phone' | 'nationalId' | 'area'>): PersonRecord {
  return { id: v.id, givenName: v.givenName, familyName: v.familyName, birthDate: v.birthDate, birthYear: v.birthYear, phone: v.phone, nationalId: v.nationalId, area: v.area };
}

/** Keyed hashes of a record's blocking keys: equal keys meet, names stay unreadable. */
export function storedKeys(cipher: FieldCipher, drive: Drive, record: PreparedRecord): string[] {
  const regionOf = (area: string) => drive.regionOf(area)?.pcode;
  return [...new Set(onlineKeys(record, regionOf).map((key) => cipher.blindIndex('dedup', key).slice(0, 22)))];
}

/** What a decision is about: when the data change, an earlier "different people" no longer holds. */
export function pairDataHash(cipher: FieldCipher, a: PersonRecord, b: PersonRecord): string {
  const [first, second] = a.id < b.id ? [a, b] : [b, a];
  return cipher.fingerprint(canonicalJson([first, second]));
}

/**
 * Compares a new registration with the registered people sharing the most blocking keys with it, puts
 * each pair scoring at or above the review threshold in the review queue, and indexes the new
 * registration's keys. Runs inside the registration's transaction. Returns the number of pairs flagged.
 */
export async function flagPossibleDuplicates(
  trx: Kysely<MusterSchema>,
  deps: FlagDeps,
  model: ModelParameters,
  record: PersonRecord,
  now: string,
): Promise<number> {
  const ancestorsOf = deps.drive.ancestorsOf;
  const prepared = prepareRecord(record, ancestorsOf);
  const keys = storedKeys(deps.cipher, deps.drive, prepared);
  if (keys.length === 0) return 0;
  const rows = await trx
    .selectFrom('dedup_keys')
    .select(['volunteer_id', (eb) => eb.fn.countAll<number>().as('shared')])
    .where('key', 'in', keys)
    .groupBy('volunteer_id')
    .orderBy('shared', 'desc')
    .limit(MAX_CANDIDATES)
    .execute();
  const ids = rows.map((r) => r.volunteer_id).filter((id) => id !== record.id);
  let flagged = 0;
  if (ids.length > 0) {
    const candidates = await deps.volunteers.comparable(trx, ids);
    for (const other of candidates) {
      const score = scorePair(compareRecords(prepared, prepareRecord(other, ancestorsOf), { ancestorsOf }), model);
      if (score.probability < REVIEW_THRESHOLD) continue;
      if (await queueReview(trx, deps.cipher, record, other, score, now)) flagged += 1;
    }
  }
  await trx.insertInto('dedup_keys').values(keys.map((key) => ({ key, volunteer_id: record.id }))).onConflict((oc) => oc.doNothing()).execute();
  return flagged;
}

/**
 * Puts a pair in the review queue. A pair already there keeps its decision while both records stay
 * as they were when it was flagged or decided; when their compared data have changed since (a new
 * phone number, say), a "different people" decision no longer holds and the pair is asked again, and
 * a pending pair gets the new score. A "same person" decision is final (the later record is merged).
 * Returns whether the queue changed.
 */
export async function queueReview(
  trx: Kysely<MusterSchema>,
  cipher: FieldCipher,
  x: PersonRecord,
  y: PersonRecord,
  score: Pick<PairScore, 'probability' | 'fields'>,
  now: string,
): Promise<boolean> {
  // Ids are time-ordered: the first of the pair is the earlier registration.
  const [a, b] = x.id < y.id ? [x, y] : [y, x];
  const values = {
    probability: score.probability,
    explanation: JSON.stringify(score.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight }))),
    status: 'pending' as const,
    data_hash: pairDataHash(cipher, a, b),
    created_at: now,
    decided_by: null,
    decided_at: null,
  };
  const result = await trx
    .insertInto('dedup_reviews')
    .values({ id: uuidv7(), volunteer_a: a.id, volunteer_b: b.id, ...values })
    .onConflict((oc) =>
      oc
        .columns(['volunteer_a', 'volunteer_b'])
        .doUpdateSet(values)
        .where((eb) => eb.and([eb('dedup_reviews.status', '<>', 'same'), eb('dedup_reviews.data_hash', '<>', eb.ref('excluded.data_hash'))])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Checks a registered volunteer again after their compared data changed: their lookup keys are
 * replaced and the people sharing them compared again (see queueReview for earlier decisions).
 */
export async function recheckVolunteer(trx: Kysely<MusterSchema>, deps: FlagDeps, model: ModelParameters, record: PersonRecord, now: string): Promise<number> {
  await trx.deleteFrom('dedup_keys').where('volunteer_id', '=', record.id).execute();
  return flagPossibleDuplicates(trx, deps, model, record, now);
}

/** Whether a registration has a possible duplicate still waiting for a decision. */
export async function isAwaitingReview(db: Kysely<MusterSchema>, volunteerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('dedup_reviews')
    .select('id')
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('volunteer_a', '=', volunteerId), eb('volunteer_b', '=', volunteerId)]))
    .executeTakeFirst();
  return row !== undefined;
}
