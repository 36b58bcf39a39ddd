import type { Transaction } from 'kysely';
import { inScope } from '../../access/policy.ts';
import { checkMapping, type ImportMapping } from '../../domain/import-mapping.ts';
import type { FieldError } from '../../domain/field-error.ts';
import { hashFile, readHeaders, type TableFormat } from '../../imports/read-table.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import { precompiledInsert } from '../../store/precompiled-insert.ts';
import type { MusterSchema } from '../../store/schema.ts';
import type { ImportJobsTable, ImportRowOutcome, ImportRowsTable } from '../../store/schema-io.ts';
import { callerActor, scopeOf, type Caller } from '../access-context.ts';
import { registerChecked, type CheckedRegistration, type RegisterDeps, type RegistrationOutcome } from '../register-volunteer.ts';
import { preparedBatches, type PreparedBatch, type PrepareSpec } from './prepare-rows.ts';

export interface ImportRequest {
  /** The file on disk (an upload is saved first: the same bytes must be read twice). */
  path: string;
  fileName: string;
  format: TableFormat;
  mapping: ImportMapping;
  profileId?: string | null | undefined;
  dryRun: boolean;
  /** Rows per write transaction. */
  batchSize?: number | undefined;
  onProgress?: ((rowsDone: number) => void) | undefined;
  /** Stops after the batch in progress; the job is left "interrupted", to be resumed. */
  signal?: AbortSignal | undefined;
}

export interface ImportSummary {
  jobId: string;
  status: ImportJobsTable['status'];
  dryRun: boolean;
  fileHash: string;
  /** Rows read from the file so far (all of them once done). */
  rows: number;
  created: number;
  /** Created, and a possible duplicate of an earlier registration awaits review. */
  review: number;
  /** Already registered (same phone, ID number, or same person earlier in this file). */
  matched: number;
  refused: number;
  /** Rows already done by an earlier, interrupted run of the same file, skipped this time. */
  resumedAfter: number;
}

export type ImportResult =
  | { status: 'invalid_mapping'; errors: FieldError[] }
  /** This file was already imported completely: nothing to do. */
  | { status: 'already_imported'; summary: ImportSummary }
  | { status: 'ran'; summary: ImportSummary };

const DEFAULT_BATCH = 1000;

const insertRows = precompiledInsert('import_rows', ['job_id', 'row_number', 'outcome', 'volunteer_id', 'errors'], { rowsPerStatement: 256, skipConflicts: true });

/** Thrown inside a dry run's transaction to undo it, carrying what the run would have done. */
class DryRunRollback extends Error {
  constructor(readonly outcomes: readonly RegistrationOutcome[]) {
    super('dry run');
  }
}

/**
 * Imports a typed-up paper list. Every row goes through the registration service like a registration
 * from any other channel (same rules, duplicate check and audit), in batches of one transaction each.
 * A dry run does the same work and undoes it, reporting what would happen. A real run records each
 * row's outcome with the batch that registered it, so a run interrupted at any point resumes after the
 * last row done; rows carry deterministic client ids (file hash and row number), so even a row whose
 * outcome was lost is recognised and never registered twice.
 */
