import type { Kysely } from 'kysely';
import type { Drive } from '../config/load-drive.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { ExportField } from '../domain/export-request.ts';
import type { MusterSchema, VolunteersTable } from '../store/schema.ts';
import type { DecryptPool } from './decrypt-pool.ts';

/** Which volunteers an export holds: already narrowed to the requester's scope. */
export interface RosterFilter {
  /** Home areas to include (expanded: an area and everything below it); undefined for all. */
  areas?: readonly string[] | undefined;
  role?: string | undefined;
  skill?: string | undefined;
  status?: VolunteersTable['status'] | undefined;
  availability?: VolunteersTable['availability'] | undefined;
}

/** One exported person: values by field, already decrypted and formatted as text. */
export type RosterRow = Record<string, string>;

const PAGE = 2000;

type Column = keyof VolunteersTable;

/**
 * The volunteers matching `filter`, page by page (keyset pagination: memory stays bounded and the
 * same code serves SQLite and PostgreSQL), with only the asked fields decrypted. Order: by area then
 * id when `byArea`, else by id (registration order).
 */
export async function* readRoster(
  db: Kysely<MusterSchema>,
  cipher: FieldCipher,
  drive: Drive,
  filter: RosterFilter,
  fields: readonly ExportField[],
  options: { byArea?: boolean; pageSize?: number; pool?: DecryptPool | undefined } = {},
): AsyncGenerator<RosterRow[]> {
  const want = new Set(fields);
  const columns = new Set<Column>(['id', 'area']);
  const add = (...c: Column[]) => c.forEach((x) => columns.add(x));
  if (want.has('reference')) add('reference');
  if (want.has('givenName')) add('given_name_enc');
  if (want.has('familyName')) add('family_name_enc');
  if (want.has('sex')) add('sex');
  if (want.has('birthDate')) add('birth_date_enc', 'birth_year', 'birth_precision');
  if (want.has('phone')) add('phone_enc');
  if (want.has('nationalId')) add('national_id_enc');
  if (want.has('site')) add('site');
  if (want.has('languages')) add('languages');
  if (want.has('availability')) add('availability');
  if (want.has('status')) add('status');
  if (want.has('consent')) add('consent_version', 'consent_language');
  if (want.has('createdAt')) add('created_at');
  const pageSize = options.pageSize ?? PAGE;
  let after: { area: string; id: string } | null = null;
  const sealedFields = (
    [
      ['givenName', 'given_name', 'given_name_enc'],
      ['familyName', 'family_name', 'family_name_enc'],
      ['birthDate', 'birth_date', 'birth_date_enc'],
      ['phone', 'phone', 'phone_enc'],
      ['nationalId', 'national_id', 'national_id_enc'],
    ] as const
  ).filter(([field]) => want.has(field));
  type Page = Array<Partial<VolunteersTable> & { id: string; area: string }>;
  /** Decrypts the personal fields of a page (in the worker pool when there is one) and lays out its rows. */
  const build = async (rows: Page): Promise<RosterRow[]> => {
    const sealed: Array<string | null> = [];
    const contexts: string[] = [];
    for (const r of rows) {
      for (const [, name, column] of sealedFields) {
        sealed.push(r[column] ?? null);
        contexts.push(`volunteers.${name}:${r.id}`);
      }
    }
    const plain = options.pool ? await options.pool.decrypt(sealed, contexts) : sealed.map((v, i) => (v === null ? null : cipher.decrypt(v, contexts[i] ?? '')));
    const ids = rows.map((r) => r.id);
    // In id order and without an area filter, a page is (nearly) a contiguous range of ids: its roles
    // and skills are one range scan of the primary key instead of thousands of lookups.
    const range = !options.byArea && !filter.areas && rows.length === pageSize ? { from: ids[0] ?? '', to: ids[ids.length - 1] ?? '' } : null;
    const roles = want.has('roles') ? await linked(db, 'volunteer_roles', ids, range) : null;
    const skills = want.has('skills') ? await linked(db, 'volunteer_skills', ids, range) : null;
    const out: RosterRow[] = [];
    let at = 0;
    for (const r of rows) {
      const opened: Record<string, string> = {};
      for (const [field] of sealedFields) opened[field] = plain[at++] ?? '';
      out.push(layout(r, opened, roles, skills));
    }
    return out;
  };
  const layout = (r: Page[number], opened: Record<string, string>, roles: Map<string, string[]> | null, skills: Map<string, string[]> | null): RosterRow => {
    const row: RosterRow = {};
    for (const field of fields) {
      switch (field) {
        case 'reference':
          row.reference = r.reference ?? '';
          break;
        case 'givenName':
        case 'familyName':
        case 'phone':
        case 'nationalId':
          row[field] = opened[field] ?? '';
          break;
        case 'sex':
          row.sex = r.sex ?? '';
          break;
        case 'birthDate':
          row.birthDate = opened.birthDate ? opened.birthDate : r.birth_year ? String(r.birth_year) : '';
          break;
        case 'area':
          row.area = r.area;
          break;
        case 'areaName':
          row.areaName = drive.areas.get(r.area)?.name ?? '';
          break;
        case 'site':
          row.site = r.site ?? '';
          break;
        case 'roles':
          row.roles = (roles?.get(r.id) ?? []).join(', ');
          break;
        case 'skills':
          row.skills = (skills?.get(r.id) ?? []).join(', ');
          break;
        case 'languages':
          row.languages = r.languages ? (JSON.parse(r.languages) as string[]).join(', ') : '';
          break;
        case 'availability':
          row.availability = r.availability ?? '';
          break;
        case 'status':
          row.status = r.status ?? '';
          break;
        case 'consent':
          row.consent = 'yes';
          row.consentVersion = r.consent_version ?? '';
          row.consentLanguage = r.consent_language ?? '';
          break;
        case 'createdAt':
          row.createdAt = r.created_at ?? '';
          break;
      }
    }
    return row;
  };
  // Pages are read in order; while the workers decrypt one, the next is read: a few pages in flight.
  const inFlight: Array<Promise<RosterRow[]>> = [];
  const depth = options.pool ? 3 : 1;

  for (;;) {
    let query = db.selectFrom('volunteers').select([...columns]);
    // Merged registrations live on in the record they were merged into.
    query = query.where('merged_into', 'is', null);
    if (filter.areas) query = query.where('area', 'in', filter.areas.length > 0 ? filter.areas : ['']);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.availability) query = query.where('availability', '=', filter.availability);
    const { role, skill } = filter;
    if (role) {
      query = query.where((eb) => eb.exists(eb.selectFrom('volunteer_roles as r').select('r.role').whereRef('r.volunteer_id', '=', 'volunteers.id').where('r.role', '=', role)));
    }
    if (skill) {
      query = query.where((eb) => eb.exists(eb.selectFrom('volunteer_skills as s').select('s.skill').whereRef('s.volunteer_id', '=', 'volunteers.id').where('s.skill', '=', skill)));
    }
    const last = after;
    if (last) {
      query = options.byArea
        ? query.where((eb) => eb.or([eb('area', '>', last.area), eb.and([eb('area', '=', last.area), eb('id', '>', last.id)])]))
        : query.where('id', '>', last.id);
    }
    query = options.byArea ? query.orderBy('area').orderBy('id') : query.orderBy('id');
    const rows = (await query.limit(pageSize).execute()) as Page;
    if (rows.length > 0) {
      const built = build(rows);
      // Awaited below, in order; this only keeps a failure of a later page from going unnoticed meanwhile.
      built.catch(() => undefined);
      inFlight.push(built);
    }
    while (inFlight.length >= depth || (rows.length < pageSize && inFlight.length > 0)) {
      const page = inFlight.shift();
      if (page) yield await page;
    }
    const tail = rows[rows.length - 1];
    if (!tail || rows.length < pageSize) return;
    after = { area: tail.area, id: tail.id };
  }
}

