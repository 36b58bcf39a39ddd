import type { Drive } from '../../config/load-drive.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { FieldError } from '../../domain/field-error.ts';
import { mapRow, rowClientId, type ImportMapping } from '../../domain/import-mapping.ts';
import { cleanNationalId } from '../../domain/person-name.ts';
import { normalizeMobilePhone } from '../../domain/phone.ts';
import { readTable, type TableFormat } from '../../imports/read-table.ts';
import { checkRegistration, type CheckedRegistration } from '../register-volunteer.ts';

/**
 * One row of a paper list after everything that needs neither the database nor the data keys: the
 * column mapping, then the registration checks of every channel (`checkRegistration`).
 */
export type PreparedRow =
  | { row: number; mapped: false; errors: FieldError[] }
  | {
      row: number;
      mapped: true;
      /** The home area as written (upper case), for the importer's scope check. */
      area: string;
      capturedBy: string;
      check: CheckedRegistration;
      /** Dry run only: what makes two rows the same person for sure (see personKeys). */
      personKeys: string[];
    };

export interface PreparedBatch {
  rows: PreparedRow[];
  /** The last row number read from the file so far (rows done by an earlier run included). */
  seen: number;
  /** When the batch was checked: its registration time. */
  now: string;
}

export interface PrepareSpec {
  path: string;
  format: TableFormat;
  mapping: ImportMapping;
  fileHash: string;
  /** Rows up to this number were done by an earlier run: read, not prepared. */
  resumedAfter: number;
  batchSize: number;
  dryRun: boolean;
}

export interface PrepareDeps {
  drive: Drive;
  cipher: Pick<FieldCipher, 'blindIndex' | 'fingerprint'>;
}

const SOURCE = { channel: 'import' as const, maxOfflineDays: undefined, site: undefined };

export function prepareRow(deps: PrepareDeps, spec: PrepareSpec, row: number, cells: ReadonlyMap<string, string>, now: Date): PreparedRow {
  const mapped = mapRow(cells, spec.mapping, rowClientId(spec.fileHash, row), deps.drive.config.defaultLanguage);
  if (!mapped.ok) return { row, mapped: false, errors: mapped.errors };
  const input = mapped.value.input;
  return {
    row,
    mapped: true,
    area: input.area.trim().toUpperCase(),
    capturedBy: mapped.value.capturedBy,
    check: checkRegistration(deps, input, SOURCE, now),
    personKeys: spec.dryRun ? personKeys(input.phone, input.nationalId, deps.drive.config.phoneRegion) : [],
  };
}

/**
 * Reads the file and prepares it batch by batch. `nextNow` is asked once per batch, before it is
 * prepared: the time its rows are checked and registered at. A last batch carries the rows left (it
 * may have none, to report how many rows the file has).
 */
export async function* preparedBatches(deps: PrepareDeps, spec: PrepareSpec, nextNow: () => Promise<Date> | Date): AsyncGenerator<PreparedBatch> {
  let seen = 0;
  let raw: Array<{ row: number; cells: Map<string, string> }> = [];
  const prepare = async (): Promise<PreparedBatch> => {
    const now = await nextNow();
    const rows = raw.map(({ row, cells }) => prepareRow(deps, spec, row, cells, now));
    raw = [];
    return { rows, seen, now: now.toISOString() };
  };
  for await (const item of readTable(spec.path, spec.format)) {
    if (!('row' in item)) continue;
    seen = item.row;
    if (item.row <= spec.resumedAfter) continue;
    raw.push(item);
    if (raw.length >= spec.batchSize) yield await prepare();
  }
  yield await prepare();
}

/** What makes two rows the same person for sure: the phone or the ID number, normalised. */
export function personKeys(phone: string, nationalId: string | undefined, region: string): string[] {
  const keys: string[] = [];
  const p = normalizeMobilePhone(phone, region);
  if (p.ok) keys.push(`p:${p.e164}`);
  if (nationalId !== undefined && nationalId.trim() !== '') {
    const id = cleanNationalId(nationalId);
    if (id.ok) keys.push(`n:${id.value}`);
  }
  return keys;
}
