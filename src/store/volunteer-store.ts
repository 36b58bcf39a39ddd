import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { Availability } from '../domain/registration-input.ts';
import type { PersonRecord } from '../dedup/person-record.ts';
import type { Volunteer, VolunteerStatus } from '../domain/volunteer.ts';
import type { MusterSchema, VolunteersTable } from './schema.ts';
import { COMPARABLE_COLUMNS, openComparableRow, type SealedComparableRow } from './comparable-row.ts';
import { precompiledInsert } from './precompiled-insert.ts';
import { LEGACY_COLUMNS, NO_LEGACY_FIELDS, openPersonal, personalColumns, sealPersonal, type PersonalColumns, type PersonalFields } from './personal-fields.ts';
import { nationalIdIndex, openVolunteer, phoneIndex, sealVolunteer, type NewVolunteer } from './volunteer-rows.ts';
import { wordList } from './word-list.ts';

type Executor = Kysely<MusterSchema>;

/** Rows per multi-row insert; the statements are compiled once (precompiled-insert.ts) and reused. */
const ROWS_PER_STATEMENT = 256;
const LINKS_PER_STATEMENT = 512;

const VOLUNTEER_COLUMNS = [
  'id',
  'reference',
  'client_id',
  'request_hash',
  'status',
  // New rows hold their personal fields in personal_enc; the per-field columns are left null.
  'personal_enc',
  'phone_hash',
  'national_id_hash',
  'birth_year',
  'birth_precision',
  'sex',
  'area',
  'site',
  'channel',
  'languages',
  'availability',
  'consent_version',
  'consent_language',
  'consent_at',
  'consent_captured_by',
  'recorded_at',
  'created_at',
  'updated_at',
  'withdrawn_at',
  'roles',
  'skills',
] as const satisfies ReadonlyArray<keyof VolunteersTable>;
const insertVolunteers = precompiledInsert('volunteers', VOLUNTEER_COLUMNS, { rowsPerStatement: ROWS_PER_STATEMENT, skipConflicts: true, returning: 'id' });
const insertRoles = precompiledInsert('volunteer_roles', ['volunteer_id', 'role'], { rowsPerStatement: LINKS_PER_STATEMENT });
const insertSkills = precompiledInsert('volunteer_skills', ['volunteer_id', 'skill'], { rowsPerStatement: LINKS_PER_STATEMENT });

/** An existing registration that a new one collides with, and on what. */
export interface ExistingRegistration {
  id: string;
  reference: string;
  clientId: string;
  requestHash: string;
  matchedOn: 'clientId' | 'phone' | 'nationalId';
}

export interface VolunteerFilter {
  /** Area P-codes to include (an area and everything below it, expanded by the caller). */
  areas?: readonly string[] | undefined;
  role?: string | undefined;
  skill?: string | undefined;
  availability?: Availability | undefined;
  status?: VolunteerStatus | undefined;
  /** Only volunteers whose consent this actor captured... */
  capturedBy?: string | undefined;
  /** ...since this time (agents see the last 24 hours). */
  createdSince?: string | undefined;
  /** The registration with this reference (the code given to the person). */
  reference?: string | undefined;
  /** The registration with this mobile number (E.164), found through its keyed hash. */
  phone?: string | undefined;
}

export interface VolunteerChanges {
  phone?: string;
  availability?: Availability;
  roles?: string[];
  skills?: string[];
  languages?: string[];
}

/**
 * Reads and writes volunteers. Personal fields are encrypted on the way in and decrypted on the way
 * out, so nothing above this module handles ciphertext; phones and ID numbers are found through their
 * blind indexes.
 */
