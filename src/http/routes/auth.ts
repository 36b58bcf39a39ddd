import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SESSION } from '../../auth/session-timeouts.ts';
import { changeOwnPassword, confirmTotp, proposeTotp, signOut } from '../../services/staff/own-account.ts';
import { signIn } from '../../services/staff/sign-in.ts';
import type { RouteDeps } from '../build-server.ts';
import { clearedSessionCookie, sessionCookie } from '../cookies.ts';
import { sendProblem } from '../problem.ts';
import { publicUser } from './users.ts';

const signInBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024), totp: z.string().max(16).optional() }).strict();
const passwordBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict();
const totpConfirmBody = z.object({ secret: z.string().min(16).max(64), code: z.string().min(6).max(16) }).strict();

/** The signed-in user as shown to themself: the account as admins see it, and what it must do first. */
function me(request: FastifyRequest) {
  const session = request.session;
  return session ? { ...publicUser(session.user), pending: session.principal.pending } : null;
}

export function authRoutes(app: FastifyInstance, { ctx, options }: RouteDeps, done: () => void): void {
  const deps = { ...ctx, staff: ctx.staff };
  const setSession = (reply: FastifyReply, sessionId: string) =>
    reply.header('set-cookie', sessionCookie(sessionId, { secure: options.secureCookies, maxAgeSeconds: SESSION.absoluteMs / 1000 }));

  app.post(
    '/api/v1/auth/sign-in',
    {
      schema: { tags: ['auth'], summary: 'Sign in with username, password and (once set up) a TOTP code', body: signInBody },
      config: { permission: 'auth.sign_in', rateLimit: { max: options.authRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof signInBody>;
      const outcome = await signIn(deps, { ...body, ip: request.ip });
      if (outcome.status === 'failed') return sendProblem(reply, 401, 'sign_in_failed');
      if (outcome.status === 'totp_required') return sendProblem(reply, 401, 'totp_required');
      setSession(reply, outcome.sessionId);
      return { signedIn: true, pending: outcome.pending, user: { id: outcome.user.id, username: outcome.user.username, role: outcome.user.role } };
    },
  );

  app.post('/api/v1/auth/sign-out', { schema: { tags: ['auth'], summary: 'End this session' }, config: { permission: 'auth.self' } }, async (request, reply) => {
    if (request.session) await signOut(deps, request.session.user, request.session.sessionHash, request.ip);
    return reply.header('set-cookie', clearedSessionCookie(options.secureCookies)).code(204).send();
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user' }, config: { permission: 'auth.self' } }, async (request, reply) => {
    return me(request) ?? sendProblem(reply, 401, 'unauthorized');
  });

  app.post(
    '/api/v1/auth/password',
    { schema: { tags: ['auth'], summary: 'Change one’s own password (ends every other session)', body: passwordBody }, config: { permission: 'auth.self' } },
    async (request, reply) => {
      const session = request.session;
      if (!session) return sendProblem(reply, 401, 'unauthorized');
      const body = request.body as z.infer<typeof passwordBody>;
      const outcome = await changeOwnPassword(deps, session.user, body.currentPassword, body.newPassword, request.ip);
      if (outcome.status === 'wrong_password') return sendProblem(reply, 422, 'validation_failed', { errors: [{ field: 'currentPassword', code: 'wrong_password' }] });
      if (outcome.status === 'weak') return sendProblem(reply, 422, 'validation_failed', { errors: [{ field: 'newPassword', code: outcome.code }] });
      setSession(reply, outcome.sessionId);
      return { changed: true };
    },
  );

  app.post('/api/v1/auth/totp/setup', { schema: { tags: ['auth'], summary: 'A new TOTP secret to scan' }, config: { permission: 'auth.self' } }, async (request, reply) => {
    const session = request.session;
    if (!session) return sendProblem(reply, 401, 'unauthorized');
    if (session.user.totpSecret !== null) return sendProblem(reply, 409, 'already_exists');
    return proposeTotp(session.user, `Muster ${ctx.drive.config.id}`);
  });

  app.post(
    '/api/v1/auth/totp/confirm',
    { schema: { tags: ['auth'], summary: 'Turn on the second factor with a code from the app', body: totpConfirmBody }, config: { permission: 'auth.self' } },
    async (request, reply) => {
      const session = request.session;
      if (!session) return sendProblem(reply, 401, 'unauthorized');
      const body = request.body as z.infer<typeof totpConfirmBody>;
      if (!(await confirmTotp(deps, session.user, body.secret, body.code, request.ip))) {
        return sendProblem(reply, 422, 'validation_failed', { errors: [{ field: 'code', code: 'invalid_totp' }] });
      }
      return { secondFactor: true };
    },
  );
  done();
}
