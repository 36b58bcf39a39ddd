import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { currentTotp } from '../src/auth/totp.ts';
import { buildServer } from '../src/http/build-server.ts';
import { createStaffUser } from '../src/services/staff/manage-staff.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';
import { enrolledDevice, prepareStaffPassword, signedInStaff, STAFF_PASSWORD } from './helpers/staff.ts';

describeEachDatabase('staff sign-in, sessions and devices', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let now = new Date(FIXED_NOW);
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => now });
    app = await buildServer(ctx, { authRateLimit: 1000 });
    await prepareStaffPassword();
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const signIn = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload, headers });
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0] ?? '';

  it('walks the first admin through the one-time password and the second factor', async () => {
    const created = await createStaffUser(ctx, { username: 'first.admin', role: 'admin' }, 'system:cli');
    if (created.status !== 'created') throw new Error('not created');
    const first = await signIn({ username: 'First.Admin', password: created.oneTimePassword });
    expect(first.statusCode).toBe(200);
    expect(first.json().pending).toBe('change_password');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Secure/);
    const cookie = cookieOf(first);
    // Nothing but the own account until the password is changed.
    expect((await app.inject({ method: 'GET', url: '/api/v1/volunteers', headers: { cookie } })).json().code).toBe('password_change_required');
    const weak = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie }, payload: { currentPassword: created.oneTimePassword, newPassword: 'password123' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors[0].code).toBe('password_common');
    const changed = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie }, payload: { currentPassword: created.oneTimePassword, newPassword: STAFF_PASSWORD } });
    expect(changed.statusCode).toBe(200);
    // The old session ended with the password change; a new one was issued.
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
    const cookie2 = cookieOf(changed);
    expect(cookie2).not.toBe(cookie);
    expect((await app.inject({ method: 'GET', url: '/api/v1/volunteers', headers: { cookie: cookie2 } })).json().code).toBe('totp_setup_required');

    const setup = (await app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers: { cookie: cookie2 } })).json();
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/totp/confirm', headers: { cookie: cookie2 }, payload: { secret: setup.secret, code: '000000' } });
    expect(wrong.statusCode).toBe(422);
    const code = currentTotp(setup.secret, now);
    const confirmed = await app.inject({ method: 'POST', url: '/api/v1/auth/totp/confirm', headers: { cookie: cookie2 }, payload: { secret: setup.secret, code } });
    expect(confirmed.statusCode).toBe(200);

    // From now on the second factor is required, and the code just used cannot be used again.
    expect((await signIn({ username: 'first.admin', password: STAFF_PASSWORD })).json().code).toBe('totp_required');
    expect((await signIn({ username: 'first.admin', password: STAFF_PASSWORD, totp: code })).statusCode).toBe(401);
    later(30_000);
    const fresh = await signIn({ username: 'first.admin', password: STAFF_PASSWORD, totp: currentTotp(setup.secret, now) });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().pending).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/v1/volunteers', headers: { cookie: cookieOf(fresh) } })).statusCode).toBe(200);
  });

  it('locks an account after 5 failures in 15 minutes, whatever address the attempts claim', async () => {
    const user = await signedInStaff(ctx, app, 'analyst');
    for (let i = 0; i < 5; i++) {
      const res = await signIn({ username: user.username, password: 'wrong-password-123' }, { 'x-forwarded-for': `10.0.0.${i}` });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('sign_in_failed');
    }
    // The right password is refused while locked, with the same answer as a wrong one.
    const locked = await signIn({ username: user.username, password: STAFF_PASSWORD });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('sign_in_failed');
    later(16 * 60_000);
    expect((await signIn({ username: user.username, password: STAFF_PASSWORD })).statusCode).toBe(200);
    // Unknown users get the same answer.
    expect((await signIn({ username: 'nobody-here', password: STAFF_PASSWORD })).json().code).toBe('sign_in_failed');
  });

  it('ends sessions after 30 idle minutes, after 12 hours, at sign-out and when the user is disabled', async () => {
    const user = await signedInStaff(ctx, app, 'analyst');
    const me = () => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers });
    expect((await me()).statusCode).toBe(200);
    later(29 * 60_000);
    expect((await me()).statusCode).toBe(200);
    later(31 * 60_000);
    expect((await me()).statusCode).toBe(401);

    const active = await signedInStaff(ctx, app, 'analyst');
    for (let i = 0; i < 25; i++) {
      later(29 * 60_000);
      await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: active.headers });
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: active.headers })).statusCode).toBe(401);

    const leaving = await signedInStaff(ctx, app, 'analyst');
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: leaving.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: leaving.headers })).statusCode).toBe(401);

    const admin = await signedInStaff(ctx, app, 'admin');
    const victim = await signedInStaff(ctx, app, 'analyst');
    expect((await app.inject({ method: 'POST', url: `/api/v1/users/${victim.userId}/disable`, headers: admin.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: victim.headers })).statusCode).toBe(401);
    expect((await signIn({ username: victim.username, password: STAFF_PASSWORD })).statusCode).toBe(401);
  });

  it('gives each sign-in a new session id', async () => {
    const a = await signedInStaff(ctx, app, 'agent');
    const again = await signIn({ username: a.username, password: STAFF_PASSWORD });
    expect(cookieOf(again)).not.toBe(a.cookie);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: a.headers })).statusCode).toBe(200);
  });

  it('enrols a device once, registers for its site only, and stops it at once when revoked', async () => {
    const admin = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE006'] });
    const prepared = await app.inject({ method: 'POST', url: '/api/v1/devices', headers: admin.headers, payload: { name: 'Tablette Ayorou', site: 'ayorou', offlineDays: 3 } });
    expect(prepared.statusCode).toBe(201);
    const code = prepared.json().enrolmentCode as string;
    const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { code: code.toLowerCase().replace(/-/g, ' ') } });
    expect(enrol.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { code } })).statusCode).toBe(401);
    const headers = { authorization: `Bearer ${enrol.json().token as string}` };

    const ok = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers, payload: registration({ phone: nextPhone(), site: undefined, area: 'NE006002001' }) });
    expect(ok.statusCode).toBe(201);
    const mine = await app.inject({ method: 'GET', url: `/api/v1/volunteers/${ok.json().id as string}`, headers });
    expect(mine.json()).toMatchObject({ site: 'ayorou', channel: 'agent' });
    expect(mine.json()).not.toHaveProperty('nationalId');
    const otherSite = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers, payload: registration({ phone: nextPhone(), site: 'niamey-stade' }) });
    expect(otherSite.json().errors[0]).toMatchObject({ field: 'site', code: 'site_mismatch' });
    // Offline for longer than the device may be: refused.
    const stale = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers, payload: registration({ phone: nextPhone(), site: undefined, recordedAt: new Date(now.getTime() - 4 * 86_400_000).toISOString() }) });
    expect(stale.json().errors[0]).toMatchObject({ field: 'recordedAt', code: 'too_old' });

    const id = prepared.json().device.id as string;
    expect((await app.inject({ method: 'POST', url: `/api/v1/devices/${id}/revoke`, headers: admin.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers, payload: registration({ phone: nextPhone() }) })).statusCode).toBe(401);
  });

  it('shows an agent only what it registered in the last 24 hours', async () => {
    const device = await enrolledDevice(ctx, app);
    const other = await enrolledDevice(ctx, app);
    const created = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: device.headers, payload: registration({ phone: nextPhone() }) });
    const id = created.json().id as string;
    expect((await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: device.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: other.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/volunteers', headers: device.headers })).json().items.map((v: { id: string }) => v.id)).toEqual([id]);
    later(25 * 3600_000);
    expect((await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: device.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/volunteers', headers: device.headers })).json().items).toEqual([]);
  });
});