export function createVolunteerStore(cipher: FieldCipher) {
  async function findExisting(
    db: Executor,
    keys: { clientId: string; phone: string; nationalId: string | null },
  ): Promise<ExistingRegistration[]> {
    const phoneHash = phoneIndex(cipher, keys.phone);
    const idHash = keys.nationalId === null ? null : nationalIdIndex(cipher, keys.nationalId);
    const rows = await db
      .selectFrom('volunteers')
      .select(['id', 'reference', 'client_id', 'request_hash', 'phone_hash', 'national_id_hash'])
      .where((eb) =>
        eb.or([
          eb('client_id', '=', keys.clientId),
          eb('phone_hash', '=', phoneHash),
          ...(idHash === null ? [] : [eb('national_id_hash', '=', idHash)]),
        ]),
      )
      .execute();
    return rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      clientId: row.client_id,
      requestHash: row.request_hash,
      matchedOn: row.client_id === keys.clientId ? 'clientId' : row.phone_hash === phoneHash ? 'phone' : 'nationalId',
    }));
  }

  /** Inserts a volunteer unless a unique key (client id, phone, ID number, reference) is taken. */
  async function insert(db: Executor, volunteer: NewVolunteer): Promise<boolean> {
    const result = await db.insertInto('volunteers').values(sealVolunteer(cipher, volunteer)).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await insertLinks(db, [volunteer]);
    return true;
  }

  /**
   * Inserts many volunteers at once; those colliding with existing ones (or with an earlier one of the
   * same batch) on a unique key are skipped. Returns the ids inserted.
   */
  async function insertMany(db: Executor, volunteers: NewVolunteer[]): Promise<Set<string>> {
    if (volunteers.length === 0) return new Set();
    const rows = volunteers.map((v) => sealVolunteer(cipher, v));
    // Both databases limit the parameters of one statement (SQLite 32,766; PostgreSQL 65,535).
    const ids = new Set((await insertVolunteers.run(db, rows)) as string[]);
    await insertLinks(
      db,
      volunteers.filter((v) => ids.has(v.id)),
    );
    return ids;
  }

  async function insertLinks(db: Executor, volunteers: NewVolunteer[]): Promise<void> {
    const roles = volunteers.flatMap((v) => v.registration.roles.map((role) => ({ volunteer_id: v.id, role })));
    const skills = volunteers.flatMap((v) => v.registration.skills.map((skill) => ({ volunteer_id: v.id, skill })));
    await insertRoles.run(db, roles);
    await insertSkills.run(db, skills);
  }

  async function hydrate(db: Executor, rows: VolunteersTable[]): Promise<Volunteer[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [roles, skills] = await Promise.all([
      db.selectFrom('volunteer_roles').select(['volunteer_id', 'role']).where('volunteer_id', 'in', ids).execute(),
      db.selectFrom('volunteer_skills').select(['volunteer_id', 'skill']).where('volunteer_id', 'in', ids).execute(),
    ]);
    const group = (pairs: Array<{ volunteer_id: string; value: string }>) => {
      const map = new Map<string, string[]>();
      for (const p of pairs) map.set(p.volunteer_id, [...(map.get(p.volunteer_id) ?? []), p.value]);
      for (const list of map.values()) list.sort();
      return map;
    };
    const roleMap = group(roles.map((r) => ({ volunteer_id: r.volunteer_id, value: r.role })));
    const skillMap = group(skills.map((s) => ({ volunteer_id: s.volunteer_id, value: s.skill })));
    return rows.map((row) => openVolunteer(cipher, row, roleMap.get(row.id) ?? [], skillMap.get(row.id) ?? []));
  }

  /** Only what deduplication compares, decrypted, for active volunteers (no roles or skills queries). */
  async function comparable(db: Executor, ids: readonly string[]): Promise<PersonRecord[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('volunteers').select(COMPARABLE_COLUMNS).where('id', 'in', ids).where('status', '=', 'active').execute();
    return rows.map((row) => openComparableRow(row, cipher));
  }

  /**
   * One page of active volunteers' compared fields, still sealed, by increasing id after `after`: for
   * reading the whole registry with the decryption on worker threads (openComparableRow opens them).
   */
  async function sealedComparablePage(db: Executor, after: string, limit: number): Promise<SealedComparableRow[]> {
    return db.selectFrom('volunteers').select(COMPARABLE_COLUMNS).where('status', '=', 'active').where('id', '>', after).orderBy('id').limit(limit).execute();
  }

  async function getMany(db: Executor, ids: readonly string[]): Promise<Volunteer[]> {
    if (ids.length === 0) return [];
    return hydrate(db, await db.selectFrom('volunteers').selectAll().where('id', 'in', ids).execute());
  }

  async function get(db: Executor, id: string): Promise<Volunteer | null> {
    const row = await db.selectFrom('volunteers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? ((await hydrate(db, [row]))[0] ?? null) : null;
  }

  /** One page, newest first; `before` is the id of the last volunteer of the previous page. */
  async function list(db: Executor, filter: VolunteerFilter, page: { limit: number; before?: string | undefined }): Promise<Volunteer[]> {
    let query = db.selectFrom('volunteers').selectAll();
    if (filter.areas) query = query.where('area', 'in', filter.areas.length > 0 ? filter.areas : ['']);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.availability) query = query.where('availability', '=', filter.availability);
    if (filter.capturedBy) query = query.where('consent_captured_by', '=', filter.capturedBy);
    if (filter.createdSince) query = query.where('created_at', '>=', filter.createdSince);
    if (filter.reference) query = query.where('reference', '=', filter.reference);
    if (filter.phone) query = query.where('phone_hash', '=', phoneIndex(cipher, filter.phone));
    const { role, skill } = filter;
    if (role) {
      query = query.where((eb) =>
        eb.exists(eb.selectFrom('volunteer_roles as r').select('r.role').whereRef('r.volunteer_id', '=', 'volunteers.id').where('r.role', '=', role)),
      );
    }
    if (skill) {
      query = query.where((eb) =>
        eb.exists(eb.selectFrom('volunteer_skills as s').select('s.skill').whereRef('s.volunteer_id', '=', 'volunteers.id').where('s.skill', '=', skill)),
      );
    }
    if (page.before) query = query.where('id', '<', page.before);
    const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
    return hydrate(db, rows);
  }

  async function update(db: Executor, id: string, changes: VolunteerChanges, now: string): Promise<void> {
    const set: Partial<VolunteersTable> = { updated_at: now };
    if (changes.phone !== undefined) {
      // The fields are sealed together: the others are read (either form) and sealed again with the
      // new phone, which also moves a row written before migration 0008 to the sealed form.
      const row = await db.selectFrom('volunteers').select(['id', ...personalColumns()]).where('id', '=', id).executeTakeFirst();
      if (row) Object.assign(set, resealed(row, { phone: changes.phone }));
      set.phone_hash = phoneIndex(cipher, changes.phone);
    }
    if (changes.availability !== undefined) set.availability = changes.availability;
    if (changes.languages !== undefined) set.languages = JSON.stringify(changes.languages);
    // The word lists change with the link rows below, in the same transaction (the caller's).
    if (changes.roles !== undefined) set.roles = wordList(changes.roles);
    if (changes.skills !== undefined) set.skills = wordList(changes.skills);
    await db.updateTable('volunteers').set(set).where('id', '=', id).execute();
    if (changes.roles !== undefined) {
      await db.deleteFrom('volunteer_roles').where('volunteer_id', '=', id).execute();
      await db.insertInto('volunteer_roles').values(changes.roles.map((role) => ({ volunteer_id: id, role }))).execute();
    }
    if (changes.skills !== undefined) {
      await db.deleteFrom('volunteer_skills').where('volunteer_id', '=', id).execute();
      if (changes.skills.length > 0) {
        await db.insertInto('volunteer_skills').values(changes.skills.map((skill) => ({ volunteer_id: id, skill }))).execute();
      }
    }
  }

  /** Is this phone registered to someone other than `exceptId`? */
  async function phoneTakenBy(db: Executor, phone: string): Promise<string | null> {
    const row = await db.selectFrom('volunteers').select('id').where('phone_hash', '=', phoneIndex(cipher, phone)).executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Withdrawal: personal fields and the lookup hashes (phone, ID number, duplicate-check keys) are erased; what remains (area, roles, skills,
   * channel, dates) identifies no one and keeps the counts right.
   */
  async function erase(db: Executor, id: string, now: string): Promise<void> {
    await db
      .updateTable('volunteers')
      .set({
        status: 'withdrawn',
        personal_enc: null,
        ...NO_LEGACY_FIELDS,
        phone_hash: null,
        national_id_hash: null,
        birth_year: null,
        birth_precision: null,
        sex: null,
        languages: '[]',
        request_hash: '',
        updated_at: now,
        withdrawn_at: now,
      })
      .where('id', '=', id)
      .execute();
    // The duplicate-check keys are hashes of the names: erased too; questions about this person that
    // nobody has answered yet no longer need an answer.
    await db.deleteFrom('dedup_keys').where('volunteer_id', '=', id).execute();
    await db
      .deleteFrom('dedup_reviews')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('volunteer_a', '=', id), eb('volunteer_b', '=', id)]))
      .execute();
  }

  /** The columns that seal a row's personal fields with `changes` applied (read from either form). */
  function resealed(row: PersonalColumns, changes: Partial<PersonalFields> = {}): Pick<VolunteersTable, 'personal_enc' | keyof typeof NO_LEGACY_FIELDS> {
    return { personal_enc: sealPersonal(cipher, row.id, { ...openPersonal(cipher, row), ...changes }), ...NO_LEGACY_FIELDS };
  }

  /**
   * Rows after `after` (by id) that still hold their personal fields in the per-field form, at most
   * `limit`: the work of `muster reseal`, page by page.
   */
  async function legacyRows(db: Executor, after: string, limit: number): Promise<PersonalColumns[]> {
    return db
      .selectFrom('volunteers')
      .select(['id', ...personalColumns()])
      .where('id', '>', after)
      .where('personal_enc', 'is', null)
      .where((eb) => eb.or(Object.values(LEGACY_COLUMNS).map((c) => eb(c, 'is not', null))))
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /**
   * Seals the personal fields of these legacy rows together and clears their per-field columns. Only a
   * row whose personal columns are still exactly as read is changed: one erased or updated meanwhile
   * (by another process, on PostgreSQL) keeps what that change wrote. The row's `updated_at` stays: the
   * person's data did not change, only how it is stored. Returns how many rows changed.
   */
  async function resealRows(db: Executor, rows: readonly PersonalColumns[]): Promise<number> {
    let changed = 0;
    for (const row of rows) {
      let query = db.updateTable('volunteers').set(resealed(row)).where('id', '=', row.id).where('personal_enc', 'is', null);
      for (const column of Object.values(LEGACY_COLUMNS)) {
        const read = row[column] ?? null;
        query = read === null ? query.where(column, 'is', null) : query.where(column, '=', read);
      }
      changed += Number((await query.executeTakeFirst()).numUpdatedRows);
    }
    return changed;
  }

  return { findExisting, insert, insertMany, get, getMany, comparable, sealedComparablePage, list, update, phoneTakenBy, erase, legacyRows, resealRows };
}

export type VolunteerStore = ReturnType<typeof createVolunteerStore>;
