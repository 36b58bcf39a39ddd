import type { FastifyReply } from 'fastify';
import type { FieldError } from '../domain/field-error.ts';
import { translate } from '../i18n/translate.ts';

/**
 * Errors as problem details (RFC 9457): a stable `code`, a `title` in the requester's language and,
 * for refusals, one entry per field with its own message.
 */
export interface ProblemOptions {
  errors?: readonly FieldError[];
  detail?: string;
  params?: Record<string, string | number>;
  /** Extra members (e.g. the existing registration). */
  extra?: Record<string, unknown>;
}

export function problemBody(status: number, code: string, lang: string, options: ProblemOptions = {}) {
  return {
    type: `/problems/${code}`,
    title: translate(code, lang, options.params),
    status,
    code,
    ...(options.detail ? { detail: options.detail } : {}),
    ...(options.errors
      ? { errors: options.errors.map((e) => ({ field: e.field, code: e.code, message: translate(e.code, lang, e.params), ...(e.params ? { params: e.params } : {}) })) }
      : {}),
    ...options.extra,
  };
}

export function sendProblem(reply: FastifyReply, status: number, code: string, options: ProblemOptions = {}): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(status, code, reply.request.lang, options));
}

/** Thrown by request validation; the error handler turns it into a 400 with field errors. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly fieldErrors: FieldError[]) {
    super('request validation failed');
  }
}
