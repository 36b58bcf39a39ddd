import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { FieldError } from '../../domain/field-error.ts';
import { translate } from '../../i18n/translate.ts';
import type { RegisterDeps } from '../register-volunteer.ts';
import { csvLine } from '../../exports/csv.ts';

const PAGE = 5000;

/**
 * The row-by-row report of an import as CSV, in `language`: row number, outcome, the reference of the
 * person created or matched, and for refusals the field and the reason (one line per reason). Holds no
 * personal data: the person who typed the list has the file, and the row number points into it.
 * Returns the number of lines written (header excluded).
 */
export async function writeImportReport(
  deps: Pick<RegisterDeps, 'database'>,
  jobId: string,
  language: string,
  out: Writable,
  options: { onlyProblems?: boolean } = {},
): Promise<number> {
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('\uFEFF' + csvLine([translate('report_row', language), translate('report_outcome', language), translate('report_reference', language), translate('report_field', language), translate('report_reason', language)]));
  let lines = 0;
  let after = 0;
  for (;;) {
    let query = deps.database.db
      .selectFrom('import_rows')
      .leftJoin('volunteers', 'volunteers.id', 'import_rows.volunteer_id')
      .select(['import_rows.row_number', 'import_rows.outcome', 'import_rows.errors', 'volunteers.reference'])
      .where('import_rows.job_id', '=', jobId)
      .where('import_rows.row_number', '>', after);
    if (options.onlyProblems) query = query.where('import_rows.outcome', 'in', ['refused', 'matched', 'review']);
    const rows = await query.orderBy('import_rows.row_number').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const outcome = translate(`import_outcome_${row.outcome}`, language);
      const errors = row.errors ? (JSON.parse(row.errors) as FieldError[]) : [];
      if (errors.length === 0) {
        await write(csvLine([String(row.row_number), outcome, row.reference ?? '', '', '']));
        lines += 1;
      }
      for (const error of errors) {
        await write(csvLine([String(row.row_number), outcome, row.reference ?? '', error.field, translate(error.code, language, error.params)]));
        lines += 1;
      }
      after = row.row_number;
    }
  }
  out.end();
  await once(out, 'finish');
  return lines;
}
