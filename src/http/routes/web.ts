import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerVolunteer } from '../../services/register-volunteer.ts';
import { translate } from '../../i18n/translate.ts';
import { uiText } from '../../i18n/ui-text.ts';
import { loadWebAssets, type WebAssets } from '../../web/web-assets.ts';
import {
  consistentAreas,
  EMPTY_FORM,
  readRegisterForm,
  registrationFromForm,
  renderNotStored,
  renderRegistered,
  renderRegisterForm,
  type PageAssets,
} from '../../web/register-page.ts';
import type { RouteDeps } from '../build-server.ts';
import { registrationSourceFor } from '../registration-source.ts';

/** Pages only load what they ship: no inline script, no third party. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  // Pages are a few KB: gzip them on the fly for phones on 2G (the budget counts transferred bytes).
  const gzip = /\bgzip\b/.test(String(reply.request.headers['accept-encoding'] ?? ''));
  return reply
    .code(status)
    .header('vary', 'accept-encoding')
    .header('content-encoding', gzip ? 'gzip' : 'identity')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(gzip ? gzipSync(html) : html);
}

function sendFile(request: FastifyRequest, reply: FastifyReply, assets: WebAssets, path: string): FastifyReply | null {
  const file = assets.files.get(path);
  if (!file) return null;
  void reply
    .header('etag', file.etag)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('vary', 'accept-encoding')
    .type(file.type);
  if (file.type.startsWith('text/html')) void reply.header('content-security-policy', CSP);
  if (path.endsWith('/sw.js')) void reply.header('service-worker-allowed', '/agent/');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (file.gzip && acceptsGzip) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * The web surfaces: the public registration page (server-rendered, works without JavaScript), and
 * the built agent app and console (dist/web, built by `npm ci` and `npm start`).
 */
export function webRoutes(app: FastifyInstance, { ctx, metrics, options }: RouteDeps, done: () => void): void {
  const assets = loadWebAssets();
  const pageAssets = (): PageAssets => {
    const entry = assets?.entry('register/enhance.ts');
    return { script: entry?.script ?? null, styles: entry?.styles ?? [] };
  };
  const config = { permission: 'web.read' as const };

  // Forms post application/x-www-form-urlencoded; this parser only exists inside this plugin.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, next) => {
    next(null, new URLSearchParams(String(body)));
  });

  app.get('/', { schema: { hide: true }, config }, async (request, reply) => reply.redirect(`/register?lang=${request.lang}`));

  app.get('/register', { schema: { tags: ['web'], summary: 'The public registration form (HTML)' }, config }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const form = consistentAreas({ ...EMPTY_FORM, clientId: randomUUID(), region: query.region ?? '', department: query.department ?? '' }, ctx.drive);
    return sendHtml(reply, 200, renderRegisterForm({ drive: ctx.drive, lang: request.lang, form, assets: pageAssets() }));
  });

  app.post(
    '/register',
    {
      schema: { tags: ['web'], summary: 'The public registration form posted without JavaScript; answers an HTML page' },
      config: { permission: 'registration.submit', rateLimit: { max: options.publicRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const lang = request.lang;
      if (!(request.body instanceof URLSearchParams)) {
        return sendHtml(reply, 415, renderNotStored(lang, translate('bad_request', lang), pageAssets()));
      }
      const form = consistentAreas(readRegisterForm(request.body), ctx.drive);
      // "Show the next place list" (without JavaScript): the same form again, with the next list filled.
      if (request.body.get('step') === 'area') {
        return sendHtml(reply, 200, renderRegisterForm({ drive: ctx.drive, lang, form, assets: pageAssets() }));
      }
      const source = registrationSourceFor(request.principal, 'web', request.ip);
      const outcome = await registerVolunteer(ctx, registrationFromForm(form, ctx.drive, lang), source);
      metrics.registrations.inc({ channel: source.channel, outcome: outcome.status });
      switch (outcome.status) {
        case 'created':
          return sendHtml(reply, 201, renderRegistered(lang, outcome.reference, outcome.awaitingReview, pageAssets()));
        case 'already_registered':
          return sendHtml(reply, 409, renderNotStored(lang, translate('already_registered_public', lang), pageAssets()));
        case 'refused':
          return sendHtml(reply, 422, renderRegisterForm({ drive: ctx.drive, lang, form, errors: outcome.errors, assets: pageAssets() }));
        case 'conflict':
          // The same form was changed after a first submission: a new registration, with a new client id.
          return sendHtml(
            reply,
            422,
            renderRegisterForm({ drive: ctx.drive, lang, form: { ...form, clientId: randomUUID() }, notice: translate('idempotency_conflict', lang), assets: pageAssets() }),
          );
      }
    },
  );

  const notBuilt = (request: FastifyRequest, reply: FastifyReply) => sendHtml(reply, 503, `<!doctype html><p>${uiText('web_unavailable', request.lang)}</p>`);

  // The router ignores trailing slashes: "/agent" and "/agent/" both reach the app.
  for (const surface of ['agent', 'console'] as const) {
    app.get(`/${surface}`, { schema: { hide: true }, config }, async (request, reply) =>
      assets ? (sendFile(request, reply, assets, `/${surface}/index.html`) ?? reply.callNotFound()) : notBuilt(request, reply),
    );
    app.get(`/${surface}/*`, { schema: { hide: true }, config }, async (request, reply) => {
      if (!assets) return notBuilt(request, reply);
      const path = new URL(request.url, 'http://x').pathname;
      // Any other path under the app is the app itself (its screens are addressed by the hash).
      return sendFile(request, reply, assets, path) ?? sendFile(request, reply, assets, `/${surface}/index.html`);
    });
  }

  app.get('/assets/*', { schema: { hide: true }, config }, async (request, reply) => {
    if (!assets) return notBuilt(request, reply);
    return sendFile(request, reply, assets, new URL(request.url, 'http://x').pathname) ?? reply.callNotFound();
  });
  done();
}