async function linked(
  db: Kysely<MusterSchema>,
  table: 'volunteer_roles' | 'volunteer_skills',
  ids: readonly string[],
  range: { from: string; to: string } | null,
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  let rows: Array<{ volunteer_id: string; value: string }>;
  if (range) {
    const wanted = new Set(ids);
    const all =
      table === 'volunteer_roles'
        ? await db.selectFrom('volunteer_roles').select(['volunteer_id', 'role as value']).where('volunteer_id', '>=', range.from).where('volunteer_id', '<=', range.to).execute()
        : await db.selectFrom('volunteer_skills').select(['volunteer_id', 'skill as value']).where('volunteer_id', '>=', range.from).where('volunteer_id', '<=', range.to).execute();
    rows = all.filter((r) => wanted.has(r.volunteer_id));
  } else {
    rows =
      table === 'volunteer_roles'
        ? await db.selectFrom('volunteer_roles').select(['volunteer_id', 'role as value']).where('volunteer_id', 'in', ids).execute()
        : await db.selectFrom('volunteer_skills').select(['volunteer_id', 'skill as value']).where('volunteer_id', 'in', ids).execute();
  }
  for (const row of rows) {
    const list = map.get(row.volunteer_id);
    if (list) list.push(row.value);
    else map.set(row.volunteer_id, [row.value]);
  }
  for (const list of map.values()) list.sort();
  return map;
}
