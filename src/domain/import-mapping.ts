import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldError } from './field-error.ts';
import type { RegistrationInput } from './registration-input.ts';

/**
 * How the columns of a typed-up paper list become registrations. A mapping names, for each field, the
 * column header holding it, and gives the values common to the whole file (the consent notice version
 * printed on the form, who collected the forms). Saved as a profile, it serves every list typed from
 * the same form.
 */
export const IMPORT_FIELDS = [
  'givenName',
  'familyName',
  'birthDate',
  'birthYear',
  'age',
  'sex',
  'phone',
  'nationalId',
  'area',
  'site',
  'roles',
  'skills',
  'languages',
  'availability',
  /** The consent box of the paper form: yes / oui / x / 1 when ticked. */
  'consent',
  'consentVersion',
  'consentLanguage',
  /** Who collected the paper form (an agent's name or id). */
  'capturedBy',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const header = z.string().min(1).max(200);

export const importMappingSchema = z
  .object({
    /** Field -> column header (compared without case, accents or surrounding spaces). */
    columns: z.partialRecord(z.enum(IMPORT_FIELDS), header),
    /** Values for the whole file, used when the row has no column (or an empty cell) for the field. */
    defaults: z
      .object({
        consentVersion: z.string().min(1).max(32).optional(),
        consentLanguage: z.string().min(2).max(8).optional(),
        capturedBy: z.string().min(1).max(100).optional(),
        site: z.string().max(64).optional(),
        area: z.string().max(32).optional(),
        roles: z.array(z.string().max(64)).max(20).optional(),
        availability: z.enum(['immediate', 'within_week', 'later']).optional(),
      })
      .strict()
      .default({}),
    /** Separators of several values in one cell (roles, skills, languages). */
    listSeparators: z.string().min(1).max(5).default(',;/|'),
  })
  .strict();
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** Problems of a mapping against the header row of a file: a mapped column that is not there, a missing must. */
export function checkMapping(mapping: ImportMapping, headers: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(headers.map(normalizeHeader));
  for (const [field, column] of Object.entries(mapping.columns)) {
    if (column !== undefined && !known.has(normalizeHeader(column))) errors.push({ field: `columns.${field}`, code: 'column_not_found', params: { value: column } });
  }
  const needsColumn: ImportField[] = ['givenName', 'familyName', 'phone', 'consent'];
  for (const field of needsColumn) if (mapping.columns[field] === undefined) errors.push({ field: `columns.${field}`, code: 'column_required' });
  if (mapping.columns.birthDate === undefined && mapping.columns.birthYear === undefined && mapping.columns.age === undefined) {
    errors.push({ field: 'columns.birthDate', code: 'birth_column_required' });
  }
  if (mapping.columns.area === undefined && mapping.defaults.area === undefined) errors.push({ field: 'columns.area', code: 'column_required' });
  if (mapping.columns.roles === undefined && mapping.defaults.roles === undefined) errors.push({ field: 'columns.roles', code: 'column_required' });
  if (mapping.columns.consentVersion === undefined && mapping.defaults.consentVersion === undefined) errors.push({ field: 'defaults.consentVersion', code: 'column_required' });
  if (mapping.columns.capturedBy === undefined && mapping.defaults.capturedBy === undefined) errors.push({ field: 'defaults.capturedBy', code: 'column_required' });
  return errors;
}

export function normalizeHeader(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/**
 * Results of `normalizeHeader` and `separatorPattern` for the few column names and separator sets
 * of the mappings in use: every row of a file asks for the same ones again (about a tenth of an
 * import row's checks before they were kept). Bounded, in case of many mappings over a long run.
 */
const headerKeys = new Map<string, string>();
const separatorPatterns = new Map<string, RegExp>();
const MEMO_LIMIT = 1000;

function memoized<T>(memo: Map<string, T>, key: string, compute: (key: string) => T): T {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    value = compute(key);
    memo.set(key, value);
  }
  return value;
}

/** Splits a cell listing several values at any of the `separators` characters. */
function separatorPattern(separators: string): RegExp {
  return new RegExp(`[${separators.replace(/[\\\]^-]/g, '\\$&')}]`);
}

/**
 * A deterministic client id (UUID layout, version 8) for row `row` of the file whose SHA-256 is
 * `fileHash`: importing the same file again, or resuming an interrupted import, names each row the
 * same, so the registration service recognises rows already registered and creates nothing twice.
 */
export function rowClientId(fileHash: string, row: number): string {
  const hex = createHash('sha256').update(`muster-import:${fileHash}:${row}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const YES = new Set(['yes', 'y', 'oui', 'o', 'x', '1', 'true', 'vrai', 'i', 'eh', 'ee', 'na yarda', 'accepte', 'accepté', 'signe', 'signé', '✓', '✔']);

export interface MappedRow {
  /** What the registration service receives, exactly as from any other channel. */
  input: RegistrationInput;
  /** Who collected the paper form. */
  capturedBy: string;
}

export type RowMapping = { ok: true; value: MappedRow } | { ok: false; errors: FieldError[] };

/**
 * Turns one row (cells by normalised header) into a registration input. Only what is particular to
 * paper lists is decided here (a ticked consent box, who collected the form, how cells spell dates,
 * lists and sexes); every rule on the values themselves is the registration service's.
 */
export function mapRow(cells: ReadonlyMap<string, string>, mapping: ImportMapping, clientId: string, defaultLanguage: string): RowMapping {
  const cell = (field: ImportField): string | undefined => {
    const column = mapping.columns[field];
    if (column === undefined) return undefined;
    // A leading apostrophe is how spreadsheets keep a cell as text (a phone starting with +).
    const value = cells.get(memoized(headerKeys, column, normalizeHeader))?.trim().replace(/^'/, '');
    return value === undefined || value === '' ? undefined : value;
  };
  const errors: FieldError[] = [];
  const list = (value: string | undefined): string[] | undefined =>
    value === undefined
      ? undefined
      : value
          .split(memoized(separatorPatterns, mapping.listSeparators, separatorPattern))
          .map((v) => v.trim())
          .filter((v) => v !== '');

  const consent = cell('consent');
  if (consent === undefined || !YES.has(consent.toLowerCase())) errors.push({ field: 'consent', code: 'consent_missing' });
  const capturedBy = cell('capturedBy') ?? mapping.defaults.capturedBy;
  if (capturedBy === undefined) errors.push({ field: 'capturedBy', code: 'required' });

  const input: RegistrationInput = {
    clientId,
    givenName: cell('givenName') ?? '',
    familyName: cell('familyName') ?? '',
    phone: cell('phone') ?? '',
    area: cell('area') ?? mapping.defaults.area ?? '',
    roles: list(cell('roles')) ?? mapping.defaults.roles ?? [],
    consent: {
      noticeVersion: cell('consentVersion') ?? mapping.defaults.consentVersion ?? '',
      language: cell('consentLanguage') ?? mapping.defaults.consentLanguage ?? defaultLanguage,
    },
  };
  const birthDate = cell('birthDate');
  if (birthDate !== undefined) {
    const date = readDate(birthDate);
    if (date === null) errors.push({ field: 'birthDate', code: 'invalid_date' });
    // A cell holding only a year is a birth year.
    else if (/^\d{4}$/.test(date)) input.birthYear = Number(date);
    else input.birthDate = date;
  }
  const year = cell('birthYear');
  if (year !== undefined && input.birthYear === undefined) {
    if (/^\d{4}$/.test(year)) input.birthYear = Number(year);
    else errors.push({ field: 'birthYear', code: 'invalid_year' });
  }
  const age = cell('age');
  if (age !== undefined && input.birthDate === undefined && input.birthYear === undefined) {
    if (/^\d{1,3}$/.test(age)) input.age = Number(age);
    else errors.push({ field: 'age', code: 'invalid_age' });
  }
  const sex = cell('sex');
  if (sex !== undefined) {
    const s = readSex(sex);
    if (s === null) errors.push({ field: 'sex', code: 'invalid_value', params: { allowed: 'F, M' } });
    else input.sex = s;
  }
  const nationalId = cell('nationalId');
  if (nationalId !== undefined) input.nationalId = nationalId;
  const site = cell('site') ?? mapping.defaults.site;
  if (site !== undefined && site !== '') input.site = site;
  const skills = list(cell('skills'));
  if (skills !== undefined) input.skills = skills;
  const languages = list(cell('languages'));
  if (languages !== undefined) input.languages = languages.map((l) => l.toLowerCase());
  const availability = cell('availability') ?? mapping.defaults.availability;
  if (availability !== undefined) {
    if (availability === 'immediate' || availability === 'within_week' || availability === 'later') input.availability = availability;
    else errors.push({ field: 'availability', code: 'invalid_value', params: { allowed: 'immediate, within_week, later' } });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { input, capturedBy: capturedBy ?? '' } };
}

/**
 * A date as typed in a spreadsheet: ISO (1994-03-12), day first (12/03/1994, 12-03-1994, 12.03.1994:
 * the order used in Niger), or a year alone. Returns YYYY-MM-DD, YYYY, or null. Whether the day exists
 * is the registration rules' business.
 */
export function readDate(value: string): string | null {
  const v = value.trim();
  if (/^\d{4}$/.test(v)) return v;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(v);
  if (m) return `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (m) return `${m[3]}-${pad(m[2])}-${pad(m[1])}`;
  return null;
}

function pad(part: string | undefined): string {
  return (part ?? '').padStart(2, '0');
}

const FEMALE = new Set(['f', 'femme', 'feminin', 'féminin', 'female', 'woman', 'mace']);
const MALE = new Set(['m', 'h', 'homme', 'masculin', 'male', 'man', 'namiji']);

function readSex(value: string): 'F' | 'M' | null {
  const v = value.trim().toLowerCase();
  if (FEMALE.has(v)) return 'F';
  if (MALE.has(v)) return 'M';
  return null;
}
