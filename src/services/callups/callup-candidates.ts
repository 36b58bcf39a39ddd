import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  availabilitiesFor,
  certainlyOfAgeBirthYear,
  ineligibility,
  matchingArea,
  reportDayOf,
  roundRobinQuotas,
  type CandidateFacts,
  type EligibilityRules,
} from '../../callups/selection.ts';
import { isSmsLanguage, type SmsLanguage } from '../../i18n/sms-messages.ts';
import type { CallupStatus } from '../../store/schema-callups.ts';
import { openPersonal } from '../../store/personal-fields.ts';
import { wordNeedle } from '../../store/word-list.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { CallupDeps } from './callup-deps.ts';

/**
 * The next people to ask for one need of a call-up, chosen in the database: every eligibility rule
 * that the stored columns can express is a filter of the query (status, consent, opt-out, role,
 * skill, area, availability, birth year, not asked on this call-up, not confirmed on another running
 * call-up on the same dates), read from the call-up index alone. The rotation order (least recently
 * asked, then least recently served, then id, taken in turn from each of the call-up's areas) is read
 * per call-up area with ORDER BY and a LIMIT, the quota that roundRobinQuotas gives each area from the
 * counts, so that a national call-up returns the few it asks and not the whole roster. The pure rules
 * of callups/selection.ts then check each person read; the only one the query cannot decide, the age
 * of a person born in the borderline year whose birth date is known to the day, needs that date
 * decrypted: those people are decided before ranking, and anyone else the rules refuse is excluded and
 * the query runs again, so that the order stays exactly the one the pure rules give over the whole
 * roster.
 */

type Executor = Kysely<MusterSchema>;

/** Call-ups still taking answers. */
export const LIVE: readonly CallupStatus[] = ['running', 'filled'];
/** Two call-ups whose report times are closer than this are on the same dates. */
export const SAME_DATES_MS = 24 * 3600 * 1000;

export interface CallupForSelection {
  id: string;
  areas: readonly string[];
  reportAt: string;
}

export interface NeedForSelection {
  role: string;
  skill: string | null;
}

/** A candidate as read for selection, with what sending needs. */
export interface CandidateRow extends CandidateFacts {
  phoneHash: string;
  language: SmsLanguage;
  callupArea: string;
  /** Where the person lives (`area`, once ranked, is the call-up area the person counts for). */
  homeArea: string;
  lastAskedAt: string | null;
  lastServedAt: string | null;
}

/**
 * A candidate in rotation order: `area` is the call-up area the person counts for, `homeArea` where the
 * person lives; `turn` is the person's place in that call-up area's queue (1 first).
 */
export interface RankedCandidate {
  candidate: CandidateRow;
  turn: number;
}

export function rulesFor(deps: Pick<CallupDeps, 'drive'>, c: CallupForSelection, now: Date): EligibilityRules {
  const reportAt = new Date(c.reportAt);
  return {
    minimumAge: deps.drive.config.minimumAge,
    consentVersions: deps.drive.consentVersions,
    ancestorsOf: (p) => deps.drive.ancestorsOf(p),
    areas: c.areas,
    reportDay: reportDayOf(reportAt, deps.drive.config.timezone),
    hoursUntilReport: (reportAt.getTime() - now.getTime()) / 3600_000,
  };
}

export function languageOf(deps: Pick<CallupDeps, 'drive'>, consentLanguage: string, spoken: readonly string[]): SmsLanguage {
  if (isSmsLanguage(consentLanguage)) return consentLanguage;
  for (const l of spoken) if (isSmsLanguage(l)) return l;
  const d = deps.drive.config.defaultLanguage;
  return isSmsLanguage(d) ? d : 'fr';
}

/** The stored columns of a candidate read by either query (the preview's or the asking one). */
export interface CandidateColumns {
  id: string;
  status: CandidateFacts['status'];
  merged_into?: string | null;
  consent_version: string;
  birth_year: number | null;
  birth_precision: CandidateFacts['birthPrecision'];
  personal_enc: string | null;
  birth_date_enc: string | null;
  area: string;
  availability: CandidateFacts['availability'];
  phone_hash: string | null;
  languages: string;
  consent_language: string;
  last_asked_at: string | null;
  last_served_at: string | null;
}

