import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { sealAllPendingAudit } from '../src/audit/audit-sealer.ts';
import { buildServer } from '../src/http/build-server.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { enrolledDevice, prepareStaffPassword, signedInStaff } from './helpers/staff.ts';

describeEachDatabase('audit trail', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx);
    await prepareStaffPassword();
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  it('records who did what to which records, from where, without personal data, in a verifiable chain', async () => {
    const admin = await signedInStaff(ctx, app, 'admin');
    const auditor = await signedInStaff(ctx, app, 'auditor');
    const analyst = await signedInStaff(ctx, app, 'analyst');
    const device = await enrolledDevice(ctx, app);
    const canary = { givenName: 'Auditkanary', familyName: 'Trailkanary', phone: nextPhone(), nationalId: 'AUDITCANARY99', birthDate: '1988-08-18' };
    const created = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: device.headers, payload: registration({ ...canary, site: undefined, recordedAt: '2026-06-15T08:00:00.000Z' }) });
    const id = created.json().id as string;
    await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: admin.headers });
    await app.inject({ method: 'GET', url: '/api/v1/volunteers?area=NE008&role=medical', headers: admin.headers });
    await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${id}`, headers: admin.headers, payload: { availability: 'later' } });
    const promoted = await app.inject({ method: 'PUT', url: `/api/v1/users/${analyst.userId}/scope`, headers: admin.headers, payload: { role: 'auditor', areas: [], site: null } });
    expect(promoted.statusCode).toBe(200);
    // A permission change ends the user's sessions.
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: analyst.headers })).statusCode).toBe(401);
    await app.inject({ method: 'POST', url: `/api/v1/volunteers/${id}/withdraw`, headers: admin.headers });
    await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username: 'nobody', password: 'whatever-it-is' } });
    await sealAllPendingAudit(ctx.database);

    // The auditor reads the log but no personal data, and cannot read volunteers.
    expect((await app.inject({ method: 'GET', url: `/api/v1/volunteers/${id}`, headers: auditor.headers })).statusCode).toBe(403);
    const res = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers: auditor.headers });
    expect(res.statusCode).toBe(200);
    const entries = res.json().items as Array<{ seq: number; actor: string; action: string; details: Record<string, unknown>; ip: string | null; deviceTime: string | null }>;
    const find = (action: string) => entries.filter((e) => e.action === action);

    expect(find('volunteer.create')[0]).toMatchObject({ actor: `device:${device.deviceId}`, details: { volunteerId: id, channel: 'agent' }, deviceTime: '2026-06-15T08:00:00.000Z', ip: '127.0.0.1' });
    expect(find('volunteer.read').some((e) => e.actor === `user:${admin.userId}` && (e.details.volunteerIds as string[]).includes(id))).toBe(true);
    const search = find('volunteer.search').find((e) => e.actor === `user:${admin.userId}`);
    expect(search?.details).toMatchObject({ filters: { area: 'NE008', role: 'medical' }, count: 1, volunteerIds: [id] });
    expect(find('volunteer.update')[0]).toMatchObject({ details: { volunteerId: id, fields: ['availability'] } });
    expect(find('volunteer.withdraw')[0]).toMatchObject({ details: { volunteerId: id } });
    expect(find('user.permissions_changed')[0]).toMatchObject({ actor: `user:${admin.userId}`, details: { userId: analyst.userId, role: 'auditor', sessionsEnded: 1 } });
    expect(find('auth.sign_in').length).toBeGreaterThanOrEqual(3);
    expect(find('auth.sign_in_failed')[0]).toMatchObject({ details: { username: 'nobody', reason: 'unknown_user' } });
    expect(find('device.enrol')).toHaveLength(1);
    // Seqs are contiguous and in order.
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    const text = JSON.stringify(entries);
    for (const value of Object.values(canary)) expect(text).not.toContain(value.replace('+', ''));

    const verified = await verifyAudit({ database: ctx.database, keyring: ctx.keyring, checkpointFile: ctx.auditCheckpointFile });
    expect(verified.ok).toBe(true);
    expect(verified.entries).toBe(entries.length);
  });
});
