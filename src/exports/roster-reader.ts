import type { Kysely } from 'kysely';
import type { Drive } from '../config/load-drive.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { ExportField } from '../domain/export-request.ts';
import type { MusterSchema, VolunteersTable } from '../store/schema.ts';

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
  options: { byArea?: boolean; pageSize?: number } = {},
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
  const open = (field: string, id: string, sealed: string | null | undefined) => (sealed ? cipher.decrypt(sealed, `volunteers.${field}:${id}`) : '');

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
    const rows = (await query.limit(pageSize).execute()) as Array<Partial<VolunteersTable> & { id: string; area: string }>;
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const roles = want.has('roles') ? await linked(db, 'volunteer_roles', ids) : null;
    const skills = want.has('skills') ? await linked(db, 'volunteer_skills', ids) : null;
    const out: RosterRow[] = [];
    for (const r of rows) {
      const row: RosterRow = {};
      for (const field of fields) {
        switch (field) {
          case 'reference':
            row.reference = r.reference ?? '';
            break;
          case 'givenName':
            row.givenName = open('given_name', r.id, r.given_name_enc);
            break;
          case 'familyName':
            row.familyName = open('family_name', r.id, r.family_name_enc);
            break;
          case 'sex':
            row.sex = r.sex ?? '';
            break;
          case 'birthDate':
            row.birthDate = r.birth_date_enc ? open('birth_date', r.id, r.birth_date_enc) : r.birth_year ? String(r.birth_year) : '';
            break;
          case 'phone':
            row.phone = open('phone', r.id, r.phone_enc);
            break;
          case 'nationalId':
            row.nationalId = open('national_id', r.id, r.national_id_enc);
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
      out.push(row);
    }
    yield out;
    const tail = rows[rows.length - 1];
    if (!tail || rows.length < pageSize) return;
    after = { area: tail.area, id: tail.id };
  }
}

async function linked(db: Kysely<MusterSchema>, table: 'volunteer_roles' | 'volunteer_skills', ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  const rows =
    table === 'volunteer_roles'
      ? await db.selectFrom('volunteer_roles').select(['volunteer_id', 'role as value']).where('volunteer_id', 'in', ids).execute()
      : await db.selectFrom('volunteer_skills').select(['volunteer_id', 'skill as value']).where('volunteer_id', 'in', ids).execute();
  for (const row of rows) {
    const list = map.get(row.volunteer_id);
    if (list) list.push(row.value);
    else map.set(row.volunteer_id, [row.value]);
  }
  for (const list of map.values()) list.sort();
  return map;
}
