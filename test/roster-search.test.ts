import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { sealPendingAudit } from '../src/audit/audit-sealer.ts';
import { buildServer } from '../src/http/build-server.ts';
import { registration } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { prepareStaffPassword, signedInStaff, type SignedIn } from './helpers/staff.ts';

describeEachDatabase('finding one volunteer by reference or phone', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let admin: SignedIn;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx, { publicRateLimit: 1000 });
    await prepareStaffPassword();
    admin = await signedInStaff(ctx, app, 'admin');
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const register = async (phone: string, area: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone, area }) });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string; reference: string }>();
  };
  const search = (query: string, who: SignedIn = admin) => app.inject({ method: 'GET', url: `/api/v1/volunteers?${query}`, headers: who.headers });

  it('finds by reference (any case) and by phone as people write it, only within scope, and audits that a phone was searched, not which', async () => {
    const a = await register('+227 94 00 00 01', 'NE008');
    const b = await register('+227 94 00 00 02', 'NE006');
    await register('+227 94 00 00 03', 'NE008');

    const byReference = (await search(`reference=${a.reference.toLowerCase()}`)).json();
    expect(byReference.items.map((v: { id: string }) => v.id)).toEqual([a.id]);
    const byPhone = (await search(`phone=${encodeURIComponent('0022794000002')}`)).json();
    expect(byPhone.items.map((v: { id: string }) => v.id)).toEqual([b.id]);
    expect((await search('phone=%2B22794999999')).json().items).toEqual([]);

    const niamey = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
    expect((await search(`phone=${encodeURIComponent('+22794000002')}`, niamey)).json().items).toEqual([]);
    expect((await search(`reference=${a.reference}`, niamey)).json().items).toHaveLength(1);

    const bad = await search('phone=12');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'phone', code: 'invalid_phone', message: expect.any(String) }]);

    await sealPendingAudit(ctx.database);
    const entries = await ctx.database.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'volunteer.search').execute();
    const texts = entries.map((e) => String(e.details));
    expect(texts.some((t) => t.includes('"phone":true'))).toBe(true);
    expect(texts.join('\n')).not.toContain('94000002');
  });
});
