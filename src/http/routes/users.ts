import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../access/principal.ts';
import { changeStaffUser, createStaffUser, type StaffChange } from '../../services/staff/manage-staff.ts';
import type { StaffUser } from '../../store/staff-store.ts';
import type { RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const newUserBody = z
  .object({ username: z.string().max(64), displayName: z.string().max(120).optional(), role: z.string().max(32), areas: z.array(z.string().max(32)).max(100).optional(), site: z.string().max(64).nullable().optional() })
  .strict();
const scopeBody = z.object({ role: z.string().max(32), areas: z.array(z.string().max(32)).max(100), site: z.string().max(64).nullable() }).strict();
const idParams = z.object({ id: z.string().uuid() });

export function publicUser(user: StaffUser) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    areas: user.areas,
    site: user.site,
    secondFactor: user.totpSecret !== null,
    mustChangePassword: user.mustChangePassword,
    lockedUntil: user.lockedUntil,
    disabledAt: user.disabledAt,
    createdAt: user.createdAt,
  };
}

export function userRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  app.get('/api/v1/users', { schema: { tags: ['users'], summary: 'Staff accounts' }, config: { permission: 'user.manage' } }, async () => ({
    items: (await ctx.staff.list(ctx.database.db)).map(publicUser),
  }));

  app.post(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: 'Create a staff account; answers its one-time password once', body: newUserBody }, config: { permission: 'user.manage' } },
    async (request, reply) => {
      const outcome = await createStaffUser(ctx, request.body as z.infer<typeof newUserBody>, actorOf(request.principal), request.ip);
      if (outcome.status === 'refused') return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
      if (outcome.status === 'exists') return sendProblem(reply, 409, 'already_exists');
      return reply.code(201).send({ user: publicUser(outcome.user), oneTimePassword: outcome.oneTimePassword });
    },
  );

  const actions: Array<[string, StaffChange['kind']]> = [
    ['disable', 'disable'],
    ['enable', 'enable'],
    ['reset-password', 'reset_password'],
    ['reset-2fa', 'reset_totp'],
  ];
  for (const [path, kind] of actions) {
    app.post(
      `/api/v1/users/:id/${path}`,
      { schema: { tags: ['users'], summary: `${path} (ends the user's sessions)`, params: idParams }, config: { permission: 'user.manage' } },
      async (request, reply) => {
        const { id } = request.params as z.infer<typeof idParams>;
        const outcome = await changeStaffUser(ctx, id, { kind } as StaffChange, actorOf(request.principal), request.ip);
        if (outcome.status === 'not_found') return sendProblem(reply, 404, 'not_found');
        if (outcome.status === 'refused') return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
        return { user: publicUser(outcome.user), ...(outcome.oneTimePassword ? { oneTimePassword: outcome.oneTimePassword } : {}) };
      },
    );
  }

  app.put(
    '/api/v1/users/:id/scope',
    { schema: { tags: ['users'], summary: 'Change role, areas and site (a permission change: audited)', params: idParams, body: scopeBody }, config: { permission: 'user.manage' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const body = request.body as z.infer<typeof scopeBody>;
      const outcome = await changeStaffUser(ctx, id, { kind: 'set_scope', ...body }, actorOf(request.principal), request.ip);
      if (outcome.status === 'not_found') return sendProblem(reply, 404, 'not_found');
      if (outcome.status === 'refused') return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
      return { user: publicUser(outcome.user) };
    },
  );
  done();
}
