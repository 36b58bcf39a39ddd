import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { registration, nextPhone } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { prepareStaffPassword, signedInStaff } from './helpers/staff.ts';

describeEachDatabase('registration over HTTP', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let cookie: string;
  const staff = () => ({ cookie });

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx, { publicRateLimit: 1000 });
    await prepareStaffPassword();
    cookie = (await signedInStaff(ctx, app, 'admin')).cookie;
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const count = async () => Number((await ctx.database.db.selectFrom('volunteers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('registers the documented example and returns a reference', async () => {
    const body = registration({ phone: nextPhone(), givenName: 'Aïchatou', familyName: 'Moussa', birthDate: '1994-03-12' });
    const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
    expect(res.statusCode).toBe(201);
    const json = res.json();
    expect(json).toMatchObject({ outcome: 'created', awaitingReview: false });
    expect(json.reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(json.message).toContain(json.reference);

    const read = await app.inject({ method: 'GET', url: `/api/v1/volunteers/${json.id}`, headers: staff() });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      givenName: 'Aïchatou',
      familyName: 'Moussa',
      birthDate: '1994-03-12',
      birthYear: 1994,
      birthPrecision: 'day',
      phone: body.phone === undefined ? undefined : (body.phone as string).replace(/\s/g, ''),
      area: 'NE008',
      channel: 'web',
      roles: ['medical'],
      skills: ['nurse'],
      languages: ['ha', 'fr'],
      status: 'active',
      consent: { version: '1', language: 'fr', capturedBy: 'self' },
    });
  });

  it('answers a retry with the same client id and body with the first answer, and refuses another body', async () => {
    const body = registration({ phone: nextPhone() });
    const first = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
    const again = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().reference).toBe(first.json().reference);
    const other = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: { ...body, familyName: 'Issoufou' } });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_conflict');
  });

  it('never makes a second record for the same phone or ID number, and tells only staff which one exists', async () => {
    const phone = nextPhone();
    const first = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone, nationalId: 'NE 123-456-789' }) });
    expect(first.statusCode).toBe(201);
    const before = await count();
    // Same phone written another way.
    const local = phone.replace('+227', '00227 ');
    const pub = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone: local, givenName: 'Autre' }) });
    expect(pub.statusCode).toBe(409);
    expect(pub.json().outcome).toBe('already_registered');
    expect(pub.json().existing).toBeUndefined();
    expect(JSON.stringify(pub.json())).not.toContain(first.json().reference);

    const byStaff = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: staff(), payload: registration({ phone: nextPhone(), nationalId: 'ne123456789' }) });
    expect(byStaff.statusCode).toBe(409);
    expect(byStaff.json().existing).toEqual({ id: first.json().id, reference: first.json().reference, matchedOn: 'nationalId' });
    expect(await count()).toBe(before);
  });

  it('makes exactly one record when the same person arrives many times at once', async () => {
    const phone = nextPhone();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone }) })),
    );
    expect(outcomes.map((r) => r.statusCode).sort()).toEqual([201, ...Array.from({ length: 19 }, () => 409)]);

    const same = registration({ phone: nextPhone() });
    const retries = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: same })));
    expect(retries.every((r) => r.statusCode === 201)).toBe(true);
    expect(new Set(retries.map((r) => r.json().id)).size).toBe(1);
    expect(retries.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
  });

  it('refuses a minor and stores nothing, with the reason in the requested language', async () => {
    const before = await count();
    for (const [lang, words] of [
      ['fr', 'ans ou plus'],
      ['en', 'aged 18 or over'],
      ['ha', 'shekara 18'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/volunteers?lang=${lang}`,
        payload: registration({ phone: nextPhone(), birthDate: '2010-01-01' }),
      });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const error = res.json().errors[0];
      expect(error).toMatchObject({ field: 'birthDate', code: 'under_minimum_age' });
      expect(error.message).toContain(words);
    }
    const straddling = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone: nextPhone(), birthDate: undefined, birthYear: 2008 }) });
    expect(straddling.json().errors[0]).toMatchObject({ field: 'birthYear', code: 'age_uncertain' });
    expect(await count()).toBe(before);
  });

  it('refuses field by field and picks the language from Accept-Language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/volunteers',
      headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' },
      payload: registration({ phone: '+227 20 72 34 56', area: 'NE999', roles: ['pilot'], skills: ['juggler'], consent: { noticeVersion: '9', language: 'fr' }, nickname: 'x' }),
    });
    expect(res.statusCode).toBe(422);
    // Unknown fields are refused before anything else is looked at.
    expect(res.json().errors).toEqual([{ field: 'nickname', code: 'unknown_field', message: 'This field is not recognised.' }]);

    const res2 = await app.inject({
      method: 'POST',
      url: '/api/v1/volunteers',
      headers: { 'accept-language': 'en' },
      payload: registration({ phone: '+227 20 72 34 56', area: 'NE999', roles: ['pilot'], skills: ['juggler'], consent: { noticeVersion: '9', language: 'fr' } }),
    });
    const fields = Object.fromEntries(res2.json().errors.map((e: { field: string; code: string }) => [e.field, e.code]));
    expect(fields).toEqual({
      phone: 'not_mobile',
      area: 'unknown_area',
      'roles.0': 'unknown_role',
      'skills.0': 'unknown_skill',
      'consent.noticeVersion': 'unknown_consent_version',
    });
    expect(res2.json().title).toBe('The request was refused: correct the fields shown.');
  });

  it('refuses a missing consent and a malformed body', async () => {
    const { consent: _omit, ...noConsent } = registration({ phone: nextPhone() });
    const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: noConsent });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toContainEqual(expect.objectContaining({ field: 'consent', code: 'required' }));
    const broken = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: { 'content-type': 'application/json' }, payload: '{"clientId": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('bad_request');
    const huge = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ givenName: 'A'.repeat(20_000) }) });
    expect(huge.statusCode).toBe(413);
  });

  it('keeps staff routes closed to the public and to unknown tokens', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/volunteers'],
      ['GET', '/api/v1/volunteers/0193b4c2-0000-7000-8000-000000000000'],
      ['PATCH', '/api/v1/volunteers/0193b4c2-0000-7000-8000-000000000000'],
      ['POST', '/api/v1/volunteers/0193b4c2-0000-7000-8000-000000000000/withdraw'],
      ['POST', '/api/v1/sync/registrations'],
      ['GET', '/api/v1/stats'],
    ] as const) {
      const res = await app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      const wrong = await app.inject({ method, url, headers: { authorization: 'Bearer nope' }, payload: method === 'GET' ? undefined : {} });
      expect(wrong.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('lists with filters and cursor pagination, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/volunteers',
        payload: registration({ phone: nextPhone(), area: 'NE006002001', roles: ['transport'], skills: ['driver'], availability: 'later' }),
      });
      created.push(res.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/volunteers?area=NE006&role=transport&skill=driver&availability=later&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await app.inject({ method: 'GET', url, headers: staff() });
      expect(page.statusCode).toBe(200);
      const json = page.json();
      expect(json.items.length).toBeLessThanOrEqual(3);
      seen.push(...json.items.map((v: { id: string }) => v.id));
      cursor = json.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
    const niamey = await app.inject({ method: 'GET', url: '/api/v1/volunteers?area=NE008&role=transport', headers: staff() });
    expect(niamey.json().items).toEqual([]);
    const tooMany = await app.inject({ method: 'GET', url: '/api/v1/volunteers?limit=5000', headers: staff() });
    expect(tooMany.statusCode).toBe(400);
    const badCursor = await app.inject({ method: 'GET', url: '/api/v1/volunteers?cursor=zzz', headers: staff() });
    expect(badCursor.statusCode).toBe(400);
  });

  it('changes availability, roles and phone, refusing a phone held by someone else', async () => {
    const a = (await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone: nextPhone() }) })).json();
    const bPhone = nextPhone();
    await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone: bPhone }) });
    const newPhone = nextPhone();
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${a.id}`, headers: staff(), payload: { availability: 'within_week', roles: ['defense', 'transport'], phone: newPhone } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ availability: 'within_week', roles: ['defense', 'transport'], phone: newPhone });
    const taken = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${a.id}`, headers: staff(), payload: { phone: bPhone } });
    expect(taken.statusCode).toBe(409);
    const bad = await app.inject({ method: 'PATCH', url: `/api/v1/volunteers/${a.id}`, headers: staff(), payload: { roles: [] } });
    expect(bad.statusCode).toBe(422);
    // The old phone is free again: a new registration with it succeeds.
    const missing = await app.inject({ method: 'PATCH', url: '/api/v1/volunteers/0193b4c2-0000-7000-8000-000000000000', headers: staff(), payload: { availability: 'later' } });
    expect(missing.statusCode).toBe(404);
  });

  it('withdrawal erases personal data, keeps an anonymous tombstone, and frees the phone', async () => {
    const phone = nextPhone();
    const a = (await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone }) })).json();
    const res = await app.inject({ method: 'POST', url: `/api/v1/volunteers/${a.id}/withdraw`, headers: staff() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'withdrawn', givenName: null, familyName: null, phone: null, birthDate: null, nationalId: null, area: 'NE008', roles: ['medical'] });
    const row = await ctx.database.db.selectFrom('volunteers').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect([row.personal_enc, row.given_name_enc, row.family_name_enc, row.phone_enc, row.phone_hash, row.birth_date_enc]).toEqual([null, null, null, null, null, null]);
    const again = await app.inject({ method: 'POST', url: `/api/v1/volunteers/${a.id}/withdraw`, headers: staff() });
    expect(again.statusCode).toBe(200);
    const stats = (await app.inject({ method: 'GET', url: '/api/v1/stats', headers: staff() })).json();
    expect(stats.byStatus.withdrawn).toBeGreaterThanOrEqual(1);
    const reRegister = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ phone }) });
    expect(reRegister.statusCode).toBe(201);
  });

  it('takes up to 1,000 registrations in one sync request, each answered, safe to send again', async () => {
    const items = Array.from({ length: 1000 }, (_, i) =>
      registration({ phone: nextPhone(), recordedAt: '2026-06-14T09:00:00.000Z', ...(i % 100 === 7 ? { birthDate: '2012-05-05' } : {}) }),
    );
    // The same person twice in one batch: the second is "already registered".
    items[999] = registration({ phone: items[0]?.phone as string, clientId: undefined });
    items[999].clientId = '4f1d9a52-5a27-4bf1-9d35-0a1f8e5c2b71';
    const before = await count();
    const res = await app.inject({ method: 'POST', url: '/api/v1/sync/registrations', headers: staff(), payload: { registrations: items } });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as Array<{ index: number; outcome: string; clientId: string; httpStatus: number }>;
    expect(results).toHaveLength(1000);
    const tally = (rs: typeof results) => rs.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
    expect(tally(results)).toEqual({ created: 989, refused: 10, already_registered: 1 });
    expect(results[7]).toMatchObject({ index: 7, outcome: 'refused', httpStatus: 422 });
    expect(await count()).toBe(before + 989);

    const retry = await app.inject({ method: 'POST', url: '/api/v1/sync/registrations', headers: staff(), payload: { registrations: items } });
    expect(tally(retry.json().results)).toEqual({ created: 989, refused: 10, already_registered: 1 });
    expect(await count()).toBe(before + 989);
    const sample = await app.inject({ method: 'GET', url: `/api/v1/volunteers/${results[0] && (retry.json().results[0] as { id: string }).id}`, headers: staff() });
    expect(sample.json()).toMatchObject({ channel: 'agent', recordedAt: '2026-06-14T09:00:00.000Z', consent: { capturedBy: expect.stringMatching(/^user:/), at: '2026-06-14T09:00:00.000Z' } });

    const tooBig = await app.inject({ method: 'POST', url: '/api/v1/sync/registrations', headers: staff(), payload: { registrations: [...items, registration()] } });
    expect(tooBig.statusCode).toBe(400);
  });

  it('answers health, metrics and the OpenAPI document', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok', database: ctx.database.dialect });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('muster_registrations_total{channel="web",outcome="created"}');
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/volunteers', '/api/v1/sync/registrations', '/api/v1/volunteers/{id}']));
    expect(doc.paths['/api/v1/volunteers'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('givenName');
  });
});
