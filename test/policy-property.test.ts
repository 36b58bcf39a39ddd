import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { can, inScope, visibleFields, volunteerScope } from '../src/access/policy.ts';
import type { Principal, StaffRole } from '../src/access/principal.ts';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';
import { enrolledDevice, prepareStaffPassword, signedInStaff } from './helpers/staff.ts';

interface Actor {
  principal: Principal;
  headers: Record<string, string>;
}

interface Known {
  id: string;
  area: string;
  capturedBy: string;
  createdAt: string;
}

const AREAS = ['NE001', 'NE006', 'NE006002', 'NE006002001', 'NE008', 'NE008001', 'NE004'];
const CASES = Number(process.env.MUSTER_POLICY_CASES ?? 10_000);

/**
 * The HTTP API answers exactly what the policy module decides, for random (user, role, scope,
 * action, record) combinations: who may call, which records they reach (others look absent, so ids
 * cannot be probed), and which fields they see.
 */
describeEachDatabase('access policy, property-tested through HTTP', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  const actors: Actor[] = [];
  const records: Known[] = [];

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx, { publicRateLimit: 1_000_000, authRateLimit: 1_000_000 });
    await prepareStaffPassword();
    actors.push({ principal: { kind: 'public' }, headers: {} });
    const staff: Array<[StaffRole, { areas?: string[]; site?: string }]> = [
      ['admin', {}],
      ['coordinator', { areas: ['NE006'] }],
      ['coordinator', { areas: ['NE006002', 'NE008001'] }],
      ['officer', { areas: ['NE008'] }],
      ['officer', { areas: ['NE001', 'NE004'] }],
      ['agent', { site: 'niamey-stade' }],
      ['agent', { site: 'ayorou' }],
      ['auditor', {}],
      ['analyst', {}],
    ];
    for (const [role, scope] of staff) {
      const s = await signedInStaff(ctx, app, role, scope);
      const user = await ctx.staff.byId(ctx.database.db, s.userId);
      if (!user) throw new Error('user vanished');
      actors.push({
        principal: { kind: 'staff', userId: user.id, role, areas: user.areas, site: user.site, strongAuth: user.totpSecret !== null, pending: null },
        headers: s.headers,
      });
    }
    for (const site of ['niamey-stade', 'ayorou']) {
      const d = await enrolledDevice(ctx, app, site);
      actors.push({ principal: { kind: 'device', deviceId: d.deviceId, site, offlineDays: 7 }, headers: d.headers });
    }
    // Volunteers registered by every kind of actor, in areas at every level.
    const registering = actors.filter((a) => can(a.principal, 'registration.submit'));
    for (let i = 0; i < 60; i++) {
      const actor = registering[i % registering.length] as Actor;
      const site = actor.principal.kind === 'device' || (actor.principal.kind === 'staff' && actor.principal.role === 'agent') ? undefined : 'niamey-stade';
      const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: actor.headers, payload: registration({ phone: nextPhone(), area: AREAS[i % AREAS.length], site, nationalId: `NE${100000 + i}` }) });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      // A third of them were registered two days ago: outside an agent's 24-hour window.
      const createdAt = i % 3 === 0 ? new Date(FIXED_NOW.getTime() - 48 * 3600_000).toISOString() : FIXED_NOW.toISOString();
      if (i % 3 === 0) await ctx.database.write((trx) => trx.updateTable('volunteers').set({ created_at: createdAt }).where('id', '=', id).execute());
      const row = await ctx.database.db.selectFrom('volunteers').select(['area', 'consent_captured_by']).where('id', '=', id).executeTakeFirstOrThrow();
      records.push({ id, area: row.area, capturedBy: row.consent_captured_by, createdAt });
    }
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const ancestors = (p: string) => ctx.drive.ancestorsOf(p);
  const denied = (principal: Principal) => (principal.kind === 'public' ? 401 : 403);

  it(`answers ${CASES} random requests exactly as the policy decides`, async () => {
    const caseArb = fc.record({
      actor: fc.nat({ max: 1_000 }),
      action: fc.constantFrom('read', 'list', 'update', 'stats', 'audit'),
      record: fc.nat({ max: 1_000 }),
      area: fc.option(fc.constantFrom(...AREAS), { nil: undefined }),
      unknownId: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const actor = actors[c.actor % actors.length] as Actor;
        const record = records[c.record % records.length] as Known;
        const p = actor.principal;
        const scope = volunteerScope(p, FIXED_NOW);
        const reachable = (r: Known) => inScope(scope, r, ancestors);
        switch (c.action) {
          case 'read': {
            const id = c.unknownId ? '0193b4c2-0000-7000-8000-000000000000' : record.id;
            const res = await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: actor.headers });
            if (!can(p, 'volunteer.read')) return res.statusCode === denied(p);
            if (c.unknownId || !reachable(record)) return res.statusCode === 404;
            const fields = visibleFields(p);
            const body = res.json<Record<string, unknown>>();
            return res.statusCode === 200 && Object.keys(body).every((k) => fields.has(k as never)) && fields.has('nationalId') === 'nationalId' in body;
          }
          case 'list': {
            const res = await app.inject({ method: 'GET', url: `/api/v1/volunteers?limit=100${c.area ? `&area=${c.area}` : ''}`, headers: actor.headers });
            if (!can(p, 'volunteer.read')) return res.statusCode === denied(p);
            const wanted = records
              .filter((r) => reachable(r) && (!c.area || ancestors(r.area).includes(c.area)))
              .map((r) => r.id)
              .sort()
              .reverse();
            const got = (res.json().items as Array<{ id: string }>).map((v) => v.id);
            return res.statusCode === 200 && JSON.stringify(got) === JSON.stringify(wanted);
          }
          case 'update': {
            const res = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${record.id}`, headers: actor.headers, payload: { availability: c.unknownId ? 'later' : 'within_week' } });
            if (!can(p, 'volunteer.update')) return res.statusCode === denied(p);
            return res.statusCode === (reachable(record) ? 200 : 404);
          }
          case 'stats': {
            const res = await app.inject({ method: 'GET', url: '/api/v1/stats', headers: actor.headers });
            return res.statusCode === (can(p, 'stats.read') ? 200 : denied(p));
          }
          case 'audit': {
            const res = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=5', headers: actor.headers });
            return res.statusCode === (can(p, 'audit.read') ? 200 : denied(p));
          }
        }
      }),
      { numRuns: CASES, seed: 20261123 },
    );
  }, 600_000);
});
