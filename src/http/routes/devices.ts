import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../access/principal.ts';
import { enrolDevice, prepareDevice, revokeDevice } from '../../services/staff/manage-devices.ts';
import { deviceStore } from '../../store/device-store.ts';
import type { RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const prepareBody = z.object({ name: z.string().max(80), site: z.string().max(64), offlineDays: z.number().int().optional() }).strict();
const enrolBody = z.object({ code: z.string().min(4).max(40) }).strict();
const idParams = z.object({ id: z.string().uuid() });

export function deviceRoutes(app: FastifyInstance, { ctx, options }: RouteDeps, done: () => void): void {
  app.get('/api/v1/devices', { schema: { tags: ['devices'], summary: 'Registration devices' }, config: { permission: 'device.manage' } }, async () => ({
    items: await deviceStore.list(ctx.database.db),
  }));

  app.post(
    '/api/v1/devices',
    { schema: { tags: ['devices'], summary: 'Prepare a device for a site; answers its one-time enrolment code once', body: prepareBody }, config: { permission: 'device.manage' } },
    async (request, reply) => {
      const outcome = await prepareDevice(ctx, request.body as z.infer<typeof prepareBody>, actorOf(request.principal), request.ip);
      if (outcome.status === 'refused') return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
      return reply.code(201).send({ device: outcome.device, enrolmentCode: outcome.code });
    },
  );

  app.post(
    '/api/v1/devices/enrol',
    {
      schema: { tags: ['devices'], summary: 'A device redeems its one-time code for its token', body: enrolBody },
      config: { permission: 'device.enrol', rateLimit: { max: options.authRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { code } = request.body as z.infer<typeof enrolBody>;
      const enrolled = await enrolDevice(ctx, code, request.ip);
      if (!enrolled) return sendProblem(reply, 401, 'enrolment_failed');
      return { device: enrolled.device, token: enrolled.token };
    },
  );

  app.post(
    '/api/v1/devices/:id/revoke',
    { schema: { tags: ['devices'], summary: 'Revoke a device (takes effect at once)', params: idParams }, config: { permission: 'device.manage' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      if (!(await revokeDevice(ctx, id, actorOf(request.principal), request.ip))) return sendProblem(reply, 404, 'not_found');
      return reply.code(204).send();
    },
  );
  done();
}