/** The facts of a row a query let through, checked by the pure rules: null when not eligible. */
export function checkedCandidate(deps: CallupDeps, row: CandidateColumns, need: NeedForSelection, rules: EligibilityRules, oldest: number): CandidateRow | null {
  const callupArea = matchingArea(row.area, rules);
  if (callupArea === null) return null;
  // The birth date is decrypted only for those whose birth year leaves their age in doubt.
  const needsDate = row.birth_year === oldest && row.birth_precision === 'day' && (row.personal_enc !== null || row.birth_date_enc !== null);
  const candidate: CandidateRow = {
    id: row.id,
    status: row.status,
    mergedInto: row.merged_into ?? null,
    consentVersion: row.consent_version,
    optedOut: false,
    birthYear: row.birth_year,
    birthPrecision: row.birth_precision,
    birthDate: needsDate ? openPersonal(deps.cipher, row, ['birthDate']).birthDate : null,
    area: row.area,
    roles: [need.role],
    skills: need.skill === null ? [] : [need.skill],
    availability: row.availability,
    confirmedElsewhere: false,
    alreadyAsked: false,
    phoneHash: row.phone_hash ?? '',
    // The spoken languages are parsed only when the consent's language is not one the SMS texts have.
    language: isSmsLanguage(row.consent_language) ? row.consent_language : languageOf(deps, row.consent_language, JSON.parse(row.languages) as string[]),
    callupArea,
    homeArea: row.area,
    lastAskedAt: row.last_asked_at ?? null,
    lastServedAt: row.last_served_at ?? null,
  };
  return ineligibility(candidate, need, rules).length === 0 ? candidate : null;
}

/** Why a person comes at this place, for the console (as the pure rotation, orderCandidates, says it). */
export function reasonsOf({ candidate: c, turn }: RankedCandidate): string[] {
  return [
    c.lastAskedAt === null ? 'never asked' : `last asked ${c.lastAskedAt}`,
    c.lastServedAt === null ? 'never served' : `last served ${c.lastServedAt}`,
    `area ${c.callupArea}, turn ${turn}`,
  ];
}

/**
 * The next `limit` people to ask for `need`, in rotation order, read and ordered by the database.
 * `exclude`: people already chosen in this transaction and not yet written (none when each need's
 * recipients are written before the next need is chosen).
 */
export async function nextCandidates(
  deps: CallupDeps,
  db: Executor,
  c: CallupForSelection & { id: string },
  need: NeedForSelection,
  now: Date,
  limit: number,
  exclude: ReadonlySet<string> = new Set(),
): Promise<RankedCandidate[]> {
  if (limit <= 0) return [];
  const s = await selectionFor(deps, db, c, need, now);
  if (s.homes.size === 0) return [];
  const excluded = new Set(exclude);
  // Those born in the borderline year found under age are left out before ranking, so that the ranked
  // query runs once; the loop below stays for any row the pure rules refuse. Their sealed fields, read
  // here, serve the ranked rows too.
  const doubtfulRows = await doubtfulCandidates(db, s, [...excluded]);
  for (const row of doubtfulRows) {
    if (checkedCandidate(deps, row, need, s.rules, s.oldest) === null) excluded.add(row.id);
  }
  const sealed = new Map(doubtfulRows.map((r) => [r.id, r]));
  for (;;) {
    const rows = await rankedQuery(db, s, limit, [...excluded], sealed);
    const out: RankedCandidate[] = [];
    let rejected = 0;
    for (const row of rows) {
      const candidate = checkedCandidate(deps, row, need, s.rules, s.oldest);
      if (candidate === null) {
        excluded.add(row.id);
        rejected += 1;
        continue;
      }
      candidate.area = candidate.callupArea;
      out.push({ candidate, turn: row.turn });
    }
    // A person the pure rules refuse took a turn in the query's order: ask again without them.
    if (rejected === 0) return out;
  }
}

/** Parameters as typed values: PostgreSQL would otherwise read them as text. */
const int = (n: number): RawBuilder<number> => sql<number>`cast(${n} as integer)`;

