import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { sealAllPendingAudit } from '../src/audit/audit-sealer.ts';
import { PAPER_LIST_HEADERS, PAPER_LIST_MAPPING, paperListCells, writePaperListCsv, type PaperRow } from '../src/demo/paper-list.ts';
import type { RegistrationInput } from '../src/domain/registration-input.ts';
import { translate } from '../src/i18n/translate.ts';
import { writeImportReport } from '../src/services/imports/import-report.ts';
import { runImport, type ImportResult } from '../src/services/imports/run-import.ts';
import { buildServer } from '../src/http/build-server.ts';
import { nextPhone, registration } from './fixtures.ts';
import { prepareStaffPassword, signedInStaff } from './helpers/staff.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

const importer = { principal: { kind: 'system' as const, name: 'test-import' }, ip: '10.0.0.9' };

function person(overrides: Record<string, unknown> = {}): RegistrationInput {
  return registration({ phone: nextPhone(), site: undefined, ...overrides }) as unknown as RegistrationInput;
}

async function reportOf(ctx: AppContext, jobId: string, lang: string, onlyProblems = true): Promise<string[][]> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await writeImportReport(ctx, jobId, lang, out, { onlyProblems });
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  return text
    .trim()
    .split('\r\n')
    .map((line) => [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => (m[1] ?? '').replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, 5));
}

function ran(result: ImportResult) {
  if (result.status !== 'ran') throw new Error(`import did not run: ${JSON.stringify(result)}`);
  return result.summary;
}

