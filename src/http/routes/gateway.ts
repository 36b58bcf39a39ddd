import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { africasTalkingRequest, fromAfricasTalking, toAfricasTalking } from '../../messaging/ussd-africastalking.ts';
import { handleInboundSms } from '../../services/messaging/handle-inbound-sms.ts';
import { handleUssd } from '../../services/messaging/handle-ussd.ts';
import type { MessagingDeps } from '../../services/messaging/messaging-deps.ts';
import type { RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

export interface GatewayRouteDeps extends RouteDeps {
  messaging: MessagingDeps;
  /** Shared secret the gateways pass as ?token= (they cannot sign in). */
  gatewayToken: string;
}

const inboundQuery = z
  .object({
    token: z.string().max(200),
    id: z.string().min(1).max(100),
    from: z.string().min(1).max(40),
    to: z.string().max(40).optional(),
    text: z.string().max(2000).optional(),
    coding: z.string().max(4).optional(),
    charset: z.string().max(40).optional(),
    smsc: z.string().max(60).optional(),
    ts: z.string().max(40).optional(),
  })
  .strict();

const dlrQuery = z
  .object({
    token: z.string().max(200),
    id: z.string().uuid(),
    status: z.coerce.number().int().min(0).max(255),
    ts: z.string().max(40).optional(),
  })
  .strict();

/** Callbacks of Kannel (inbound SMS, delivery reports) and of the USSD aggregator. Registered only when messaging is configured. */
export function gatewayRoutes(app: FastifyInstance, deps: GatewayRouteDeps, done: () => void): void {
  const { messaging } = deps;
  const expected = Buffer.from(deps.gatewayToken, 'utf8');
  const tokenOk = (token: string) => {
    const given = Buffer.from(token, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.query as { token?: unknown }).token;
    if (typeof token !== 'string' || !tokenOk(token)) return sendProblem(reply, 401, 'unauthorized');
  };

  const inbound = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as z.infer<typeof inboundQuery>;
    // Kannel's post-url sends the text as the body too; the query (%a, recoded to UTF-8) is preferred.
    const text = query.text ?? (typeof request.body === 'string' ? request.body : '');
    await handleInboundSms(messaging, { gatewayId: query.id, from: query.from, to: query.to || null, text });
    // An empty answer: Kannel (omit-empty = true) sends nothing back; replies go through the outbox.
    return reply.code(200).type('text/plain').send('');
  };
  const inboundOptions = {
    schema: { tags: ['gateway'], summary: 'Inbound SMS from Kannel (sms-service get-url or post-url)', querystring: inboundQuery },
    config: { permission: 'gateway.callback' as const },
    preHandler: guard,
  };
  app.get('/api/v1/gateway/kannel/mo', inboundOptions, inbound);
  app.post('/api/v1/gateway/kannel/mo', inboundOptions, inbound);

  app.get(
    '/api/v1/gateway/kannel/dlr',
    { schema: { tags: ['gateway'], summary: 'Delivery report from Kannel (dlr-url)', querystring: dlrQuery }, config: { permission: 'gateway.callback' }, preHandler: guard },
    async (request, reply) => {
      const query = request.query as z.infer<typeof dlrQuery>;
      await messaging.outbox.applyDeliveryReport(messaging.database, query.id, query.status, messaging.clock());
      return reply.code(200).type('text/plain').send('');
    },
  );

  // Aggregators post HTML forms; parsed here only, for these routes.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, parsed) => {
    parsed(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });
  app.post(
    '/api/v1/gateway/ussd/africastalking',
    {
      schema: { tags: ['gateway'], summary: "USSD session step (Africa's Talking callback)", body: africasTalkingRequest, querystring: z.object({ token: z.string().max(200) }).strict() },
      config: { permission: 'gateway.callback' },
      preHandler: guard,
    },
    async (request, reply) => {
      const answer = await handleUssd(messaging, fromAfricasTalking(request.body as z.infer<typeof africasTalkingRequest>));
      return reply.code(200).type('text/plain; charset=utf-8').send(toAfricasTalking(answer));
    },
  );
  done();
}
