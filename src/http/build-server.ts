import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { AppContext } from '../app/app-context.ts';
import { zodIssuesToFieldErrors } from '../domain/registration-schema.ts';
import { negotiateLanguage } from '../i18n/translate.ts';
import { createAdminTokenVerifier } from '../services/admin-token.ts';
import { allows, type Permission, type Principal } from './access.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { RequestValidationError, sendProblem } from './problem.ts';
import { healthRoutes } from './routes/health.ts';
import { syncRoutes } from './routes/sync.ts';
import { volunteerRoutes } from './routes/volunteers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    lang: string;
  }
  interface FastifyContextConfig {
    /** What a caller needs to use this route; required on every route. */
    permission?: Permission;
  }
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** Registrations per minute per IP address for the public (staff are not limited). */
  publicRateLimit?: number;
  /** Log every request (method, URL, status, time); off by default for speed. */
  logRequests?: boolean;
  /** Trust X-Forwarded-For only behind a known reverse proxy (a list of addresses or a hop count). */
  trustProxy?: FastifyServerOptions['trustProxy'];
}

export interface RouteDeps {
  ctx: AppContext;
  metrics: Metrics;
  options: Required<Pick<ServerOptions, 'publicRateLimit'>>;
}

/** Validates a request part with a zod schema; failures become field errors in the caller's language. */
function zodValidatorCompiler({ schema }: { schema: unknown }) {
  const zodSchema = schema as ZodType;
  return (data: unknown) => {
    const result = zodSchema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(zodIssuesToFieldErrors(result.error.issues, data)) };
  };
}

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    // One log line per request costs a tenth of the throughput; operators turn it on when needed.
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    routerOptions: { ignoreTrailingSlash: true },
  });
  const metrics = createMetrics();
  const verifyAdminToken = createAdminTokenVerifier(ctx.database);
  const defaultLanguage = ctx.drive.config.defaultLanguage;

  app.setValidatorCompiler(zodValidatorCompiler);
  app.decorateRequest('principal', null as never);
  app.decorateRequest('lang', '');

  // Deny by default: a route that does not say who may call it is a programming error.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      route.config = { ...route.config, permission: 'public' };
      return;
    }
    if (!route.config?.permission) throw new Error(`route ${String(route.method)} ${route.url} declares no permission`);
  });

  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as Record<string, unknown> | undefined;
    request.lang = negotiateLanguage(typeof query?.lang === 'string' ? query.lang : undefined, request.headers['accept-language'], defaultLanguage);
    request.principal = { kind: 'public' };
    const auth = request.headers.authorization;
    if (auth !== undefined) {
      const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      if (!token || !(await verifyAdminToken(token))) return sendProblem(reply, 401, 'unauthorized');
      request.principal = { kind: 'admin', id: 'admin' };
    }
    const permission = request.routeOptions.config.permission;
    // Unknown URLs have no permission; they fall through to the 404 handler.
    if (permission && !allows(request.principal, permission)) {
      return request.principal.kind === 'public' ? sendProblem(reply, 401, 'unauthorized') : sendProblem(reply, 403, 'forbidden');
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RequestValidationError) return sendProblem(reply, 400, 'validation_failed', { errors: error.fieldErrors });
    if (error.statusCode === 413) return sendProblem(reply, 413, 'payload_too_large');
    if (error.statusCode === 429) return sendProblem(reply, 429, 'rate_limited');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, error.statusCode, 'bad_request', { detail: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 500, 'internal_error');
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, 404, 'not_found'));

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => Object.assign(new Error('rate limited'), { statusCode: context.statusCode }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Muster API', version: '1', description: 'Register volunteers and call them up when they are needed.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const deps: RouteDeps = { ctx, metrics, options: { publicRateLimit: options.publicRateLimit ?? 30 } };
  await app.register(healthRoutes, deps);
  await app.register(volunteerRoutes, deps);
  await app.register(syncRoutes, deps);
  return app;
}
