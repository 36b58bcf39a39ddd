import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_SYNC_BATCH, syncRegistrations } from '../../services/sync-registrations.ts';
import type { RouteDeps } from '../build-server.ts';
import { registrationSourceFor } from '../registration-source.ts';
import { presentRegistration } from '../present.ts';

const syncBody = z
  .object({
    /** Each item is a registration as for POST /api/v1/volunteers, checked on its own. */
    registrations: z.array(z.unknown()).min(1).max(MAX_SYNC_BATCH),
  })
  .strict();

export function syncRoutes(app: FastifyInstance, { ctx, metrics }: RouteDeps, done: () => void): void {
  app.post(
    '/api/v1/sync/registrations',
    {
      schema: { tags: ['sync'], summary: `Up to ${MAX_SYNC_BATCH} registrations from an agent device, each answered on its own`, body: syncBody },
      bodyLimit: 4 * 1024 * 1024,
      config: { permission: 'registration.sync' },
    },
    async (request) => {
      const { registrations } = request.body as z.infer<typeof syncBody>;
      // Whoever syncs a batch registers for a registration point: the agent channel.
      const source = { ...registrationSourceFor(request.principal, 'agent', request.ip), channel: 'agent' as const };
      const outcomes = await syncRegistrations(ctx, registrations, source);
      return {
        results: outcomes.map(({ index, clientId, outcome }) => {
          metrics.registrations.inc({ channel: 'agent', outcome: outcome.status });
          const { status, body } = presentRegistration(outcome, request.principal, request.lang);
          return { index, clientId, httpStatus: status, ...body };
        }),
      };
    },
  );
  done();
}
