import type { ZodType } from 'zod';
import { zodIssuesToFieldErrors } from '../domain/registration-schema.ts';
import { RequestValidationError } from './problem.ts';

/** Validates a request part with a zod schema; failures become field errors in the caller's language. */
export function zodValidatorCompiler({ schema }: { schema: unknown }) {
  const zodSchema = schema as ZodType;
  return (data: unknown) => {
    const result = zodSchema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(zodIssuesToFieldErrors(result.error.issues, data)) };
  };
}

/**
 * For routes whose body the domain rules check themselves (so that every channel answers alike, and a
 * batch answers item by item): the body passes through, the other parts are checked as everywhere.
 */
export function domainCheckedBody({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  return httpPart === 'body' ? (data: unknown) => ({ value: data }) : zodValidatorCompiler({ schema });
}
