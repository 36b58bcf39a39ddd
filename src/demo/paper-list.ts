import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { ImportMapping } from '../domain/import-mapping.ts';
import type { RegistrationInput } from '../domain/registration-input.ts';
import { csvLine } from '../exports/csv.ts';

/**
 * A paper registration list as typed into a spreadsheet in Niger (French headers, dates day first,
 * lists separated by commas), for demonstrations, tests and benchmarks of `muster import`.
 */
export const PAPER_LIST_HEADERS = [
  'Prénom',
  'Nom',
  'Date de naissance',
  'Âge',
  'Sexe',
  'Téléphone',
  'NIN',
  'Commune',
  'Rôles',
  'Compétences',
  'Langues',
  'Disponibilité',
  'Consentement',
  'Agent',
] as const;

/** The column mapping of that list (consent notice version 1). */
export const PAPER_LIST_MAPPING: ImportMapping = {
  columns: {
    givenName: 'Prénom',
    familyName: 'Nom',
    birthDate: 'Date de naissance',
    age: 'Âge',
    sex: 'Sexe',
    phone: 'Téléphone',
    nationalId: 'NIN',
    area: 'Commune',
    roles: 'Rôles',
    skills: 'Compétences',
    languages: 'Langues',
    availability: 'Disponibilité',
    consent: 'Consentement',
    capturedBy: 'Agent',
  },
  defaults: { consentVersion: '1', consentLanguage: 'fr' },
  listSeparators: ',;/|',
};

export interface PaperRow {
  input: RegistrationInput;
  /** Consent box ticked (default yes). */
  consent?: boolean;
  agent?: string;
}

/** The cells of one row of the paper list, in PAPER_LIST_HEADERS order. */
export function paperListCells(row: PaperRow): string[] {
  const i = row.input;
  const dayFirst = i.birthDate ? i.birthDate.split('-').reverse().join('/') : i.birthYear !== undefined ? String(i.birthYear) : '';
  return [
    i.givenName,
    i.familyName,
    dayFirst,
    i.age !== undefined && !i.birthDate && i.birthYear === undefined ? String(i.age) : '',
    i.sex ?? '',
    i.phone,
    i.nationalId ?? '',
    i.area,
    i.roles.join(', '),
    (i.skills ?? []).join(', '),
    (i.languages ?? []).join(', '),
    i.availability ?? '',
    row.consent === false ? '' : 'oui',
    row.agent ?? 'Agent Zeinabou',
  ];
}

/** Writes a paper list CSV (UTF-8 with BOM, as spreadsheets save it). */
export async function writePaperListCsv(path: string, rows: Iterable<PaperRow>): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('\uFEFF' + csvLine([...PAPER_LIST_HEADERS]));
  for (const row of rows) {
    await write(csvLine(paperListCells(row)));
    count += 1;
  }
  out.end();
  await once(out, 'finish');
  return count;
}