/**
 * A set of ids as one parameter (a JSON array on SQLite, a text array on PostgreSQL), so that a set of
 * any size (the first wave of an earlier need, in the preview) fits one statement.
 */
function idSet(deps: Pick<CallupDeps, 'database'>, ids: readonly string[]): RawBuilder<unknown> {
  return deps.database.dialect === 'postgres' ? sql`(select unnest(cast(${[...ids]} as text[])))` : sql`(select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * The other call-ups still taking answers whose report time is within a day of this one's: someone
 * who said yes to one of them is not asked. Named in the queries (there are few), so that the unique
 * key (callup_id, volunteer_id) of the recipients serves the lookup.
 */
async function sameDatesCallups(db: Executor, c: CallupForSelection & { id: string }): Promise<string[]> {
  const reportMs = new Date(c.reportAt).getTime();
  const rows = await db
    .selectFrom('callups')
    .select('id')
    .where('status', 'in', [...LIVE])
    .where('id', '<>', c.id)
    .where('report_at', '>', new Date(reportMs - SAME_DATES_MS).toISOString())
    .where('report_at', '<', new Date(reportMs + SAME_DATES_MS).toISOString())
    .execute();
  return rows.map((r) => r.id);
}

/** Each home area under the call-up's areas, with the position of the call-up area it counts for. */
function homeAreas(deps: CallupDeps, c: CallupForSelection, rules: EligibilityRules): Map<string, number> {
  const position = new Map(c.areas.map((a, i) => [a, i]));
  const homes = new Map<string, number>();
  for (const a of c.areas) {
    for (const home of deps.drive.descendantsOf(a)) {
      if (homes.has(home)) continue;
      const callupArea = matchingArea(home, rules);
      if (callupArea !== null) homes.set(home, position.get(callupArea) ?? 0);
    }
  }
  return homes;
}

interface Selection {
  deps: CallupDeps;
  c: CallupForSelection & { id: string };
  need: NeedForSelection;
  rules: EligibilityRules;
  oldest: number;
  homes: ReadonlyMap<string, number>;
  elsewhere: readonly string[];
  /** No one has been asked on this call-up yet. */
  fresh: boolean;
}

async function selectionFor(deps: CallupDeps, db: Executor, c: CallupForSelection & { id: string }, need: NeedForSelection, now: Date): Promise<Selection> {
  const rules = rulesFor(deps, c, now);
  const oldest = certainlyOfAgeBirthYear(rules.reportDay, rules.minimumAge) + 1;
  const asked = await db.selectFrom('callup_recipients').select('id').where('callup_id', '=', c.id).limit(1).executeTakeFirst();
  return { deps, c, need, rules, oldest, homes: homeAreas(deps, c, rules), elsewhere: await sameDatesCallups(db, c), fresh: asked === undefined };
}

/**
 * The candidates of one need, as FROM and WHERE: home areas (h), volunteers (v) with the need's role,
 * every rule the stored columns decide. Birth years: the certainly adult years, and the borderline year
 * only when its exact date is known (that date decides, after decryption); `age` narrows to one of them.
 * Role and skill are read from the word lists in the call-up index (migration 0010), so that a person
 * of another role costs no lookup.
 */
function candidatesWhere(s: Selection, excluded: readonly string[], age: 'both' | 'certain' | 'borderline', join: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  const postgres = s.deps.database.dialect === 'postgres';
  const list = (xs: readonly (string | number)[]) => sql.join(xs.map((x) => sql`${x}`));
  const holds = (column: 'roles' | 'skills', word: string) =>
    postgres ? sql`strpos(v.${sql.ref(column)}, ${wordNeedle(word)}) > 0` : sql`instr(v.${sql.ref(column)}, ${wordNeedle(word)}) > 0`;
  const skill = s.need.skill === null ? sql`` : sql`and ${holds('skills', s.need.skill)}`;
  const notExcluded = excluded.length === 0 ? sql`` : sql`and v.id not in ${idSet(s.deps, excluded)}`;
  // Nobody has been asked on a call-up without recipients: the lookup per person is left out.
  const notAskedHere = s.fresh ? sql`` : sql`and not exists (select 1 from callup_recipients cr where cr.callup_id = ${s.c.id} and cr.volunteer_id = v.id)`;
  const elsewhere =
    s.elsewhere.length === 0
      ? sql``
      : sql`and not exists (select 1 from callup_recipients cy where cy.callup_id in (${list(s.elsewhere)}) and cy.volunteer_id = v.id and cy.state = 'yes')`;
  // Whether the date is known is for the pure rules to say (a 'day' precision without a date does not
  // make anyone of age): the query reads only the index.
  const borderline = sql`(v.birth_year = ${int(s.oldest)} and v.birth_precision = 'day')`;
  const years = age === 'certain' ? sql`v.birth_year < ${int(s.oldest)}` : age === 'borderline' ? borderline : sql`(v.birth_year < ${int(s.oldest)} or ${borderline})`;
  // On SQLite, this order: home areas, then the call-up index per area (INDEXED BY: without statistics,
  // its planner would drive from every volunteer, or build an automatic index over the whole table).
  const volunteers = postgres ? sql`join volunteers v` : sql`cross join volunteers v indexed by volunteers_callup_pick`;
  return sql`
      from homes h
      ${volunteers} on v.area = h.area
      ${join}
      where v.status = 'active'
        and v.merged_into is null
        and v.phone_hash is not null
        and v.availability in (${list(availabilitiesFor(s.rules.hoursUntilReport))})
        and v.birth_year <= ${int(s.oldest)}
        and ${years}
        and v.consent_version in (${list([...s.rules.consentVersions])})
        and ${holds('roles', s.need.role)}
        and not exists (select 1 from opt_outs o where o.phone_hash = v.phone_hash)
        ${notAskedHere}
        ${elsewhere}
        ${skill}
        ${notExcluded}`;
}

/** The home areas as a CTE, all of them or those of one call-up area (by position). */
function homesValues(s: Selection, only?: number): RawBuilder<unknown> {
  const homes = [...s.homes].filter(([, pos]) => only === undefined || pos === only);
  return sql`homes (area, pos) as (values ${sql.join(homes.map(([area, pos]) => sql`(${area}, ${int(pos)})`))})`;
}

/**
 * The columns of a candidate that the call-up index holds (migration 0010), so that choosing reads no
 * volunteer row. The sealed fields are read apart, for the few whose birth date decides (withSealed).
 */
const INDEXED_COLUMNS = sql`v.id, v.status, v.merged_into, v.consent_version, v.birth_year, v.birth_precision, v.area, v.availability, v.phone_hash,
      v.languages, v.consent_language, null as personal_enc, null as birth_date_enc`;

function numbered<T extends { birth_year: number | null }>(rows: T[]): T[] {
  // In place: a first wave is a hundred thousand rows.
  for (const r of rows) if (r.birth_year !== null) r.birth_year = Number(r.birth_year);
  return rows;
}

/** Born in the year whose birth date decides the age, with the date known: their date is opened. */
function doubtful(s: Selection, row: CandidateColumns): boolean {
  return row.birth_year === s.oldest && row.birth_precision === 'day';
}

type SealedFields = Pick<CandidateColumns, 'id' | 'personal_enc' | 'birth_date_enc'>;

/**
 * The sealed personal fields of these rows (those whose birth date decides): taken from `known` (rows
 * already read with them), the others read by id.
 */
async function withSealed<T extends CandidateColumns>(db: Executor, s: Selection, rows: T[], known: ReadonlyMap<string, SealedFields> = new Map()): Promise<T[]> {
  const ids = rows.filter((r) => doubtful(s, r) && !known.has(r.id)).map((r) => r.id);
  const read =
    ids.length === 0
      ? []
      : (await sql<SealedFields>`select id, personal_enc, birth_date_enc from volunteers where id in ${idSet(s.deps, ids)}`.execute(db)).rows;
  const byId = new Map(read.map((r) => [r.id, r]));
  for (const r of rows) {
    if (!doubtful(s, r)) continue;
    const found = known.get(r.id) ?? byId.get(r.id);
    if (found) {
      r.personal_enc = found.personal_enc;
      r.birth_date_enc = found.birth_date_enc;
    }
  }
  return rows;
}

/** How many candidates each call-up area (by position) has, counted by the database. */
async function countPerArea(db: Executor, s: Selection, excluded: readonly string[], age: 'both' | 'certain'): Promise<Map<number, number>> {
  const counted = await sql<{ pos: number; n: number }>`
    with ${homesValues(s)}
    select h.pos as pos, count(*) as n
    ${candidatesWhere(s, excluded, age)}
    group by h.pos
  `.execute(db);
  return new Map(counted.rows.map((r) => [Number(r.pos), Number(r.n)]));
}

/**
 * The first `limit` candidates in rotation order, read from the call-up index alone (no volunteer row is
 * read, but the sealed fields of the few born in the borderline year). The candidates are counted per
 * call-up area first; roundRobinQuotas then says how many of the first `limit` each area gives, and each
 * area's queue is read with its own ORDER BY ... LIMIT (a bounded sort), instead of ranking every
 * candidate of every area in one window. Put back in order here: turn, then area position.
 */
async function rankedQuery(
  db: Executor,
  s: Selection,
  limit: number,
  excluded: readonly string[],
  sealed: ReadonlyMap<string, SealedFields>,
): Promise<(CandidateColumns & { turn: number })[]> {
  // Ids compare byte by byte on both databases, as the pure rotation compares them.
  const byId = s.deps.database.dialect === 'postgres' ? sql`v.id collate "C"` : sql`v.id`;
  const counts = await countPerArea(db, s, excluded, 'both');
  const positions = [...counts.keys()].sort((x, y) => x - y);
  const quotas = roundRobinQuotas(positions.map((p) => counts.get(p) ?? 0), limit);
  const rows: (CandidateColumns & { turn: number; pos: number })[] = [];
  for (const [i, pos] of positions.entries()) {
    const quota = quotas[i] ?? 0;
    if (quota === 0) continue;
    const queue = await sql<CandidateColumns & { turn: number; pos: number }>`
      with ${homesValues(s, pos)}
      select ${INDEXED_COLUMNS}, r.last_asked_at as last_asked_at, r.last_served_at as last_served_at
      ${candidatesWhere(s, excluded, 'both', sql`left join callup_rotation r on r.volunteer_id = v.id`)}
      order by r.last_asked_at asc nulls first, r.last_served_at asc nulls first, ${byId}
      limit ${int(quota)}
    `.execute(db);
    for (const [k, r] of queue.rows.entries()) {
      r.turn = k + 1;
      r.pos = pos;
      rows.push(r);
    }
  }
  rows.sort((x, y) => x.turn - y.turn || x.pos - y.pos);
  return withSealed(db, s, numbered(rows), sealed);
}

/**
 * Those born in the borderline year with a known date among the candidates, with their sealed fields:
 * few (one birth year of the areas asked), and each decided by the pure rules on the date.
 */
async function doubtfulCandidates(db: Executor, s: Selection, excluded: readonly string[]): Promise<(CandidateColumns & { pos: number })[]> {
  const result = await sql<CandidateColumns & { pos: number }>`
    with ${homesValues(s)}
    select ${INDEXED_COLUMNS}, null as last_asked_at, null as last_served_at, h.pos as pos
    ${candidatesWhere(s, excluded, 'borderline')}
  `.execute(db);
  return withSealed(db, s, numbered(result.rows));
}

/**
 * How many people may be asked for `need` now, per call-up area (by position in the call-up's areas),
 * leaving out `excluded`; for the preview. Counted by the database over the same filters as
 * nextCandidates; only the people born in the borderline year with a known birth date are read, and
 * their date decides (the pure rules check each of them).
 */
export async function countCandidates(
  deps: CallupDeps,
  db: Executor,
  c: CallupForSelection & { id: string },
  need: NeedForSelection,
  now: Date,
  excluded: readonly string[] = [],
): Promise<Map<number, number>> {
  const s = await selectionFor(deps, db, c, need, now);
  if (s.homes.size === 0) return new Map();
  const counts = await countPerArea(db, s, excluded, 'certain');
  for (const row of await doubtfulCandidates(db, s, excluded)) {
    if (checkedCandidate(deps, row, need, s.rules, s.oldest) !== null) counts.set(Number(row.pos), (counts.get(Number(row.pos)) ?? 0) + 1);
  }
  return counts;
}