export async function runImport(deps: RegisterDeps, caller: Caller, request: ImportRequest): Promise<ImportResult> {
  const headers = await readHeaders(request.path, request.format);
  const mappingErrors = checkMapping(request.mapping, headers);
  if (mappingErrors.length > 0) return { status: 'invalid_mapping', errors: mappingErrors };

  const fileHash = await hashFile(request.path);
  const actor = callerActor(caller);
  const now = deps.clock().toISOString();
  const db = deps.database.db;

  let job: ImportJobsTable | undefined;
  if (!request.dryRun) {
    const done = await db.selectFrom('import_jobs').selectAll().where('file_hash', '=', fileHash).where('dry_run', '=', 0).where('status', '=', 'done').executeTakeFirst();
    if (done) return { status: 'already_imported', summary: summaryOf(done, 0) };
    job = await db
      .selectFrom('import_jobs')
      .selectAll()
      .where('file_hash', '=', fileHash)
      .where('dry_run', '=', 0)
      .where('status', 'in', ['running', 'interrupted', 'failed'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }
  const resumedAfter = job?.rows_done ?? 0;
  if (job) {
    const id = job.id;
    await deps.database.write(async (trx) => {
      await trx.updateTable('import_jobs').set({ status: 'running', error: null, updated_at: now }).where('id', '=', id).execute();
      await recordAudit(trx, { at: now, actor, action: 'import.resume', details: { importId: id, fileHash, afterRow: resumedAfter }, ip: caller.ip });
    });
  } else {
    const created: ImportJobsTable = {
      id: uuidv7(),
      file_name: request.fileName.slice(0, 255),
      file_hash: fileHash,
      format: request.format,
      dry_run: request.dryRun ? 1 : 0,
      profile_id: request.profileId ?? null,
      mapping: JSON.stringify(request.mapping),
      status: 'running',
      total_rows: null,
      rows_done: 0,
      created_count: 0,
      matched_count: 0,
      refused_count: 0,
      review_count: 0,
      error: null,
      created_by: actor,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    await deps.database.write(async (trx) => {
      await trx.insertInto('import_jobs').values(created).execute();
      await recordAudit(trx, {
        at: now,
        actor,
        action: request.dryRun ? 'import.dry_run' : 'import.start',
        details: { importId: created.id, fileHash, format: request.format, profileId: request.profileId ?? null },
        ip: caller.ip,
      });
    });
    job = created;
  }
  const jobId = job.id;

  const scope = scopeOf(caller, deps.clock());
  const ancestorsOf = (p: string) => deps.drive.ancestorsOf(p);
  const source = { channel: 'import' as const, capturedBy: actor, actor, ip: caller.ip, auditDetails: { importId: jobId } };
  /** Dry run only: the people "created" by earlier batches (undone), to report a second row for one as matched. */
  const seenInDryRun = new Map<string, number>();
  const batchSize = request.batchSize ?? DEFAULT_BATCH;
  let rowsDone = resumedAfter;

  const flush = async (batch: PreparedBatch): Promise<void> => {
    const rows = batch.rows;
    if (rows.length === 0) return;
    const results: ImportRowsTable[] = [];
    const checks: CheckedRegistration[] = [];
    const capturedBy: string[] = [];
    const positions: number[] = [];
    const keysOf: Array<string[]> = [];
    for (const prepared of rows) {
      const row = prepared.row;
      if (!prepared.mapped) {
        results.push({ job_id: jobId, row_number: row, outcome: 'refused', volunteer_id: null, errors: JSON.stringify(prepared.errors) });
        continue;
      }
      const area = prepared.area;
      if (deps.drive.areas.has(area) && !inScope(scope, { area, capturedBy: actor, createdAt: now }, ancestorsOf)) {
        results.push({ job_id: jobId, row_number: row, outcome: 'refused', volunteer_id: null, errors: JSON.stringify([{ field: 'area', code: 'area_out_of_scope', params: { value: area } }]) });
        continue;
      }
      positions.push(results.length);
      results.push({ job_id: jobId, row_number: row, outcome: 'refused', volunteer_id: null, errors: null });
      checks.push(prepared.check);
      capturedBy.push(`paper:${prepared.capturedBy}`);
      if (request.dryRun) keysOf.push(prepared.personKeys);
    }
    const checkedAt = new Date(batch.now);
    const fill = (outcomes: readonly RegistrationOutcome[]) => {
      outcomes.forEach((outcome, i) => {
        const at = positions[i];
        const target = at === undefined ? undefined : results[at];
        if (target) Object.assign(target, rowOf(outcome));
      });
    };
    const record = async (trx: Transaction<MusterSchema>) => {
      await insertRows.run(trx, results);
      const count = (outcome: ImportRowOutcome) => results.filter((r) => r.outcome === outcome).length;
      const last = rows[rows.length - 1]?.row ?? rowsDone;
      await trx
        .updateTable('import_jobs')
        .set((eb) => ({
          rows_done: last,
          created_count: eb('created_count', '+', count('created')),
          review_count: eb('review_count', '+', count('review')),
          matched_count: eb('matched_count', '+', count('matched')),
          refused_count: eb('refused_count', '+', count('refused')),
          updated_at: deps.clock().toISOString(),
        }))
        .where('id', '=', jobId)
        .execute();
      return last;
    };

    if (!request.dryRun) {
      await registerChecked(deps, checks, source, {
        capturedBy,
        now: checkedAt,
        after: async (trx, outcomes) => {
          fill(outcomes);
          await record(trx);
        },
      });
    } else {
      let outcomes: readonly RegistrationOutcome[] = [];
      try {
        await registerChecked(deps, checks, source, {
          capturedBy,
          now: checkedAt,
          after: (_trx, done) => Promise.reject(new DryRunRollback(done)),
        });
      } catch (error) {
        if (!(error instanceof DryRunRollback)) throw error;
        outcomes = error.outcomes;
      }
      fill(outcomes);
      // Earlier batches were undone: a person "created" there and met again here is a match.
      outcomes.forEach((outcome, i) => {
        const keys = keysOf[i] ?? [];
        const at = positions[i];
        const target = at === undefined ? undefined : results[at];
        if (!target) return;
        if (outcome.status === 'created') {
          const earlier = keys.map((k) => seenInDryRun.get(k)).find((r) => r !== undefined);
          if (earlier !== undefined) {
            Object.assign(target, { outcome: 'matched', volunteer_id: null, errors: JSON.stringify([{ field: 'phone', code: 'same_as_row', params: { row: earlier } }]) });
          } else for (const k of keys) seenInDryRun.set(k, target.row_number);
        }
      });
      await deps.database.write(record);
    }
    rowsDone = rows[rows.length - 1]?.row ?? rowsDone;
    request.onProgress?.(rowsDone);
  };

  let interrupted = false;
  let total = 0;
  const spec: PrepareSpec = { path: request.path, format: request.format, mapping: request.mapping, fileHash, resumedAfter, batchSize, dryRun: request.dryRun };
  const batches = preparedBatches(deps, spec, deps.clock);
  // On SQLite, writes run one after the other in the order asked (group commit): the next batch can be
  // read, mapped and validated while the previous one is being written and synced, and still meets it
  // in the duplicate check. On PostgreSQL, transactions would run side by side: one batch at a time.
  const maxInFlight = deps.database.dialect === 'sqlite' && !request.dryRun ? 2 : 1;
  const inFlight: Array<Promise<void>> = [];
  try {
    let loopFailure: unknown = null;
    try {
      for await (const batch of batches) {
        total = batch.seen;
        if (request.signal?.aborted) {
          interrupted = true;
          break;
        }
        inFlight.push(flush(batch));
        if (inFlight.length >= maxInFlight) await inFlight.shift();
      }
    } catch (error) {
      loopFailure = error;
    }
    // Every batch settles before the outcome is known (a failure of any one fails the run).
    const settled = await Promise.allSettled(inFlight.splice(0));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const failure: unknown = loopFailure ?? failed?.reason;
    if (failure instanceof Error) throw failure;
    if (failure) throw new Error(`import failed: ${JSON.stringify(failure)}`);
  } catch (error) {
    const at = deps.clock().toISOString();
    await deps.database.write((trx) =>
      trx.updateTable('import_jobs').set({ status: 'failed', error: (error as Error).message.slice(0, 500), updated_at: at }).where('id', '=', jobId).execute(),
    );
    throw error;
  }

  const at = deps.clock().toISOString();
  const finished = await deps.database.write(async (trx) => {
    await trx
      .updateTable('import_jobs')
      .set(interrupted ? { status: 'interrupted', updated_at: at } : { status: 'done', total_rows: total, updated_at: at, finished_at: at })
      .where('id', '=', jobId)
      .execute();
    const row = await trx.selectFrom('import_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    await recordAudit(trx, {
      at,
      actor,
      action: interrupted ? 'import.interrupt' : 'import.finish',
      details: { importId: jobId, dryRun: request.dryRun, rows: row.rows_done, created: row.created_count, review: row.review_count, matched: row.matched_count, refused: row.refused_count },
      ip: caller.ip,
    });
    return row;
  });
  return { status: 'ran', summary: summaryOf(finished, resumedAfter) };
}

function rowOf(outcome: RegistrationOutcome): Pick<ImportRowsTable, 'outcome' | 'volunteer_id' | 'errors'> {
  switch (outcome.status) {
    case 'created':
      return { outcome: outcome.awaitingReview ? 'review' : 'created', volunteer_id: outcome.id, errors: null };
    case 'already_registered':
      return { outcome: 'matched', volunteer_id: outcome.id, errors: JSON.stringify([{ field: outcome.matchedOn, code: 'already_registered' }]) };
    case 'refused':
      return { outcome: 'refused', volunteer_id: null, errors: JSON.stringify(outcome.errors) };
    case 'conflict':
      return { outcome: 'refused', volunteer_id: null, errors: JSON.stringify([{ field: 'clientId', code: 'idempotency_conflict' }]) };
  }
}

export function summaryOf(job: ImportJobsTable, resumedAfter: number): ImportSummary {
  return {
    jobId: job.id,
    status: job.status,
    dryRun: job.dry_run === 1,
    fileHash: job.file_hash,
    rows: job.rows_done,
    created: job.created_count,
    review: job.review_count,
    matched: job.matched_count,
    refused: job.refused_count,
    resumedAfter,
  };
}
