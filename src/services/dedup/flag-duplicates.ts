import type { Kysely } from 'kysely';
import { DEFAULT_RULES } from '../../dedup/blocking.ts';
import { compareRecords } from '../../dedup/compare-records.ts';
import { scorePair, type ModelParameters } from '../../dedup/model/fellegi-sunter.ts';
import type { PersonRecord } from '../../dedup/person-record.ts';
import { prepareRecord } from '../../dedup/prepared-record.ts';
import type { Drive } from '../../config/load-drive.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { Volunteer } from '../../domain/volunteer.ts';
import { uuidv7 } from '../../store/ids.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { VolunteerStore } from '../../store/volunteer-store.ts';
import { canonicalJson } from '../../domain/canonical-json.ts';
import { REVIEW_THRESHOLD } from './dedup-model.ts';

/**
 * Rules whose keys are kept for every volunteer. The deletion variants of phones and ID numbers
 * (eight keys each) are left out of the stored index: an identical phone or ID number is already
 * refused at registration, and the batch run still looks for one-digit slips.
 */
const STORED_RULES = DEFAULT_RULES.filter((r) => r.name !== 'phone one digit off' && r.name !== 'id one character off');
/** Enough candidates for any real person; a key shared by more is a very common name. */
const MAX_CANDIDATES = 200;

export interface FlagDeps {
  cipher: FieldCipher;
  volunteers: VolunteerStore;
  drive: Drive;
}

export function personRecordOf(v: Pick<Volunteer, 'id' | 'givenName' | 'familyName' | 'birthDate' | 'birthYear' | 'phone' | 'nationalId' | 'area'>): PersonRecord {
  return { id: v.id, givenName: v.givenName, familyName: v.familyName, birthDate: v.birthDate, birthYear: v.birthYear, phone: v.phone, nationalId: v.nationalId, area: v.area };
}

/** Keyed hashes of a record's blocking keys: equal keys meet, names stay unreadable. */
export function storedKeys(cipher: FieldCipher, record: PersonRecord): string[] {
  const prepared = prepareRecord(record);
  const keys = new Set<string>();
  STORED_RULES.forEach((rule, r) => {
    for (const key of rule.keys(prepared)) keys.add(cipher.blindIndex('dedup', `${r}:${key}`).slice(0, 22));
  });
  return [...keys];
}

/** What a decision is about: when the data change, an earlier "different people" no longer holds. */
export function pairDataHash(cipher: FieldCipher, a: PersonRecord, b: PersonRecord): string {
  const [first, second] = a.id < b.id ? [a, b] : [b, a];
  return cipher.fingerprint(canonicalJson([first, second]));
}

/**
 * Compares a new registration with the registered people it shares a blocking key with, puts each
 * pair scoring at or above the review threshold in the review queue (unless already decided
 * "different" on the same data), and indexes the new registration's keys. Runs inside the
 * registration's transaction. Returns the number of pairs flagged.
 */
export async function flagPossibleDuplicates(
  trx: Kysely<MusterSchema>,
  deps: FlagDeps,
  model: ModelParameters,
  record: PersonRecord,
  now: string,
): Promise<number> {
  const keys = storedKeys(deps.cipher, record);
  if (keys.length === 0) return 0;
  const rows = await trx.selectFrom('dedup_keys').select('volunteer_id').distinct().where('key', 'in', keys).limit(MAX_CANDIDATES).execute();
  const ids = rows.map((r) => r.volunteer_id).filter((id) => id !== record.id);
  let flagged = 0;
  if (ids.length > 0) {
    const candidates = await deps.volunteers.getMany(trx, ids);
    const prepared = prepareRecord(record);
    for (const candidate of candidates) {
      if (candidate.status !== 'active') continue;
      const other = personRecordOf(candidate);
      const score = scorePair(compareRecords(prepared, prepareRecord(other), { ancestorsOf: (p) => deps.drive.ancestorsOf(p) }), model);
      if (score.probability < REVIEW_THRESHOLD) continue;
      const dataHash = pairDataHash(deps.cipher, record, other);
      const existing = await trx
        .selectFrom('dedup_reviews')
        .select(['status', 'data_hash'])
        .where('volunteer_a', '=', candidate.id)
        .where('volunteer_b', '=', record.id)
        .executeTakeFirst();
      if (existing) continue;
      await trx
        .insertInto('dedup_reviews')
        .values({
          id: uuidv7(),
          volunteer_a: candidate.id,
          volunteer_b: record.id,
          probability: score.probability,
          explanation: JSON.stringify(score.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight }))),
          status: 'pending',
          data_hash: dataHash,
          created_at: now,
          decided_by: null,
          decided_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      flagged += 1;
    }
  }
  await trx.insertInto('dedup_keys').values(keys.map((key) => ({ key, volunteer_id: record.id }))).onConflict((oc) => oc.doNothing()).execute();
  return flagged;
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
