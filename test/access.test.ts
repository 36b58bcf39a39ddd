import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONS, can } from '../src/access/policy.ts';
import { STAFF_ROLES } from '../src/access/principal.ts';
import { buildServer } from '../src/http/build-server.ts';
import { sqliteTestDatabase } from './helpers/databases.ts';

describe('deny by default', () => {
  const testDb = sqliteTestDatabase();
  afterAll(() => testDb.cleanup());

  it('refuses to declare a route without a permission', async () => {
    const app = await buildServer(await testDb.open());
    expect(() => app.get('/api/v1/secret', () => Promise.resolve({ secret: true }))).toThrow(/declares no permission/);
    await app.close();
  });

  it('gives the public only public actions, and each role only its own', () => {
    expect(ACTIONS.filter((a) => can({ kind: 'public' }, a))).toEqual(['health.read', 'registration.submit', 'device.enrol', 'auth.sign_in', 'gateway.callback', 'drive.read', 'web.read']);
    const staff = (role: (typeof STAFF_ROLES)[number]) => ({ kind: 'staff' as const, userId: 'u', role, areas: [], site: null, strongAuth: true, pending: null });
    expect(can(staff('auditor'), 'volunteer.read')).toBe(false);
    expect(can(staff('auditor'), 'audit.read')).toBe(true);
    expect(can(staff('analyst'), 'volunteer.read')).toBe(false);
    expect(can(staff('analyst'), 'stats.read')).toBe(true);
    expect(can(staff('officer'), 'volunteer.update')).toBe(false);
    expect(can(staff('coordinator'), 'user.manage')).toBe(false);
    expect(can({ ...staff('admin'), pending: 'change_password' }, 'volunteer.read')).toBe(false);
    expect(can({ ...staff('admin'), pending: 'change_password' }, 'auth.self')).toBe(true);
  });

  it('limits public registrations per address but not those of devices and staff', async () => {
    const ctx = await testDb.open();
    const app = await buildServer(ctx, { publicRateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: {} })).statusCode);
    expect(statuses).toEqual([422, 422, 422, 429, 429]);
    const limited = await app.inject({ method: 'POST', url: '/api/v1/volunteers?lang=en', payload: {} });
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too many requests. Try again in a moment.' });
    // A forged X-Forwarded-For does not give a new allowance when no proxy is trusted.
    const forged = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: { 'x-forwarded-for': '10.9.8.7' }, payload: {} });
    expect(forged.statusCode).toBe(429);
    await app.close();
  });
});
