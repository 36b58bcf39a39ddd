import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { volunteerChangesSchema } from '../../domain/validate-changes.ts';
import { registrationInputSchema } from '../../domain/registration-schema.ts';
import { AVAILABILITIES, CHANNELS } from '../../domain/registration-input.ts';
import { normalizeMobilePhone } from '../../domain/phone.ts';
import { VOLUNTEER_STATUSES } from '../../domain/volunteer.ts';
import { changeVolunteer, withdrawVolunteer } from '../../services/change-volunteer.ts';
import { getVolunteer, InvalidCursorError, listVolunteers, MAX_PAGE_SIZE } from '../../services/read-volunteers.ts';
import { registerVolunteer } from '../../services/register-volunteer.ts';
import { callerOf, type RouteDeps } from '../build-server.ts';
import { registrationSourceFor } from '../registration-source.ts';
import { sendRegistration } from '../present.ts';
import { sendProblem } from '../problem.ts';
import { domainCheckedBody } from '../zod-validator.ts';
import { translate } from '../../i18n/translate.ts';

const idParams = z.object({ id: z.string().uuid() });
const listQuery = z
  .object({
    area: z.string().max(32).optional(),
    role: z.string().max(64).optional(),
    skill: z.string().max(64).optional(),
    availability: z.enum(AVAILABILITIES).optional(),
    status: z.enum(VOLUNTEER_STATUSES).optional(),
    /** Find one registration by its reference ("7K3Q-9XDM") or its mobile number (as people write it). */
    reference: z.string().max(20).optional(),
    phone: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    cursor: z.string().max(200).optional(),
    lang: z.string().optional(),
  })
  .strict();
const registerQuery = z.object({ channel: z.enum(CHANNELS).optional(), lang: z.string().optional() }).strict();
const langQuery = z.object({ lang: z.string().optional() }).strict();

export function volunteerRoutes(app: FastifyInstance, { ctx, metrics, options }: RouteDeps, done: () => void): void {
  const deps = ctx;

  app.post(
    '/api/v1/volunteers',
    {
      schema: { tags: ['volunteers'], summary: 'Register a volunteer', body: registrationInputSchema, querystring: registerQuery },
      validatorCompiler: domainCheckedBody,
      bodyLimit: 16 * 1024,
      config: {
        permission: 'registration.submit',
        rateLimit: { max: options.publicRateLimit, timeWindow: '1 minute', allowList: (request) => request.principal.kind !== 'public' },
      },
    },
    async (request, reply) => {
      const query = request.query as z.infer<typeof registerQuery>;
      const source = registrationSourceFor(request.principal, query.channel, request.ip);
      const outcome = await registerVolunteer(deps, request.body, source);
      metrics.registrations.inc({ channel: source.channel, outcome: outcome.status });
      return sendRegistration(reply, outcome);
    },
  );

  app.get(
    '/api/v1/volunteers',
    { schema: { tags: ['volunteers'], summary: 'List volunteers (one page)', querystring: listQuery }, config: { permission: 'volunteer.read' } },
    async (request, reply) => {
      const query = request.query as z.infer<typeof listQuery>;
      if (query.area && !ctx.drive.areas.has(query.area)) {
        return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'area', code: 'unknown_area', params: { value: query.area } }] });
      }
      let phone: string | undefined;
      if (query.phone !== undefined) {
        const check = normalizeMobilePhone(query.phone, ctx.drive.config.phoneRegion);
        if (!check.ok) return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'phone', code: check.code }] });
        phone = check.e164;
      }
      const reference = query.reference?.trim().toUpperCase();
      try {
        return await listVolunteers(deps, callerOf(request), { ...query, reference, phone });
      } catch (error) {
        if (error instanceof InvalidCursorError) return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'cursor', code: 'invalid_cursor' }] });
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/volunteers/:id',
    { schema: { tags: ['volunteers'], summary: 'One volunteer', params: idParams, querystring: langQuery }, config: { permission: 'volunteer.read' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const volunteer = await getVolunteer(deps, callerOf(request), id);
      return volunteer ?? sendProblem(reply, 404, 'not_found');
    },
  );

  app.patch(
    '/api/v1/volunteers/:id',
    {
      schema: { tags: ['volunteers'], summary: 'Change contact, availability, roles, skills or languages', params: idParams, body: volunteerChangesSchema, querystring: langQuery },
      validatorCompiler: domainCheckedBody,
      config: { permission: 'volunteer.update' },
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const outcome = await changeVolunteer(deps, callerOf(request), id, request.body);
      switch (outcome.status) {
        case 'updated':
          return outcome.volunteer;
        case 'not_found':
          return sendProblem(reply, 404, 'not_found');
        case 'invalid_state':
          return sendProblem(reply, 409, 'invalid_state', { params: { status: outcome.current } });
        case 'phone_taken':
          return sendProblem(reply, 409, 'already_registered', { errors: [{ field: 'phone', code: 'already_registered' }] });
        case 'refused':
          return sendProblem(reply, 422, 'validation_failed', { errors: outcome.errors });
      }
    },
  );

  app.post(
    '/api/v1/volunteers/:id/withdraw',
    { schema: { tags: ['volunteers'], summary: 'Withdraw a volunteer and erase their personal data', params: idParams, querystring: langQuery }, config: { permission: 'volunteer.withdraw' } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const outcome = await withdrawVolunteer(deps, callerOf(request), id);
      if (outcome.status === 'not_found') return sendProblem(reply, 404, 'not_found');
      return { ...outcome.volunteer, message: translate('withdrawn', request.lang) };
    },
  );
  done();
}
