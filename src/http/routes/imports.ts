import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { importMappingSchema } from '../../domain/import-mapping.ts';
import { formatOfFile } from '../../imports/read-table.ts';
import { callerActor } from '../../services/access-context.ts';
import { listProfiles, loadProfile, saveProfile } from '../../services/imports/import-profiles.ts';
import { writeImportReport } from '../../services/imports/import-report.ts';
import { runImport, summaryOf } from '../../services/imports/run-import.ts';
import { uuidv7 } from '../../store/ids.ts';
import { callerOf, type RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

/** Largest file accepted (a 100,000-row list is about 15 MB as CSV). */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

const uploadQuery = z
  .object({
    fileName: z.string().min(1).max(255),
    profile: z.string().min(1).max(100),
    dryRun: z.enum(['true', 'false']).default('false'),
    lang: z.string().optional(),
  })
  .strict();
const profileBody = z.object({ name: z.string().trim().min(1).max(100), mapping: importMappingSchema }).strict();
const idParams = z.object({ id: z.string().uuid() });
const reportQuery = z.object({ lang: z.string().optional(), all: z.enum(['true', 'false']).default('false') }).strict();

class TooLargeError extends Error {}

export function importRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  // Uploads are streamed to a file (read twice: once to hash, once to import), never held in memory.
  for (const type of ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream']) {
    app.addContentTypeParser(type, (_request, payload, parsed) => parsed(null, payload));
  }

  app.post(
    '/api/v1/imports/profiles',
    { schema: { tags: ['imports'], summary: 'Save a column mapping under a name (replaces one of the same name)', body: profileBody }, config: { permission: 'import.run' } },
    async (request, reply) => {
      const body = request.body as z.infer<typeof profileBody>;
      return reply.code(201).send(await saveProfile(ctx, callerOf(request), body.name, body.mapping));
    },
  );

  app.get('/api/v1/imports/profiles', { schema: { tags: ['imports'], summary: 'Saved column mappings' }, config: { permission: 'import.run' } }, async () => ({
    items: await listProfiles(ctx),
  }));

  app.post(
    '/api/v1/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import a paper list (body: the CSV or XLSX file, streamed) with a saved mapping; dryRun=true stores nothing and reports what would happen',
        querystring: uploadQuery,
      },
      config: { permission: 'import.run' },
    },
    async (request, reply) => {
      const q = request.query as z.infer<typeof uploadQuery>;
      const format = formatOfFile(q.fileName);
      if (!format) return sendProblem(reply, 415, 'import_file_type');
      const profile = await loadProfile(ctx, q.profile);
      if (!profile) return sendProblem(reply, 404, 'not_found');
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') return sendProblem(reply, 415, 'import_file_type');
      const dir = join(ctx.dataDir, 'uploads');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${uuidv7()}.${format}`);
      let bytes = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(bytes > MAX_IMPORT_BYTES ? new TooLargeError('too large') : null, chunk);
        },
      });
      try {
        await pipeline(body, limit, createWriteStream(path, { mode: 0o600 }));
        const result = await runImport(ctx, callerOf(request), { path, fileName: q.fileName, format, mapping: profile.mapping, profileId: profile.id, dryRun: q.dryRun === 'true' });
        if (result.status === 'invalid_mapping') return sendProblem(reply, 422, 'validation_failed', { errors: result.errors });
        return reply.code(result.status === 'already_imported' ? 200 : 201).send({ outcome: result.status, ...result.summary });
      } catch (error) {
        if (error instanceof TooLargeError) return sendProblem(reply, 413, 'payload_too_large');
        throw error;
      } finally {
        // The file may hold personal data: it does not outlive the import (its outcomes are kept, row by row).
        rmSync(path, { force: true });
      }
    },
  );

  const jobFor = async (id: string, actor: string, seesAll: boolean) => {
    const job = await ctx.database.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return job && (seesAll || job.created_by === actor) ? job : null;
  };

  app.get(
    '/api/v1/imports/:id',
    { schema: { tags: ['imports'], summary: 'Progress and counts of an import', params: idParams }, config: { permission: 'import.run' } },
    async (request, reply) => {
      const caller = callerOf(request);
      const job = await jobFor((request.params as z.infer<typeof idParams>).id, callerActor(caller), request.principal.kind === 'staff' && request.principal.role === 'admin');
      return job ? summaryOf(job, 0) : sendProblem(reply, 404, 'not_found');
    },
  );

  app.get(
    '/api/v1/imports/:id/report',
    {
      schema: { tags: ['imports'], summary: 'Row-by-row report as CSV in the requested language (refused, matched and to-review rows; all=true for every row)', params: idParams, querystring: reportQuery },
      config: { permission: 'import.run' },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const job = await jobFor((request.params as z.infer<typeof idParams>).id, callerActor(caller), request.principal.kind === 'staff' && request.principal.role === 'admin');
      if (!job) return sendProblem(reply, 404, 'not_found');
      const q = request.query as z.infer<typeof reportQuery>;
      const out = new PassThrough();
      void writeImportReport(ctx, job.id, request.lang, out, { onlyProblems: q.all !== 'true' }).catch((error: unknown) => out.destroy(error as Error));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${job.id}.${request.lang}.csv"`)
        .send(out);
    },
  );
  done();
}
