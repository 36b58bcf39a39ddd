import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { MusterSchema, VolunteersTable } from '../store/schema.ts';
import type { RosterConnection } from './roster-connection.ts';
import type { RosterColumn } from './roster-page.ts';

/** Which volunteers an export holds: already narrowed to the requester's scope. */
export interface RosterFilter {
  /** Home areas to include (expanded: an area and everything below it); undefined for all. */
  areas?: readonly string[] | undefined;
  role?: string | undefined;
  skill?: string | undefined;
  status?: VolunteersTable['status'] | undefined;
  availability?: VolunteersTable['availability'] | undefined;
}

/** Rows per page read. */
export const ROSTER_PAGE = 2000;

/**
 * The volunteers matching `filter` as raw rows (one array per person, values in the order of
 * `columns`, personal fields still encrypted), page by page: keyset pagination, so memory stays
 * bounded and the same code serves SQLite and PostgreSQL. The statement is built once; on SQLite it
 * runs as a raw prepared statement on the export's own connection, without the query builder's
 * per-row work. Order: by area then id when `byArea`, else by id (registration order).
 */
export async function* readRosterRows(
  connection: RosterConnection,
  filter: RosterFilter,
  columns: readonly RosterColumn[],
  options: { byArea?: boolean; pageSize?: number } = {},
): AsyncGenerator<unknown[][]> {
  const pageSize = options.pageSize ?? ROSTER_PAGE;
  const db = connection.db;
  const byArea = options.byArea ?? false;
  const first = pageQuery(db, connection.dialect, filter, columns, byArea, null, pageSize);
  const next = pageQuery(db, connection.dialect, filter, columns, byArea, { area: '', id: '' }, pageSize);
  // The keyset values are the last two parameters of `next`.
  const areaAt = columns.indexOf('area');
  const idAt = columns.indexOf('id');
  let after: { area: string; id: string } | null = null;
  const raw = connection.raw;
  const prepared = raw ? { first: raw.prepare(first.sql).raw(true), next: raw.prepare(next.sql).raw(true) } : null;
  for (;;) {
    const query = after ? next : first;
    const parameters = after ? [...next.parameters.slice(0, next.parameters.length - keysetCount(byArea)), ...keysetValues(byArea, after)] : [...first.parameters];
    let rows: unknown[][];
    if (prepared) {
      rows = (after ? prepared.next : prepared.first).all(...parameters) as unknown[][];
    } else {
      const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(query.sql, parameters));
      rows = result.rows.map((row) => columns.map((c) => row[c] ?? null));
    }
    if (rows.length > 0) yield rows;
    const tail = rows[rows.length - 1];
    if (!tail || rows.length < pageSize) return;
    after = { area: String(tail[areaAt]), id: String(tail[idAt]) };
  }
}

function keysetCount(byArea: boolean): number {
  return byArea ? 3 : 1;
}

function keysetValues(byArea: boolean, after: { area: string; id: string }): string[] {
  return byArea ? [after.area, after.area, after.id] : [after.id];
}

/**
 * One page's statement. The keyset condition comes last, so its values are the last parameters, and
 * the page size is written into the text (not a parameter) to keep them there.
 */
function pageQuery(
  db: Kysely<MusterSchema>,
  dialect: RosterConnection['dialect'],
  filter: RosterFilter,
  columns: readonly RosterColumn[],
  byArea: boolean,
  after: { area: string; id: string } | null,
  pageSize: number,
): CompiledQuery {
  // Sorted by code point on both databases, as JavaScript sorts.
  const joined = (table: 'volunteer_roles' | 'volunteer_skills', column: 'role' | 'skill') =>
    dialect === 'postgres'
      ? sql<string | null>`(select string_agg(${sql.ref(column)}, ', ' order by ${sql.ref(column)} collate "C") from ${sql.table(table)} l where l.volunteer_id = v.id)`
      : sql<string | null>`(select group_concat(${sql.ref(column)}, ', ' order by ${sql.ref(column)}) from ${sql.table(table)} l where l.volunteer_id = v.id)`;
  const selections = columns.map((c) => {
    if (c === 'roles') return joined('volunteer_roles', 'role').as('roles');
    if (c === 'skills') return joined('volunteer_skills', 'skill').as('skills');
    return sql.ref(`v.${c}`).as(c);
  });
  // Merged registrations live on in the record they were merged into.
  let query = db.selectFrom('volunteers as v').select(selections).where('v.merged_into', 'is', null);
  if (filter.areas) query = query.where('v.area', 'in', filter.areas.length > 0 ? filter.areas : ['']);
  if (filter.status) query = query.where('v.status', '=', filter.status);
  if (filter.availability) query = query.where('v.availability', '=', filter.availability);
  const { role, skill } = filter;
  if (role) query = query.where((eb) => eb.exists(eb.selectFrom('volunteer_roles as r').select('r.role').whereRef('r.volunteer_id', '=', 'v.id').where('r.role', '=', role)));
  if (skill) query = query.where((eb) => eb.exists(eb.selectFrom('volunteer_skills as s').select('s.skill').whereRef('s.volunteer_id', '=', 'v.id').where('s.skill', '=', skill)));
  if (after) {
    query = byArea
      ? query.where((eb) => eb.or([eb('v.area', '>', after.area), eb.and([eb('v.area', '=', after.area), eb('v.id', '>', after.id)])]))
      : query.where('v.id', '>', after.id);
  }
  query = byArea ? query.orderBy('v.area').orderBy('v.id') : query.orderBy('v.id');
  return query.limit(sql.lit(pageSize)).compile();
}
