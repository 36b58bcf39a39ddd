import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { registryStats } from '../../services/registry-stats.ts';
import type { RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

export function healthRoutes(app: FastifyInstance, { ctx, metrics }: RouteDeps, done: () => void): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness and database reachability' }, config: { permission: 'health.read' } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.database.db);
      return { status: 'ok', database: ctx.database.dialect, drive: ctx.drive.config.id };
    } catch {
      return sendProblem(reply, 503, 'internal_error', { detail: 'database unreachable' });
    }
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (no personal data)' }, config: { permission: 'health.read' } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/api/v1/stats', { schema: { tags: ['operations'], summary: 'Counts by status, channel, region, role and day' }, config: { permission: 'stats.read' } }, async () =>
    registryStats(ctx),
  );
  done();
}
