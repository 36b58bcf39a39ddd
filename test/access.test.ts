import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/http/build-server.ts';
import { allows, PERMISSIONS } from '../src/http/access.ts';
import { sqliteTestDatabase } from './helpers/databases.ts';

describe('deny by default', () => {
  const testDb = sqliteTestDatabase();
  afterAll(() => testDb.cleanup());

  it('refuses to declare a route without a permission', async () => {
    const app = await buildServer(await testDb.open());
    expect(() => app.get('/api/v1/secret', () => Promise.resolve({ secret: true }))).toThrow(/declares no permission/);
    await app.close();
  });

  it('gives the public only what is public, and the bootstrap admin everything', () => {
    const publicAllowed = PERMISSIONS.filter((p) => allows({ kind: 'public' }, p));
    expect(publicAllowed).toEqual(['public', 'registration.submit']);
    expect(PERMISSIONS.every((p) => allows({ kind: 'admin', id: 'admin' }, p))).toBe(true);
  });

  it('limits public registrations per address but not staff ones', async () => {
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
