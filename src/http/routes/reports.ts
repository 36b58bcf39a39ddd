import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../access/principal.ts';
import { writeAggregates } from '../../services/reports/aggregates.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import type { RouteDeps } from '../build-server.ts';

const aggregatesQuery = z
  .object({
    format: z.enum(['csv', 'pdf']).default('csv'),
    /** Counts below this are shown as "<N" (0: every count shown). */
    minimumCount: z.coerce.number().int().min(0).max(100).default(0),
    lang: z.string().optional(),
  })
  .strict();

export function reportRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  app.get(
    '/api/v1/reports/aggregates',
    {
      schema: { tags: ['reports'], summary: 'Counts of active volunteers by area, role, skill and day, as CSV or PDF (no personal data)', querystring: aggregatesQuery },
      config: { permission: 'stats.read' },
    },
    async (request, reply) => {
      const q = request.query as z.infer<typeof aggregatesQuery>;
      await ctx.database.write((trx) =>
        recordAudit(trx, { at: ctx.clock().toISOString(), actor: actorOf(request.principal), action: 'report.aggregates', details: { format: q.format, minimumCount: q.minimumCount }, ip: request.ip }),
      );
      const out = new PassThrough();
      void writeAggregates(ctx, q.format, request.lang, out, { minimumCount: q.minimumCount, now: ctx.clock() }).catch((error: unknown) => out.destroy(error as Error));
      return reply
        .header('content-type', q.format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="muster-counts.${q.format}"`)
        .send(out);
    },
  );
  done();
}
