import type { ExportField } from '../domain/export-request.ts';
import { openPersonal, PERSONAL_FIELDS, type PersonalField, type PersonalKeys } from '../store/personal-fields.ts';
import { csvLine } from './csv.ts';

/**
 * The columns an export reads from the registry, in the order of the raw rows (arrays) the roster
 * reader yields: `roles` and `skills` are the volunteer's role and skill ids joined by "," in SQL, in
 * no order (sorted here). Personal fields stay encrypted until `renderPage`, in a worker thread for
 * large exports.
 */
export type RosterColumn =
  | 'id'
  | 'area'
  | 'reference'
  | 'personal_enc'
  | 'given_name_enc'
  | 'family_name_enc'
  | 'sex'
  | 'birth_date_enc'
  | 'birth_year'
  | 'phone_enc'
  | 'national_id_enc'
  | 'site'
  | 'roles'
  | 'skills'
  | 'languages'
  | 'availability'
  | 'status'
  | 'consent_version'
  | 'consent_language'
  | 'created_at';

/**
 * Only the columns the fields need (a purpose that needs no personal field never reads a ciphertext):
 * the sealed personal fields, and for rows written before migration 0008 the per-field ciphertexts of
 * the fields wanted only.
 */
export function rosterColumns(fields: readonly ExportField[]): RosterColumn[] {
  const want = new Set(fields);
  const columns: RosterColumn[] = ['id', 'area'];
  const add = (...c: RosterColumn[]) => columns.push(...c);
  if (want.has('reference')) add('reference');
  if (personalFieldsOf(fields).length > 0) add('personal_enc');
  if (want.has('givenName')) add('given_name_enc');
  if (want.has('familyName')) add('family_name_enc');
  if (want.has('sex')) add('sex');
  if (want.has('birthDate')) add('birth_date_enc', 'birth_year');
  if (want.has('phone')) add('phone_enc');
  if (want.has('nationalId')) add('national_id_enc');
  if (want.has('site')) add('site');
  if (want.has('roles')) add('roles');
  if (want.has('skills')) add('skills');
  if (want.has('languages')) add('languages');
  if (want.has('availability')) add('availability');
  if (want.has('status')) add('status');
  if (want.has('consent')) add('consent_version', 'consent_language');
  if (want.has('createdAt')) add('created_at');
  return columns;
}

/** What a page is turned into: CSV text, or cells (XLSX, PDF) with each row's area (PDF sections). */
export interface PageSpec {
  fields: readonly ExportField[];
  columns: readonly RosterColumn[];
  /** Area names by P-code. */
  areaNames: Readonly<Record<string, string>>;
  output: 'csv' | 'cells';
}

export type RenderedPage = { rows: number; csv: string } | { rows: number; cells: string[][]; areas: string[] };

/** Role or skill ids joined by "," in SQL, in any order: sorted (by code point) and joined by ", ". */
function sortedList(joined: string): string {
  return joined === '' ? '' : joined.split(',').sort().join(', ');
}

/** The personal fields among an export's fields, in the store's order. */
function personalFieldsOf(fields: readonly ExportField[]): PersonalField[] {
  return PERSONAL_FIELDS.filter((f) => fields.includes(f));
}

/** Separators of a packed page (see roster-reader.ts): ASCII unit and record separators. */
export const PACKED_VALUE = '\u001f';
export const PACKED_ROW = '\u001e';

/** The rows of a page, from raw rows or a packed page (where every value is text, null empty). */
function unpack(page: ReadonlyArray<readonly unknown[]> | string, width: number): ReadonlyArray<readonly unknown[]> {
  if (typeof page !== 'string') return page;
  return page.split(PACKED_ROW).map((line) => {
    const values = line.split(PACKED_VALUE);
    if (values.length !== width) throw new Error('a packed roster row has the wrong number of values');
    return values;
  });
}

const PERSONAL = new Set<ExportField>(PERSONAL_FIELDS);

/**
 * Decrypts the personal fields of a page of raw rows (once per person, bound to the record, so a
 * ciphertext moved elsewhere fails; see store/personal-fields.ts) and lays the rows out in the
 * export's columns (see exportColumns), as CSV text or as cells. Only the fields the export needs are
 * turned into text.
 */
export function renderPage(keys: PersonalKeys, spec: PageSpec, page: ReadonlyArray<readonly unknown[]> | string): RenderedPage {
  const rows = unpack(page, spec.columns.length);
  const at = new Map(spec.columns.map((c, i) => [c, i]));
  const index = (c: RosterColumn): number => at.get(c) ?? -1;
  const text = (row: readonly unknown[], c: RosterColumn): string => {
    const v = row[index(c)];
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
  };
  const sealed = (row: readonly unknown[], c: RosterColumn): string | null => {
    const i = index(c);
    const v = i < 0 ? null : row[i];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const idAt = index('id');
  const areaAt = index('area');
  const wanted = personalFieldsOf(spec.fields);
  const cellsOf = (row: readonly unknown[]): string[] => {
    const id = String(row[idAt]);
    const personal =
      wanted.length === 0
        ? null
        : openPersonal(
            keys,
            {
              id,
              personal_enc: sealed(row, 'personal_enc'),
              given_name_enc: sealed(row, 'given_name_enc'),
              family_name_enc: sealed(row, 'family_name_enc'),
              phone_enc: sealed(row, 'phone_enc'),
              national_id_enc: sealed(row, 'national_id_enc'),
              birth_date_enc: sealed(row, 'birth_date_enc'),
            },
            wanted,
          );
    const cells: string[] = [];
    for (const field of spec.fields) {
      if (PERSONAL.has(field)) {
        let plain = personal?.[field as PersonalField] ?? '';
        // A birth known by its year only has no date: the year stands for it.
        if (field === 'birthDate' && plain === '') plain = text(row, 'birth_year');
        cells.push(plain);
        continue;
      }
      switch (field) {
        case 'reference':
          cells.push(text(row, 'reference'));
          break;
        case 'sex':
          cells.push(text(row, 'sex'));
          break;
        case 'area':
          cells.push(text(row, 'area'));
          break;
        case 'areaName':
          cells.push(spec.areaNames[text(row, 'area')] ?? '');
          break;
        case 'site':
          cells.push(text(row, 'site'));
          break;
        case 'roles':
          cells.push(sortedList(text(row, 'roles')));
          break;
        case 'skills':
          cells.push(sortedList(text(row, 'skills')));
          break;
        case 'languages': {
          const json = text(row, 'languages');
          cells.push(json ? (JSON.parse(json) as string[]).join(', ') : '');
          break;
        }
        case 'availability':
          cells.push(text(row, 'availability'));
          break;
        case 'status':
          cells.push(text(row, 'status'));
          break;
        case 'consent':
          cells.push('yes', text(row, 'consent_version'), text(row, 'consent_language'));
          break;
        case 'createdAt':
          cells.push(text(row, 'created_at'));
          break;
        default:
          cells.push('');
      }
    }
    return cells;
  };
  if (spec.output === 'csv') {
    let csv = '';
    for (const row of rows) csv += csvLine(cellsOf(row));
    return { rows: rows.length, csv };
  }
  return { rows: rows.length, cells: rows.map(cellsOf), areas: rows.map((row) => String(row[areaAt])) };
}