describeEachDatabase('imports of paper lists', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let dir: string;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    dir = mkdtempSync(join(tmpdir(), 'muster-import-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await testDb.cleanup();
  });

  const count = async () => Number((await ctx.database.db.selectFrom('volunteers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('reports refused rows (minor, bad phone, missing consent) and matches in fr, en and ha, stores nothing on a dry run, then imports with the same outcomes', async () => {
    const first = person({ givenName: 'Rabi', familyName: 'Garba', birthDate: '1991-02-03' });
    const rows: PaperRow[] = [
      { input: first, agent: 'Agent Hadiza' },
      { input: person({ birthDate: '2012-05-05' }) },
      { input: person({ phone: '12345' }) },
      { input: person(), consent: false },
      { input: { ...person({ givenName: 'Rabiou' }), phone: first.phone } },
      { input: person({ givenName: 'Salamatou', familyName: 'Issa', birthDate: '1988-08-08' }), agent: 'Agent Moussa' },
    ];
    const file = join(dir, 'list.csv');
    await writePaperListCsv(file, rows);
    const before = await count();

    const dry = ran(await runImport(ctx, importer, { path: file, fileName: 'list.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: true, batchSize: 2 }));
    expect({ created: dry.created + dry.review, matched: dry.matched, refused: dry.refused, rows: dry.rows }).toEqual({ created: 2, matched: 1, refused: 3, rows: 6 });
    expect(await count()).toBe(before);

    for (const lang of ['fr', 'en', 'ha']) {
      const report = await reportOf(ctx, dry.jobId, lang);
      expect(report[0]).toEqual(['report_row', 'report_outcome', 'report_reference', 'report_field', 'report_reason'].map((c) => translate(c, lang)));
      const byRow = (row: number) => report.filter((line) => line[0] === String(row));
      expect(byRow(2)).toEqual([['2', translate('import_outcome_refused', lang), '', 'birthDate', translate('under_minimum_age', lang, { min: 18 })]]);
      expect(byRow(3)[0]?.slice(3)).toEqual(['phone', translate('invalid_phone', lang)]);
      expect(byRow(4)).toEqual([['4', translate('import_outcome_refused', lang), '', 'consent', translate('consent_missing', lang)]]);
      expect(byRow(5)[0]?.slice(1, 2)).toEqual([translate('import_outcome_matched', lang)]);
      expect(byRow(1)).toEqual([]);
    }

    const real = ran(await runImport(ctx, importer, { path: file, fileName: 'list.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false, batchSize: 4 }));
    expect({ created: real.created + real.review, matched: real.matched, refused: real.refused, rows: real.rows, status: real.status }).toEqual({
      created: 2,
      matched: 1,
      refused: 3,
      rows: 6,
      status: 'done',
    });
    expect(await count()).toBe(before + 2);
    const report = await reportOf(ctx, real.jobId, 'en', false);
    const created = report.find((line) => line[0] === '1');
    const matched = report.find((line) => line[0] === '5');
    expect(created?.[2]).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // The matched row points at the person already created from row 1.
    expect(matched?.[2]).toBe(created?.[2]);

    // Consent is recorded as a paper form: channel, notice version, and who collected it.
    const stored = await ctx.database.db.selectFrom('volunteers').select(['channel', 'consent_version', 'consent_captured_by']).where('reference', '=', created?.[2] ?? '').executeTakeFirstOrThrow();
    expect(stored).toEqual({ channel: 'import', consent_version: '1', consent_captured_by: 'paper:Agent Hadiza' });

    // Each creation is audited as done by the importer, naming the import.
    await sealAllPendingAudit(ctx.database);
    const entries = await ctx.database.db.selectFrom('audit_log').select(['actor', 'action', 'details', 'ip']).where('action', 'like', 'import.%').execute();
    expect(entries.map((e) => e.action)).toEqual(['import.dry_run', 'import.finish', 'import.start', 'import.finish']);
    const creations = await ctx.database.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'volunteer.create').execute();
    const fromImport = creations.filter((e) => (JSON.parse(e.details) as { importId?: string }).importId === real.jobId);
    expect(fromImport).toHaveLength(2);
    expect(fromImport.every((e) => e.actor === 'system:test-import')).toBe(true);

    // The same file again: nothing to do.
    const again = await runImport(ctx, importer, { path: file, fileName: 'list.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false });
    expect(again.status).toBe('already_imported');
    expect(await count()).toBe(before + 2);
  });

  it('resumes an interrupted import after the last row done and creates nobody twice', async () => {
    const rows: PaperRow[] = Array.from({ length: 9 }, () => ({ input: person() }));
    const file = join(dir, 'long.csv');
    await writePaperListCsv(file, rows);
    const before = await count();
    const controller = new AbortController();
    const first = ran(
      await runImport(ctx, importer, {
        path: file,
        fileName: 'long.csv',
        format: 'csv',
        mapping: PAPER_LIST_MAPPING,
        dryRun: false,
        batchSize: 2,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 4) controller.abort();
        },
      }),
    );
    expect(first.status).toBe('interrupted');
    const doneFirst = first.rows;
    expect(doneFirst).toBeGreaterThanOrEqual(4);
    expect(doneFirst).toBeLessThan(9);
    expect(await count()).toBe(before + doneFirst);

    const second = ran(await runImport(ctx, importer, { path: file, fileName: 'long.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false, batchSize: 2 }));
    expect(second.jobId).toBe(first.jobId);
    expect(second.resumedAfter).toBe(doneFirst);
    expect({ status: second.status, rows: second.rows, created: second.created + second.review, matched: second.matched }).toEqual({ status: 'done', rows: 9, created: 9, matched: 0 });
    expect(await count()).toBe(before + 9);

    // Even when the progress of a run is lost, rows keep their client ids: nothing is created twice.
    await ctx.database.write(async (trx) => {
      await trx.deleteFrom('import_rows').where('job_id', '=', first.jobId).execute();
      await trx.updateTable('import_jobs').set({ status: 'interrupted', rows_done: 0, created_count: 0, review_count: 0, matched_count: 0 }).where('id', '=', first.jobId).execute();
    });
    const third = ran(await runImport(ctx, importer, { path: file, fileName: 'long.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false, batchSize: 4 }));
    expect({ rows: third.rows, created: third.created + third.review, refused: third.refused }).toEqual({ rows: 9, created: 9, refused: 0 });
    expect(await count()).toBe(before + 9);

    // Another file with the same people (one more row): the others are matched, not registered again.
    const longer = join(dir, 'longer.csv');
    await writePaperListCsv(longer, [...rows, { input: person() }]);
    const fourth = ran(await runImport(ctx, importer, { path: longer, fileName: 'longer.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false }));
    expect({ created: fourth.created + fourth.review, matched: fourth.matched }).toEqual({ created: 1, matched: 9 });
    expect(await count()).toBe(before + 10);
  });

  it('reads XLSX lists and refuses a mapping that does not fit the file', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Liste');
    sheet.addRow([...PAPER_LIST_HEADERS]);
    const people = [person({ birthDate: '1979-01-31' }), person({ birthDate: undefined, age: 40 })];
    for (const p of people) sheet.addRow(paperListCells({ input: p }));
    const file = join(dir, 'list.xlsx');
    await workbook.xlsx.writeFile(file);
    const before = await count();
    const result = ran(await runImport(ctx, importer, { path: file, fileName: 'list.xlsx', format: 'xlsx', mapping: PAPER_LIST_MAPPING, dryRun: false }));
    expect({ rows: result.rows, created: result.created + result.review, refused: result.refused }).toEqual({ rows: 2, created: 2, refused: 0 });
    expect(await count()).toBe(before + 2);

    const csv = join(dir, 'other.csv');
    writeFileSync(csv, 'Name;Phone\nA;+22790000000\n');
    const refused = await runImport(ctx, importer, { path: csv, fileName: 'other.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: true });
    expect(refused.status).toBe('invalid_mapping');
    if (refused.status === 'invalid_mapping') expect(refused.errors.map((e) => e.code)).toContain('column_not_found');
    expect(readFileSync(csv, 'utf8')).toContain('Name;Phone');
  });
});

describeEachDatabase('imports through the API', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx);
    await prepareStaffPassword();
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  it('saves a mapping, takes a streamed upload, runs dry then for real, and serves the report in the reader language', async () => {
    const coordinator = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
    const officer = await signedInStaff(ctx, app, 'officer', { areas: ['NE008'] });
    const saved = await app.inject({ method: 'POST', url: '/api/v1/imports/profiles', headers: coordinator.headers, payload: { name: 'fiche papier v1', mapping: PAPER_LIST_MAPPING } });
    expect(saved.statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: '/api/v1/imports/profiles', headers: officer.headers, payload: { name: 'x', mapping: PAPER_LIST_MAPPING } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/imports/profiles', headers: coordinator.headers })).json().items.map((p: { name: string }) => p.name)).toEqual(['fiche papier v1']);

    const dir = mkdtempSync(join(tmpdir(), 'muster-upload-'));
    try {
      const file = join(dir, 'list.csv');
      await writePaperListCsv(file, [
        { input: person({ area: 'NE008001' }) },
        { input: person({ area: 'NE004' }) },
        { input: person({ area: 'NE008', phone: '+227 1234' }) },
      ]);
      const body = readFileSync(file);
      const upload = (dryRun: boolean, headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: `/api/v1/imports?fileName=list.csv&profile=${encodeURIComponent('fiche papier v1')}&dryRun=${String(dryRun)}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: body });
      expect((await upload(true, officer.headers)).statusCode).toBe(403);
      const dry = await upload(true, coordinator.headers);
      expect(dry.statusCode).toBe(201);
      expect(dry.json()).toMatchObject({ outcome: 'ran', dryRun: true, rows: 3, created: 1, refused: 2 });
      const real = await upload(false, coordinator.headers);
      expect(real.json()).toMatchObject({ outcome: 'ran', dryRun: false, status: 'done', rows: 3, created: 1, refused: 2 });
      const jobId = real.json().jobId as string;
      expect((await app.inject({ method: 'GET', url: `/api/v1/imports/${jobId}`, headers: coordinator.headers })).json()).toMatchObject({ status: 'done', created: 1 });
      const report = await app.inject({ method: 'GET', url: `/api/v1/imports/${jobId}/report?lang=ha`, headers: coordinator.headers });
      expect(report.headers['content-type']).toContain('text/csv');
      // A coordinator imports only people of their areas.
      expect(report.body).toContain(translate('area_out_of_scope', 'ha', { value: 'NE004' }));
      expect(report.body).toContain(translate('invalid_phone', 'ha'));
      expect(report.body.startsWith('\uFEFFlayi,')).toBe(true);
      expect((await app.inject({ method: 'GET', url: `/api/v1/imports/${jobId}/report`, headers: officer.headers })).statusCode).toBe(403);
      const other = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
      expect((await app.inject({ method: 'GET', url: `/api/v1/imports/${jobId}`, headers: other.headers })).statusCode).toBe(404);
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/imports?fileName=list.pdf&profile=x', headers: { ...coordinator.headers, 'content-type': 'application/octet-stream' }, payload: body });
      expect(wrong.statusCode).toBe(415);
      // The uploaded file does not outlive the import.
      expect(readdirSync(join(ctx.dataDir, 'uploads'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
