import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../access/principal.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { MAX_AUDIT_PAGE, readAuditPage } from '../../store/audit-store.ts';
import type { RouteDeps } from '../build-server.ts';

const auditQuery = z
  .object({
    actor: z.string().max(80).optional(),
    action: z.string().max(80).optional(),
    since: z.string().max(40).optional(),
    until: z.string().max(40).optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
    lang: z.string().optional(),
  })
  .strict();

export function auditRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  app.get(
    '/api/v1/audit',
    { schema: { tags: ['audit'], summary: 'Sealed audit entries in order (no personal data inside)', querystring: auditQuery }, config: { permission: 'audit.read' } },
    async (request) => {
      const q = request.query as z.infer<typeof auditQuery>;
      const page = await readAuditPage(ctx.database.db, { actor: q.actor, action: q.action, since: q.since, until: q.until, afterSeq: q.after, limit: q.limit });
      // Reading the audit log is itself audited.
      await ctx.database.write((trx) =>
        recordAudit(trx, { at: ctx.clock().toISOString(), actor: actorOf(request.principal), action: 'audit.read', details: { filters: { actor: q.actor, action: q.action, since: q.since, until: q.until }, count: page.entries.length }, ip: request.ip }),
      );
      return { items: page.entries, nextAfter: page.nextAfterSeq };
    },
  );
  done();
}
