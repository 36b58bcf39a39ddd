import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionStore } from '../../store/session-store.ts';
import {
  approveExport,
  exportRequestSchema,
  getExport,
  listExports,
  openExportFile,
  refuseExport,
  requestExport,
  type ExportProblem,
  type SignInFreshness,
} from '../../services/exports/exports.ts';
import { callerOf, type RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const idParams = z.object({ id: z.string().uuid() });
const langQuery = z.object({ lang: z.string().optional() }).strict();
const refuseBody = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export function exportRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  /** When the caller's session was opened with password and second factor. */
  const freshness = async (request: FastifyRequest): Promise<SignInFreshness> => {
    if (!request.session) return { authenticatedAt: null };
    const session = await sessionStore.find(ctx.database.db, request.session.sessionHash);
    return { authenticatedAt: session?.authenticated_at ?? null };
  };
  const problem = (reply: FastifyReply, outcome: ExportProblem) => {
    switch (outcome.status) {
      case 'invalid':
        return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
      case 'fresh_sign_in_required':
        return sendProblem(reply, 401, 'fresh_sign_in_required', { params: { minutes: outcome.minutes } });
      case 'not_found':
        return sendProblem(reply, 404, 'not_found');
      case 'own_request':
        return sendProblem(reply, 403, 'own_export_approval');
      case 'invalid_state':
        return sendProblem(reply, 409, 'export_state', { params: { state: outcome.state } });
      case 'expired':
        return sendProblem(reply, 410, 'export_expired');
    }
  };

  app.post(
    '/api/v1/exports',
    {
      schema: {
        tags: ['exports'],
        summary: 'Ask for an export of the roster: purpose, recipient (and age public key), fields, filters. A second person approves unless the drive says otherwise.',
        body: exportRequestSchema,
      },
      config: { permission: 'export.request' },
    },
    async (request, reply) => {
      const outcome = await requestExport(ctx, callerOf(request), await freshness(request), request.body as z.infer<typeof exportRequestSchema>);
      if ('status' in outcome) return problem(reply, outcome);
      return reply.code(201).send(outcome);
    },
  );

  app.get(
    '/api/v1/exports',
    { schema: { tags: ['exports'], summary: 'My export requests, and those awaiting my approval', querystring: langQuery }, config: { permission: 'export.request' } },
    async (request) => ({ items: await listExports(ctx, callerOf(request)) }),
  );

  app.get(
    '/api/v1/exports/:id',
    { schema: { tags: ['exports'], summary: 'One export request', params: idParams, querystring: langQuery }, config: { permission: 'export.request' } },
    async (request, reply) => {
      const view = await getExport(ctx, callerOf(request), (request.params as z.infer<typeof idParams>).id);
      return view ?? sendProblem(reply, 404, 'not_found');
    },
  );

  app.post(
    '/api/v1/exports/:id/approve',
    { schema: { tags: ['exports'], summary: 'Approve another person\'s export request: the file is made (encrypted) at once', params: idParams, querystring: langQuery }, config: { permission: 'export.approve' } },
    async (request, reply) => {
      const outcome = await approveExport(ctx, callerOf(request), await freshness(request), (request.params as z.infer<typeof idParams>).id);
      return 'status' in outcome ? problem(reply, outcome) : outcome;
    },
  );

  app.post(
    '/api/v1/exports/:id/refuse',
    { schema: { tags: ['exports'], summary: 'Refuse another person\'s export request, with a reason', params: idParams, body: refuseBody, querystring: langQuery }, config: { permission: 'export.approve' } },
    async (request, reply) => {
      const outcome = await refuseExport(ctx, callerOf(request), (request.params as z.infer<typeof idParams>).id, (request.body as z.infer<typeof refuseBody>).reason);
      return 'status' in outcome ? problem(reply, outcome) : outcome;
    },
  );

  app.get(
    '/api/v1/exports/:id/file',
    { schema: { tags: ['exports'], summary: 'Download the file (requester only, fresh sign-in, before expiry); encrypted exports are age files', params: idParams, querystring: langQuery }, config: { permission: 'export.request' } },
    async (request, reply) => {
      const outcome = await openExportFile(ctx, callerOf(request), await freshness(request), (request.params as z.infer<typeof idParams>).id);
      if (outcome.status !== 'ok') return problem(reply, outcome);
      return reply
        .header('content-type', outcome.encrypted ? 'application/octet-stream' : (CONTENT_TYPES[outcome.format] ?? 'application/octet-stream'))
        .header('content-disposition', `attachment; filename="${outcome.fileName}"`)
        .header('cache-control', 'no-store')
        .send(outcome.stream);
    },
  );
  done();
}
