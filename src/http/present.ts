import type { FastifyReply } from 'fastify';
import { translate } from '../i18n/translate.ts';
import type { RegistrationOutcome } from '../services/register-volunteer.ts';
import type { Principal } from '../access/principal.ts';
import { problemBody } from './problem.ts';

/**
 * How a registration outcome reads over HTTP. The public is never told who holds a phone number:
 * only staff see which registration a duplicate matched.
 */
export function presentRegistration(outcome: RegistrationOutcome, principal: Principal, lang: string): { status: number; body: Record<string, unknown> } {
  switch (outcome.status) {
    case 'created':
      return {
        status: 201,
        body: {
          outcome: 'created',
          id: outcome.id,
          reference: outcome.reference,
          awaitingReview: outcome.awaitingReview,
          message: `${translate('registered', lang, { reference: outcome.reference })}${outcome.awaitingReview ? ` ${translate('awaiting_review', lang)}` : ''}`,
        },
      };
    case 'already_registered':
      return {
        status: 409,
        body: principal.kind !== 'public'
          ? problemBody(409, 'already_registered', lang, {
              extra: { outcome: 'already_registered', existing: { id: outcome.id, reference: outcome.reference, matchedOn: outcome.matchedOn } },
            })
          : { ...problemBody(409, 'already_registered', lang, { extra: { outcome: 'already_registered' } }), title: translate('already_registered_public', lang) },
      };
    case 'refused':
      return { status: 422, body: { ...problemBody(422, 'validation_failed', lang, { errors: outcome.errors }), outcome: 'refused' } };
    case 'conflict':
      return { status: 422, body: { ...problemBody(422, 'idempotency_conflict', lang), outcome: 'conflict' } };
  }
}

export function sendRegistration(reply: FastifyReply, outcome: RegistrationOutcome): FastifyReply {
  const { status, body } = presentRegistration(outcome, reply.request.principal, reply.request.lang);
  if (outcome.status === 'created' && outcome.replayed) void reply.header('idempotent-replayed', 'true');
  return reply
    .code(status)
    .type(status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
    .send(body);
}
