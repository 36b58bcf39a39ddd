import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { sealAllPendingAudit } from '../src/audit/audit-sealer.ts';
import { buildServer } from '../src/http/build-server.ts';
import { bulkRegister } from '../src/services/bulk-register.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { prepareStaffPassword, signedInStaff, type SignedIn } from './helpers/staff.ts';

describeEachDatabase('possible duplicates: flagged at registration, reviewed, merged', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let admin: SignedIn;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx);
    await prepareStaffPassword();
    admin = await signedInStaff(ctx, app, 'admin');
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const register = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/v1/volunteers?lang=en', payload: registration({ phone: nextPhone(), ...body }) });

  it('accepts a likely second registration, says it awaits review, and merges it into the first on "same"', async () => {
    const first = await register({ givenName: 'Mahamadou', familyName: 'Issoufou', birthDate: '1990-05-05', area: 'NE006002001', roles: ['medical'], skills: ['nurse'] });
    expect(first.json().awaitingReview).toBe(false);
    const second = await register({ givenName: 'Mohamed', familyName: 'Issoufou', birthDate: undefined, birthYear: 1990, area: 'NE006002', roles: ['transport'], skills: ['driver'] });
    expect(second.statusCode).toBe(201);
    expect(second.json().awaitingReview).toBe(true);
    expect(second.json().message).toContain('coordinator will check');
    const other = await register({ givenName: 'Zeinabou', familyName: 'Kountché', birthDate: '1975-11-30', area: 'NE001' });
    expect(other.json().awaitingReview).toBe(false);

    const elsewhere = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE004'] });
    expect((await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews', headers: elsewhere.headers })).json().items).toEqual([]);
    const officer = await signedInStaff(ctx, app, 'officer', { areas: ['NE006'] });
    expect((await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews', headers: officer.headers })).statusCode).toBe(403);

    const list = await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews', headers: admin.headers });
    const items = list.json().items as Array<{ id: string; probability: number; band: string; a: { id: string; givenName: string }; b: { id: string; givenName: string }; explanation: Array<{ field: string; level: string; weight: number }> }>;
    expect(items).toHaveLength(1);
    const review = items[0];
    if (!review) throw new Error('no review');
    expect(review.a.id).toBe(first.json().id);
    expect(review.b.id).toBe(second.json().id);
    expect(review.a.givenName).toBe('Mahamadou');
    expect(review.probability).toBeGreaterThanOrEqual(0.5);
    expect(review.band).toBe(review.probability >= 0.8 ? 'high' : 'middle');
    expect(review.explanation.find((e) => e.field === 'givenName')?.level).toBe('alias');
    expect(review.explanation.find((e) => e.field === 'birth')?.level).toBe('same_year');

    const decided = await app.inject({ method: 'POST', url: `/api/v1/dedup/reviews/${review.id}/decision`, headers: admin.headers, payload: { decision: 'same' } });
    expect(decided.json()).toEqual({ status: 'decided', kept: first.json().id, merged: second.json().id });
    const kept = (await app.inject({ method: 'GET', url: `/api/v1/volunteers/${first.json().id as string}`, headers: admin.headers })).json();
    expect(kept.roles).toEqual(['medical', 'transport']);
    expect(kept.skills).toEqual(['driver', 'nurse']);
    const merged = (await app.inject({ method: 'GET', url: `/api/v1/volunteers/${second.json().id as string}`, headers: admin.headers })).json();
    expect(merged).toMatchObject({ status: 'withdrawn', givenName: null, phone: null });
    const again = await app.inject({ method: 'POST', url: `/api/v1/dedup/reviews/${review.id}/decision`, headers: admin.headers, payload: { decision: 'different' } });
    expect(again.statusCode).toBe(409);

    await sealAllPendingAudit(ctx.database);
    const audit = await ctx.database.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'dedup.merge').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ kept: first.json().id, merged: second.json().id });
  });

  it('remembers "different people"', async () => {
    const a = await register({ givenName: 'Aïssatou', familyName: 'Garba', birthDate: '1988-02-14', area: 'NE008001' });
    const b = await register({ givenName: 'Aichatou', familyName: 'Garba', birthDate: '1988-02-14', area: 'NE008001' });
    expect(b.json().awaitingReview).toBe(true);
    const review = ((await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews', headers: admin.headers })).json().items as Array<{ id: string; a: { id: string } }>).find((i) => i.a.id === a.json().id);
    if (!review) throw new Error('no review');
    const decided = await app.inject({ method: 'POST', url: `/api/v1/dedup/reviews/${review.id}/decision`, headers: admin.headers, payload: { decision: 'different' } });
    expect(decided.json()).toEqual({ status: 'decided' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews', headers: admin.headers })).json().items).toEqual([]);
    const different = (await app.inject({ method: 'GET', url: '/api/v1/dedup/reviews?status=different', headers: admin.headers })).json().items;
    expect(different).toHaveLength(1);
    // Both registrations stay, and the retry of the second no longer says it awaits review.
    expect((await app.inject({ method: 'GET', url: `/api/v1/volunteers/${b.json().id as string}`, headers: admin.headers })).json().status).toBe('active');
  });

  const reviewOf = async (aId: string, status = 'pending') =>
    ((await app.inject({ method: 'GET', url: `/api/v1/dedup/reviews?status=${status}`, headers: admin.headers })).json().items as Array<{ id: string; a: { id: string }; b: { id: string } }>).find(
      (i) => i.a.id === aId,
    );

  it('asks again about "different people" once their data change, and not before', async () => {
    const a = await register({ givenName: 'Hadiza', familyName: 'Souley', birthDate: '1993-03-03', area: 'NE003004' });
    const b = await register({ givenName: 'Hadizatou', familyName: 'Souley', birthDate: '1993-03-03', area: 'NE003004' });
    expect(b.json().awaitingReview).toBe(true);
    const review = await reviewOf(a.json().id as string);
    if (!review) throw new Error('no review');
    await app.inject({ method: 'POST', url: `/api/v1/dedup/reviews/${review.id}/decision`, headers: admin.headers, payload: { decision: 'different' } });
    expect(await reviewOf(a.json().id as string)).toBeUndefined();

    // A change that is not compared (availability) leaves the decision alone.
    const same = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${b.json().id as string}`, headers: admin.headers, payload: { availability: 'later' } });
    expect(same.statusCode).toBe(200);
    expect(await reviewOf(a.json().id as string)).toBeUndefined();

    // A new phone number is compared data: the pair is back in the queue, once.
    const changed = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${b.json().id as string}`, headers: admin.headers, payload: { phone: nextPhone() } });
    expect(changed.statusCode).toBe(200);
    const back = await reviewOf(a.json().id as string);
    expect(back?.id).toBe(review.id);
    expect(back?.b.id).toBe(b.json().id);
    expect(await reviewOf(a.json().id as string, 'different')).toBeUndefined();
    const rows = await ctx.database.db.selectFrom('dedup_reviews').select('status').where('volunteer_a', '=', a.json().id as string).execute();
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  it('erases the duplicate-check keys and the open questions of a withdrawn volunteer', async () => {
    const a = await register({ givenName: 'Ramatou', familyName: 'Hamani', birthDate: '1980-08-08', area: 'NE002001' });
    const b = await register({ givenName: 'Ramatoulaye', familyName: 'Hamani', birthDate: '1980-08-08', area: 'NE002001' });
    expect(b.json().awaitingReview).toBe(true);
    const bId = b.json().id as string;
    expect((await ctx.database.db.selectFrom('dedup_keys').select('key').where('volunteer_id', '=', bId).execute()).length).toBeGreaterThan(0);
    const withdrawn = await app.inject({ method: 'POST', url: `/api/v1/volunteers/${bId}/withdraw`, headers: admin.headers });
    expect(withdrawn.statusCode).toBe(200);
    expect(await ctx.database.db.selectFrom('dedup_keys').select('key').where('volunteer_id', '=', bId).execute()).toEqual([]);
    expect(await reviewOf(a.json().id as string)).toBeUndefined();
    // A third registration like the first is compared with the first only.
    const c = await register({ givenName: 'Ramatou', familyName: 'Hamani', birthDate: '1980-08-08', area: 'NE002001001' });
    expect(c.json().awaitingReview).toBe(true);
    const rows = await ctx.database.db.selectFrom('dedup_reviews').select(['volunteer_a', 'volunteer_b']).where('volunteer_b', '=', c.json().id as string).execute();
    expect(rows).toEqual([{ volunteer_a: a.json().id, volunteer_b: c.json().id }]);
  });

  it('indexes people registered in bulk, so that a later registration meets them', async () => {
    const phone = nextPhone();
    const result = await bulkRegister(ctx, [{ input: registration({ phone, givenName: 'Abdoulaye', familyName: 'Maïga', birthDate: '1979-09-09', area: 'NE001002' }), channel: 'import' }], 'system:test');
    expect(result.created).toBe(1);
    const later = await register({ givenName: 'Abdullahi', familyName: 'Maiga', birthDate: '1979-09-09', area: 'NE001002' });
    expect(later.json().awaitingReview).toBe(true);
  });
});
