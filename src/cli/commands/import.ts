import { SingleBar } from 'cli-progress';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importMappingSchema, type ImportMapping } from '../../domain/import-mapping.ts';
import { formatOfFile } from '../../imports/read-table.ts';
import { translate } from '../../i18n/translate.ts';
import { runImport } from '../../services/imports/run-import.ts';
import { loadProfile, saveProfile } from '../../services/imports/import-profiles.ts';
import { writeImportReport } from '../../services/imports/import-report.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';
import { createWriteStream } from 'node:fs';

/**
 * `muster import FILE.csv|xlsx`: a typed-up paper list into the registry, through the same rules as
 * every channel. `--dry-run` says row by row what would happen; the report of refused and matched rows
 * is written as CSV in the chosen language. Run again on the same file after an interruption, it
 * resumes after the last row done.
 */
export async function importCommand(values: CommandValues, io: CommandIo, positionals: readonly string[] = []): Promise<number> {
  const file = typeof values.file === 'string' ? values.file : positionals[0];
  if (!file) throw new Error('give the file to import: muster import FILE.csv|xlsx');
  const format = formatOfFile(file);
  if (!format) throw new Error('the file must be .csv or .xlsx');
  const lang = typeof values.lang === 'string' ? values.lang : undefined;

  const ctx = await openFromCommand(values);
  const caller = { principal: { kind: 'system' as const, name: 'cli' }, ip: null };
  try {
    let mapping: ImportMapping;
    let profileId: string | null = null;
    if (typeof values.mapping === 'string') {
      const parsed = importMappingSchema.safeParse(JSON.parse(readFileSync(values.mapping, 'utf8')));
      if (!parsed.success) throw new Error(`the mapping file is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      mapping = parsed.data;
      if (typeof values['save-profile'] === 'string') {
        profileId = (await saveProfile(ctx, caller, values['save-profile'], mapping)).id;
        io.out(`mapping saved as profile "${values['save-profile']}"`);
      }
    } else if (typeof values.profile === 'string') {
      const profile = await loadProfile(ctx, values.profile);
      if (!profile) throw new Error(`no import profile named "${values.profile}"`);
      mapping = profile.mapping;
      profileId = profile.id;
    } else {
      throw new Error('give the column mapping: --mapping FILE.json (and --save-profile NAME to keep it) or --profile NAME');
    }
    const language = lang ?? ctx.drive.config.defaultLanguage;
    const dryRun = values['dry-run'] === true;
    const total = format === 'csv' ? await countLines(file) : 0;
    const progress = new SingleBar(
      { format: `${dryRun ? 'dry run' : 'import'} [{bar}] {percentage}% | {value}/{total} rows | {eta}s left`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
    );
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    const started = Date.now();
    progress.start(total, 0);
    let result;
    try {
      result = await runImport(ctx, caller, {
        path: file,
        fileName: basename(file),
        format,
        mapping,
        profileId,
        dryRun,
        signal: controller.signal,
        onProgress: (done) => {
          if (done > progress.getTotal()) progress.setTotal(done);
          progress.update(done);
        },
      });
    } finally {
      progress.stop();
      process.removeListener('SIGINT', stop);
    }
    if (result.status === 'invalid_mapping') {
      io.err('the mapping does not fit this file:');
      for (const e of result.errors) io.err(`  ${e.field}: ${translate(e.code, language, e.params)}`);
      return 1;
    }
    const s = result.summary;
    if (result.status === 'already_imported') {
      io.out(`this file was already imported completely (import ${s.jobId}): ${s.created + s.review} created, ${s.matched} matched, ${s.refused} refused; nothing to do`);
      return 0;
    }
    const seconds = (Date.now() - started) / 1000;
    const done = s.rows - s.resumedAfter;
    io.out(
      `${dryRun ? 'dry run (nothing stored)' : s.status === 'done' ? 'import done' : 'import interrupted: run the same command again to resume'}: ` +
        `${s.rows} rows${s.resumedAfter > 0 ? ` (resumed after row ${s.resumedAfter})` : ''}; ` +
        `${s.created + s.review} ${dryRun ? 'would be created' : 'created'} (${s.review} with a possible duplicate to review), ` +
        `${s.matched} matched to people already registered, ${s.refused} refused; ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 0.001))} rows/s)`,
    );
    const reportPath = typeof values.report === 'string' ? values.report : `${file.replace(/\.(csv|xlsx)$/i, '')}.report.${language}.csv`;
    const lines = await writeImportReport(ctx, s.jobId, language, createWriteStream(reportPath), { onlyProblems: values['full-report'] !== true });
    io.out(`report (${lines} lines): ${reportPath}`);
    return s.status === 'done' ? 0 : 3;
  } finally {
    await ctx.database.close();
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) lines += 1;
    last = buffer[buffer.length - 1] ?? last;
  }
  if (last !== 10) lines += 1;
  return Math.max(0, lines - 1);
}
