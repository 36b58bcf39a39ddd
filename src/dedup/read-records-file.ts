import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { parseIsoDate } from '../domain/calendar.ts';
import type { PersonRecord } from './person-record.ts';

/** The record fields a file column can feed. */
export const FILE_FIELDS = ['given_name', 'family_name', 'birth_date', 'birth_year', 'phone', 'national_id', 'area'] as const;
export type FileField = (typeof FILE_FIELDS)[number];

/** Parses "given_name=COL,family_name=COL,..." into field -> column name. */
export function parseColumnMapping(spec: string): Map<FileField, string> {
  const mapping = new Map<FileField, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq <= 0 || !column) throw new Error(`"${part}": expected field=COLUMN`);
    if (!(FILE_FIELDS as readonly string[]).includes(field)) throw new Error(`"${field}" is not a field (${FILE_FIELDS.join(', ')})`);
    mapping.set(field as FileField, column);
  }
  if (!mapping.has('given_name') && !mapping.has('family_name')) throw new Error('map at least given_name or family_name');
  return mapping;
}

/** A date written YYYYMMDD or YYYY-MM-DD; a lone year is read as a birth year. */
function readDate(value: string): { date: string | null; year: number | null } {
  const parsed = parseIsoDate(value);
  if (parsed) return { date: `${parsed.year}-${String(parsed.month).padStart(2, '0')}-${String(parsed.day).padStart(2, '0')}`, year: parsed.year };
  const year = /^(\d{4})/.exec(value)?.[1];
  return { date: null, year: year ? Number(year) : null };
}

/**
 * Reads a CSV file (header row first) into records. Values are trimmed; empty cells are missing
 * values; a date that is not a real day keeps only its year.
 */
export async function readRecordsFile(path: string, idColumn: string, mapping: Map<FileField, string>): Promise<PersonRecord[]> {
  const parser = createReadStream(path).pipe(parse({ columns: (header: string[]) => header.map((h) => h.trim()), trim: true, skip_empty_lines: true, relax_column_count: true, bom: true }));
  const records: PersonRecord[] = [];
  let checked = false;
  for await (const row of parser as AsyncIterable<Record<string, string | undefined>>) {
    if (!checked) {
      const missing = [idColumn, ...mapping.values()].filter((c) => !(c in row));
      if (missing.length > 0) throw new Error(`${path}: no column ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${Object.keys(row).join(', ')})`);
      checked = true;
    }
    const value = (field: FileField) => {
      const column = mapping.get(field);
      const v = column === undefined ? undefined : row[column]?.trim();
      return v ? v : null;
    };
    const birth = value('birth_date');
    const fromDate = birth ? readDate(birth) : { date: null, year: null };
    const yearText = value('birth_year');
    records.push({
      id: row[idColumn]?.trim() ?? '',
      givenName: value('given_name'),
      familyName: value('family_name'),
      birthDate: fromDate.date,
      birthYear: fromDate.year ?? (yearText && /^\d{4}$/.test(yearText) ? Number(yearText) : null),
      phone: value('phone'),
      nationalId: value('national_id'),
      area: value('area'),
    });
  }
  return records;
}
