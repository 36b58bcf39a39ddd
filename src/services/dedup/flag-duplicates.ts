import type { Kysely } from 'kysely';
import { compareRecords } from '../../dedup/compare-records.ts';
import { scorePair, type ModelParameters, type PairScore } from '../../dedup/model/fellegi-sunter.ts';
import type { PersonRecord } from '../../dedup/person-record.ts';
import { prepareRecord, type PreparedRecord } from '../../dedup/prepared-record.ts';
import type { Drive } from '../../config/load-drive.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { Volunteer } from '../../domain/volunteer.ts';
import { uuidv7 } from '../../store/ids.ts';
import { precompiledInsert } from '../../store/precompiled-insert.ts';
import { statementChunks } from '../../store/statement-chunks.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { DedupReviewsTable } from '../../store/schema-staff.ts';
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
export function storedKeys(cipher: Pick<FieldCipher, 'blindIndex'>, drive: Drive, record: PreparedRecord): string[] {
  const regionOf = (area: string) => drive.regionOf(area)?.pcode;
  return [...new Set(onlineKeys(record, regionOf).map((key) => cipher.blindIndex('dedup', key).slice(0, 22)))];
}

/**
 * `storedKeys` of a registration not stored yet (the keys do not depend on the id): computed with the
 * rest of a registration's checks, on whichever thread runs them.
 */
export function registrationKeys(cipher: Pick<FieldCipher, 'blindIndex'>, drive: Drive, registration: Omit<Parameters<typeof personRecordOf>[0], 'id'>): string[] {
  return storedKeys(cipher, drive, prepareRecord(personRecordOf({ ...registration, id: '' }), drive.ancestorsOf));
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
  const [flagged] = await flagPossibleDuplicatesMany(trx, deps, model, [record], now);
  return flagged ?? 0;
}

/** Keys or rows per statement: both databases limit parameters; repeated sizes reuse prepared statements. */
const KEYS_PER_STATEMENT = 512;

/**
 * `flagPossibleDuplicates` for several new registrations at once, as if they had been checked one
 * after the other in this order (each meets the earlier ones of the batch too), with one lookup of
 * blocking keys, one read of candidates and one write of keys and pairs for the whole batch.
 * Returns the number of pairs flagged for each record.
 */
export async function flagPossibleDuplicatesMany(
  trx: Kysely<MusterSchema>,
  deps: FlagDeps,
  model: ModelParameters,
  records: readonly PersonRecord[],
  now: string,
  /** Each record's `storedKeys`, when already computed (registrationKeys). */
  knownKeys?: ReadonlyArray<readonly string[]>,
): Promise<number[]> {
  const ancestorsOf = deps.drive.ancestorsOf;
  const prepared = records.map((record) => prepareRecord(record, ancestorsOf));
  const keysOf = prepared.map((p, i) => knownKeys?.[i] ?? storedKeys(deps.cipher, deps.drive, p));
  const allKeys = [...new Set(keysOf.flat())];
  /** Who holds each key: the registry first, then the batch as it goes. */
  const holders = new Map<string, string[]>();
  for (const chunk of statementChunks(allKeys, KEYS_PER_STATEMENT)) {
    const rows = await trx.selectFrom('dedup_keys').select(['key', 'volunteer_id']).where('key', 'in', chunk).execute();
    for (const row of rows) {
      const list = holders.get(row.key);
      if (list) list.push(row.volunteer_id);
      else holders.set(row.key, [row.volunteer_id]);
    }
  }
  const candidatesOf = records.map((record, i) => {
    const keys = keysOf[i] ?? [];
    const shared = new Map<string, number>();
    for (const key of keys) for (const id of holders.get(key) ?? []) if (id !== record.id) shared.set(id, (shared.get(id) ?? 0) + 1);
    for (const key of keys) {
      const list = holders.get(key);
      if (list) list.push(record.id);
      else holders.set(key, [record.id]);
    }
    return [...shared]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, MAX_CANDIDATES)
      .map(([id]) => id);
  });

  // Candidates registered in this same batch are compared from memory: they were stored from exactly
  // these values a moment ago, in this transaction, and are active. Only the others are read back.
  const comparable = new Map<string, PreparedRecord>();
  prepared.forEach((p) => comparable.set(p.record.id, p));
  const wanted = [...new Set(candidatesOf.flat())].filter((id) => !comparable.has(id));
  for (const chunk of statementChunks(wanted, KEYS_PER_STATEMENT)) {
    for (const other of await deps.volunteers.comparable(trx, chunk)) comparable.set(other.id, prepareRecord(other, ancestorsOf));
  }
  const reviews: DedupReviewsTable[] = [];
  const flagged = records.map((record, i) => {
    const mine = prepared[i];
    if (!mine) return 0;
    let count = 0;
    for (const id of candidatesOf[i] ?? []) {
      const other = comparable.get(id);
      if (!other) continue;
      const score = scorePair(compareRecords(mine, other, { ancestorsOf }), model);
      if (score.probability < REVIEW_THRESHOLD) continue;
      reviews.push(reviewRow(deps.cipher, record, other.record, score, now));
      count += 1;
    }
    return count;
  });
  // A new registration has no review yet: its pairs are new. A volunteer checked again after a change
  // may have: see upsertReviews.
  for (const chunk of statementChunks(reviews, 64)) await upsertReviews(trx, chunk);
  await insertKeys(
    trx,
    records.map((record, i) => ({ id: record.id, keys: keysOf[i] ?? [] })),
  );
  return flagged;
}

