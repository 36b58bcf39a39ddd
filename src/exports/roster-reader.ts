import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { MusterSchema, VolunteersTable } from '../store/schema.ts';
import type { RosterConnection } from './roster-connection.ts';
import { PACKED_ROW, PACKED_VALUE, type RosterColumn } from './roster-page.ts';

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
export const ROSTER_PAGE = 500;

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
): AsyncGenerator<unknown[][] | string> {
  const pageSize = options.pageSize ?? ROSTER_PAGE;
  const db = connection.db;
  const byArea = options.byArea ?? false;
  // SQLite: each page comes back as one packed string (see pageQuery): no JavaScript object per row
  // or per value on the main thread, and one copy to hand to a worker.
  const packed = connection.raw !== undefined;
  const first = pageQuery(db, connection.dialect, filter, columns, byArea, null, pageSize, packed);
  const next = pageQuery(db, connection.dialect, filter, columns, byArea, { area: '', id: '' }, pageSize, packed);
  const prepared = connection.raw ? { first: connection.raw.prepare(first.sql), next: connection.raw.prepare(next.sql) } : null;
  // Every roster row starts with the id and the area.
  const idAt = columns.indexOf('id');
  const areaAt = columns.indexOf('area');
  let after: { area: string; id: string } | null = null;
  for (;;) {
    const last: { area: string; id: string } | null = after;
    const query: CompiledQuery = last ? next : first;
    // The keyset values are the last parameters of `next`.
    const parameters: unknown[] = last ? [...next.parameters.slice(0, next.parameters.length - keysetCount(byArea)), ...keysetValues(byArea, last)] : [...first.parameters];
    if (prepared) {
      const page = (last ? prepared.next : prepared.first).get(...parameters) as { n: number; page: string | null };
      if (page.n === 0 || page.page === null) return;
      yield page.page;
      if (page.n < pageSize) return;
      const tail = page.page.slice(page.page.lastIndexOf(PACKED_ROW) + 1).split(PACKED_VALUE);
      after = { id: tail[idAt] ?? '', area: tail[areaAt] ?? '' };
      continue;
    }
    const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(query.sql, parameters));
    const rows: unknown[][] = result.rows.map((row) => columns.map((c) => row[c] ?? null));
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
 *
 * `packed` (SQLite): the page comes back as one row, its count and its rows as one string, values
 * joined by PACKED_VALUE and rows by PACKED_ROW, in the page's order (null as empty): no JavaScript
 * object per row or per value on the main thread, and one copy to hand to a worker. Only codes,
 * ciphertexts (base64url), numbers and dates are packed, none of which holds these control
 * characters; the renderer checks each row's count of values.
 */
function pageQuery(
  db: Kysely<MusterSchema>,
  dialect: RosterConnection['dialect'],
  filter: RosterFilter,
  columns: readonly RosterColumn[],
  byArea: boolean,
  after: { area: string; id: string } | null,
  pageSize: number,
  packed = false,
): CompiledQuery {
  // In no particular order: the renderer sorts them (a sort per person in SQL costs a temporary
  // b-tree each, on the thread that reads).
  const joined = (table: 'volunteer_roles' | 'volunteer_skills', column: 'role' | 'skill') =>
    dialect === 'postgres'
      ? sql<string | null>`(select string_agg(${sql.ref(column)}, ',') from ${sql.table(table)} l where l.volunteer_id = v.id)`
      : sql<string | null>`(select group_concat(${sql.ref(column)}, ',') from ${sql.table(table)} l where l.volunteer_id = v.id)`;
  const selections = columns.map((c) => {
    if (c === 'roles') return joined('volunteer_roles', 'role').as('roles');
    if (c === 'skills') return joined('volunteer_skills', 'skill').as('skills');
    return sql.ref(`v.${c}`).as(c);
  });
  const line = sql.join(
    columns.map((c) => {
      const value = c === 'roles' ? joined('volunteer_roles', 'role') : c === 'skills' ? joined('volunteer_skills', 'skill') : sql.ref(`v.${c}`);
      return sql`coalesce(cast(${value} as text), '')`;
    }),
    sql.raw(` || char(${PACKED_VALUE.charCodeAt(0)}) || `),
  );
  // Merged registrations live on in the record they were merged into.
  let query = db.selectFrom('volunteers as v').where('v.merged_into', 'is', null);
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
  const limited = query.limit(sql.lit(pageSize));
  if (!packed) return limited.select(selections).compile();
  const order = byArea ? sql.raw('p.k_area, p.k_id') : sql.raw('p.k_id');
  return db
    .selectFrom(limited.select([sql<string>`${line}`.as('line'), 'v.area as k_area', 'v.id as k_id']).as('p'))
    .select([sql<number>`count(*)`.as('n'), sql<string | null>`group_concat(p.line, char(${sql.lit(PACKED_ROW.charCodeAt(0))}) order by ${order})`.as('page')])
    .compile();
}
