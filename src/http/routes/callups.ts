import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { callerActor } from '../../services/access-context.ts';
import { createCallupDeps, type CallupDeps } from '../../services/callups/callup-deps.ts';
import {
  callupStatus,
  cancelCallup,
  CallupError,
  closeCallup,
  confirmedCsv,
  confirmedPeople,
  createCallup,
  listCallups,
  loadCallup,
  previewCallup,
  startCallup,
} from '../../services/callups/callups.ts';
import { callupInScope } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { callerOf, type RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const idParams = z.object({ id: z.string().uuid() });
/** `format=csv` asks for the CSV file as a plain link can (a link cannot set Accept: text/csv). */
const confirmedQuery = z.object({ format: z.enum(['json', 'csv']).optional(), lang: z.string().max(10).optional() }).strict();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), lang: z.string().max(10).optional() }).strict();

/** Officers read within their areas; admins and coordinators everywhere. */
function scopeAreas(principal: Principal): readonly string[] | null {
  return principal.kind === 'staff' && principal.role === 'officer' ? principal.areas : null;
}

function fail(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof CallupError)) throw error;
  if (error.code === 'not_found') return sendProblem(reply, 404, 'not_found');
  if (error.code === 'invalid_state') return sendProblem(reply, 409, 'callup_invalid_state', { params: { status: typeof error.details.status === 'string' ? error.details.status : '' } });
  const problems = (error.details.problems as string[] | undefined) ?? [];
  return sendProblem(reply, 422, 'invalid_callup', { params: { problems: problems.join('; ') }, extra: { problems } });
}

export function callupRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  const deps: CallupDeps = createCallupDeps(ctx);
  const actor = (request: { principal: Principal; ip: string }) => callerActor(callerOf(request));

  app.get(
    '/api/v1/callups',
    { schema: { tags: ['callups'], summary: 'Call-ups, newest first', querystring: listQuery }, config: { permission: 'callup.read' } },
    async (request) => ({ items: await listCallups(deps, (request.query as z.infer<typeof listQuery>).limit, (areas) => callupInScope(request.principal, areas, (p) => ctx.drive.ancestorsOf(p))) }),
  );

  app.post(
    '/api/v1/callups',
    { schema: { tags: ['callups'], summary: 'Write a call-up (a draft: nothing is sent)' }, config: { permission: 'callup.manage' } },
    async (request, reply) => {
      try {
        return reply.code(201).send(await createCallup(deps, actor(request), request.body));
      } catch (error) {
        return fail(reply, error);
      }
    },
  );

  app.get(
    '/api/v1/callups/:id',
    { schema: { tags: ['callups'], summary: 'A call-up and its live counts per need (asked, delivered, yes, no, no answer, standby)', params: idParams }, config: { permission: 'callup.read' } },
    async (request, reply) => {
      try {
        return await callupStatus(deps, (request.params as z.infer<typeof idParams>).id);
      } catch (error) {
        return fail(reply, error);
      }
    },
  );

  app.get(
    '/api/v1/callups/:id/preview',
    { schema: { tags: ['callups'], summary: 'Who would be asked: counts per need and area, message sizes, the first candidates and why', params: idParams }, config: { permission: 'callup.manage' } },
    async (request, reply) => {
      try {
        return await previewCallup(deps, actor(request), (request.params as z.infer<typeof idParams>).id);
      } catch (error) {
        return fail(reply, error);
      }
    },
  );

  for (const [verb, run] of [
    ['start', (id: string, who: string) => startCallup(deps, who, id)],
    ['cancel', (id: string, who: string) => cancelCallup(deps, who, id)],
    ['close', (id: string, who: string) => closeCallup(deps, who, id)],
  ] as const) {
    app.post(
      `/api/v1/callups/:id/${verb}`,
      { schema: { tags: ['callups'], summary: `${verb} a call-up`, params: idParams }, config: { permission: 'callup.manage' } },
      async (request, reply) => {
        try {
          return await run((request.params as z.infer<typeof idParams>).id, actor(request));
        } catch (error) {
          return fail(reply, error);
        }
      },
    );
  }

  app.get(
    '/api/v1/callups/:id/confirmed',
    {
      schema: { tags: ['callups'], summary: 'The people who confirmed (JSON, or CSV with Accept: text/csv or ?format=csv); every read is audited', params: idParams, querystring: confirmedQuery },
      config: { permission: 'callup.read' },
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      if (!(await loadCallup(ctx.database.db, id))) return sendProblem(reply, 404, 'not_found');
      const people = await confirmedPeople(deps, actor(request), id, scopeAreas(request.principal));
      const { format } = request.query as z.infer<typeof confirmedQuery>;
      if (format === 'csv' || (format === undefined && (request.headers.accept ?? '').includes('text/csv'))) {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="callup-${id}-confirmed.csv"`).send(confirmedCsv(people));
      }
      return { items: people };
    },
  );

  app.get(
    '/api/v1/callups/:id/events',
    { schema: { tags: ['callups'], summary: 'Live counts as server-sent events (one "status" event at once, then on every change)', params: idParams }, config: { permission: 'callup.read' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      if (!(await loadCallup(ctx.database.db, id))) return sendProblem(reply, 404, 'not_found');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      let last = '';
      let closed = false;
      const push = async () => {
        const status = await callupStatus(deps, id);
        const body = JSON.stringify(status);
        if (body !== last && !closed) {
          last = body;
          raw.write(`event: status\ndata: ${body}\n\n`);
        }
      };
      const timer = setInterval(() => {
        push().catch(() => undefined);
      }, 2000);
      request.raw.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
      await push();
    },
  );
  done();
}