const insertKeyRows = precompiledInsert('dedup_keys', ['key', 'volunteer_id'], { rowsPerStatement: KEYS_PER_STATEMENT, skipConflicts: true });

/**
 * Keys are keyed hashes, so each lands at a random place of the key index: written in key order, the
 * index is walked from left to right once per batch instead of jumped about.
 */
async function insertKeys(trx: Kysely<MusterSchema>, keysOf: ReadonlyArray<{ id: string; keys: readonly string[] }>): Promise<void> {
  const rows = keysOf.flatMap(({ id, keys }) => keys.map((key) => ({ key, volunteer_id: id })));
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.volunteer_id < b.volunteer_id ? -1 : a.volunteer_id > b.volunteer_id ? 1 : 0));
  await insertKeyRows.run(trx, rows);
}

/**
 * Indexes the duplicate-check keys of stored volunteers without comparing them (bulk registrations,
 * people stored before the check existed), so that later registrations meet them.
 */
export async function indexDuplicateKeys(trx: Kysely<MusterSchema>, deps: Pick<FlagDeps, 'cipher' | 'drive'>, records: readonly PersonRecord[]): Promise<void> {
  await insertKeys(
    trx,
    records.map((r) => ({ id: r.id, keys: storedKeys(deps.cipher, deps.drive, prepareRecord(r, deps.drive.ancestorsOf)) })),
  );
}

/** A review row for a pair; ids are time-ordered, so the first of the pair is the earlier registration. */
function reviewRow(cipher: FieldCipher, x: PersonRecord, y: PersonRecord, score: Pick<PairScore, 'probability' | 'fields'>, now: string): DedupReviewsTable {
  const [a, b] = x.id < y.id ? [x, y] : [y, x];
  return {
    id: uuidv7(),
    volunteer_a: a.id,
    volunteer_b: b.id,
    probability: score.probability,
    explanation: JSON.stringify(score.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight }))),
    status: 'pending',
    data_hash: pairDataHash(cipher, a, b),
    created_at: now,
    decided_by: null,
    decided_at: null,
  };
}

/**
 * Inserts review rows. A pair already in the queue keeps its decision while both records stay as they
 * were when it was flagged or decided; when their compared data have changed since (a new phone
 * number, say), a "different people" decision no longer holds and the pair is asked again, and a
 * pending pair gets the new score. A "same person" decision is final (the later record is merged).
 * Returns how many rows were inserted or reopened.
 */
async function upsertReviews(trx: Kysely<MusterSchema>, rows: readonly DedupReviewsTable[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await trx
    .insertInto('dedup_reviews')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['volunteer_a', 'volunteer_b'])
        .doUpdateSet((eb) => ({
          probability: eb.ref('excluded.probability'),
          explanation: eb.ref('excluded.explanation'),
          status: eb.ref('excluded.status'),
          data_hash: eb.ref('excluded.data_hash'),
          created_at: eb.ref('excluded.created_at'),
          decided_by: null,
          decided_at: null,
        }))
        .where((eb) => eb.and([eb('dedup_reviews.status', '<>', 'same'), eb('dedup_reviews.data_hash', '<>', eb.ref('excluded.data_hash'))])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Puts pairs in the review queue, several per statement (see upsertReviews for pairs already there).
 * Each pair must appear once. Returns how many entered the queue or came back to it.
 */
export async function queueReviews(
  trx: Kysely<MusterSchema>,
  cipher: FieldCipher,
  pairs: ReadonlyArray<{ x: PersonRecord; y: PersonRecord; score: Pick<PairScore, 'probability' | 'fields'> }>,
  now: string,
): Promise<number> {
  let changed = 0;
  for (const chunk of statementChunks(pairs, 64)) changed += await upsertReviews(trx, chunk.map((p) => reviewRow(cipher, p.x, p.y, p.score, now)));
  return changed;
}

/**
 * Checks a registered volunteer again after their compared data changed: their lookup keys are
 * replaced and the people sharing them compared again (see upsertReviews for earlier decisions).
 */
export async function recheckVolunteer(trx: Kysely<MusterSchema>, deps: FlagDeps, model: ModelParameters, record: PersonRecord, now: string): Promise<void> {
  await trx.deleteFrom('dedup_keys').where('volunteer_id', '=', record.id).execute();
  await flagPossibleDuplicatesMany(trx, deps, model, [record], now);
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
