import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decideReview, listReviews } from '../../services/dedup/review-duplicates.ts';
import { callerOf, type RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const listQuery = z
  .object({ status: z.enum(['pending', 'same', 'different']).default('pending'), limit: z.coerce.number().int().min(1).max(100).default(20), lang: z.string().optional() })
  .strict();
const idParams = z.object({ id: z.string().uuid() });
const decisionBody = z.object({ decision: z.enum(['same', 'different']) }).strict();

export function dedupRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  app.get(
    '/api/v1/dedup/reviews',
    { schema: { tags: ['dedup'], summary: 'Possible duplicates, most likely first, side by side with the explanation', querystring: listQuery }, config: { permission: 'volunteer.update' } },
    async (request) => ({ items: await listReviews(ctx, callerOf(request), request.query as z.infer<typeof listQuery>) }),
  );

  app.post(
    '/api/v1/dedup/reviews/:id/decision',
    { schema: { tags: ['dedup'], summary: '"same" merges into the earlier registration; "different" is remembered', params: idParams, body: decisionBody }, config: { permission: 'volunteer.update' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const { decision } = request.body as z.infer<typeof decisionBody>;
      const outcome = await decideReview(ctx, callerOf(request), id, decision);
      if (outcome.status === 'not_found') return sendProblem(reply, 404, 'not_found');
      if (outcome.status === 'already_decided') return sendProblem(reply, 409, 'invalid_state', { params: { status: outcome.decision } });
      return outcome;
    },
  );
  done();
}
