import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { can, type Action } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import type { AppContext } from '../app/app-context.ts';
import { negotiateLanguage } from '../i18n/translate.ts';
import type { Caller } from '../services/access-context.ts';
import type { MessagingDeps } from '../services/messaging/messaging-deps.ts';
import { deviceForToken } from '../services/staff/manage-devices.ts';
import { resolveSession, type ResolvedSession } from '../services/staff/resolve-session.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { RequestValidationError, sendProblem } from './problem.ts';
import { zodValidatorCompiler } from './zod-validator.ts';
import { auditRoutes } from './routes/audit.ts';
import { callupRoutes } from './routes/callups.ts';
import { authRoutes } from './routes/auth.ts';
import { dedupRoutes } from './routes/dedup.ts';
import { exportRoutes } from './routes/exports.ts';
import { importRoutes } from './routes/imports.ts';
import { reportRoutes } from './routes/reports.ts';
import { driveRoutes } from './routes/drive.ts';
import { deviceRoutes } from './routes/devices.ts';
import { gatewayRoutes } from './routes/gateway.ts';
import { healthRoutes } from './routes/health.ts';
import { syncRoutes } from './routes/sync.ts';
import { userRoutes } from './routes/users.ts';
import { volunteerRoutes } from './routes/volunteers.ts';
import { webRoutes } from './routes/web.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** The staff session behind the request, when there is one. */
    session: ResolvedSession | null;
    lang: string;
  }
  interface FastifyContextConfig {
    /** What a caller needs to use this route; required on every route (deny by default). */
    permission?: Action;
  }
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** Registrations per minute per IP address for the public (staff and devices are not limited). */
  publicRateLimit?: number;
  /** Sign-in and device enrolment attempts per minute per IP address. */
  authRateLimit?: number;
  /** Trust X-Forwarded-For only behind a known reverse proxy (addresses, or true). */
  trustProxy?: boolean | string;
  /** Log every request (method, URL, status, time); off by default for speed. */
  logRequests?: boolean;
  /** Mark the session cookie Secure (default true; only a plain-HTTP development setup turns it off). */
  secureCookies?: boolean;
  /** SMS and USSD: the gateway callbacks are served only when this is given. */
  messaging?: { deps: MessagingDeps; gatewayToken: string };
}

export interface RouteDeps {
  ctx: AppContext;
  metrics: Metrics;
  options: Required<Pick<ServerOptions, 'publicRateLimit' | 'authRateLimit' | 'secureCookies'>>;
}

/** The caller of a request, for services that scope and audit what they do. */
export function callerOf(request: { principal: Principal; ip: string }): Caller {
  return { principal: request.principal, ip: request.ip };
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
  const defaultLanguage = ctx.drive.config.defaultLanguage;

  app.setValidatorCompiler(zodValidatorCompiler);
  app.decorateRequest('principal', null as never);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', '');

  // Deny by default: a route that does not say who may call it is a programming error.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      route.config = { ...route.config, permission: 'health.read' };
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
      const device = token ? await deviceForToken(ctx, token) : null;
      if (!device) return sendProblem(reply, 401, 'unauthorized');
      request.principal = { kind: 'device', deviceId: device.id, site: device.site, offlineDays: device.offlineDays };
    } else {
      const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
      const session = sessionId ? await resolveSession(ctx, sessionId) : null;
      if (session) {
        request.session = session;
        request.principal = session.principal;
      }
    }
    const permission = request.routeOptions.config.permission;
    // Unknown URLs have no permission; they fall through to the 404 handler.
    if (!permission || can(request.principal, permission)) return;
    const principal = request.principal;
    if (principal.kind === 'public') return sendProblem(reply, 401, 'unauthorized');
    if (principal.kind === 'staff' && principal.pending) {
      return sendProblem(reply, 403, principal.pending === 'change_password' ? 'password_change_required' : 'totp_setup_required');
    }
    return sendProblem(reply, 403, 'forbidden');
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
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          device: { type: 'http', scheme: 'bearer', description: 'device token from POST /api/v1/devices/enrol' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const deps: RouteDeps = {
    ctx,
    metrics,
    options: { publicRateLimit: options.publicRateLimit ?? 30, authRateLimit: options.authRateLimit ?? 20, secureCookies: options.secureCookies ?? true },
  };
  await app.register(healthRoutes, deps);
  await app.register(volunteerRoutes, deps);
  await app.register(syncRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(userRoutes, deps);
  await app.register(deviceRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(dedupRoutes, deps);
  await app.register(callupRoutes, deps);
  if (options.messaging) await app.register(gatewayRoutes, { ...deps, messaging: options.messaging.deps, gatewayToken: options.messaging.gatewayToken });
  await app.register(importRoutes, deps);
  await app.register(exportRoutes, deps);
  await app.register(reportRoutes, deps);
  await app.register(driveRoutes, deps);
  await app.register(webRoutes, deps);
  return app;
}
