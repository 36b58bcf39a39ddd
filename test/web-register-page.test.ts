import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { MESSAGES } from '../src/i18n/messages.ts';
import { escapeHtml } from '../src/web/register-page.ts';
import { nextPhone } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';

/** The public page without JavaScript: plain form posts answered with HTML. */
describeEachDatabase('public registration page (form posts)', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx, { publicRateLimit: 1000 });
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const count = async () => Number((await ctx.database.db.selectFrom('volunteers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const post = (fields: Record<string, string | string[]>, lang = 'fr') => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    return app.inject({ method: 'POST', url: `/register?lang=${lang}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };
  const clientIdOf = (html: string) => /name="clientId" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const valid = (overrides: Record<string, string | string[]> = {}) => ({
    givenName: 'Hadiza',
    familyName: 'Garba',
    birthDate: '1990-05-04',
    sex: 'F',
    phone: nextPhone(),
    region: 'NE006',
    department: 'NE006008',
    commune: 'NE006008004',
    roles: ['medical', 'logistics'],
    languages: ['ha'],
    availability: 'within_week',
    consent: '1',
    ...overrides,
  });

  it('shows the form in the chosen language with the consent notice and only the regions', async () => {
    const res = await app.inject({ method: 'GET', url: '/register?lang=ha' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toContain('<html lang="ha">');
    expect(res.body).toContain(escapeHtml(ctx.drive.config.consent.texts.ha ?? ''));
    expect(res.body).toContain('Zama mai sa kai');
    expect(clientIdOf(res.body)).toMatch(/^[0-9a-f-]{36}$/);
    // The 8 regions are listed; departments and communes come on demand.
    expect(res.body.match(/<option value="NE\d{3}"/g)).toHaveLength(8);
    expect(res.body).not.toContain('value="NE006008004"');
  });

  it('without JavaScript, "show the next list" answers the same form with the departments of the region', async () => {
    const res = await post({ ...valid({ department: '', commune: '' }), step: 'area', clientId: 'x' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="NE006008"');
    expect(res.body).toContain('value="Hadiza"');
    expect(res.body).not.toContain('value="NE001002"');
    expect(await count()).toBe(0);
  });

  it('registers through the shared service and ends with the reference and what happens next', async () => {
    const form = await app.inject({ method: 'GET', url: '/register?lang=en' });
    const clientId = clientIdOf(form.body);
    const res = await post({ ...valid(), clientId }, 'en');
    expect(res.statusCode).toBe(201);
    const reference = /id="reference">([^<]+)</.exec(res.body)?.[1] ?? '';
    expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(res.body).toContain(escapeHtml(MESSAGES.registered.en.replace('{reference}', reference)));
    const row = await ctx.database.db.selectFrom('volunteers').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reference, channel: 'web', area: 'NE006008004', status: 'active' });
  });

  it('a second post of the same form (back and send again) gives the same reference, not a second record', async () => {
    const fields = { ...valid(), clientId: '0191d0c4-1111-7000-8000-000000000001' };
    const first = await post(fields);
    const before = await count();
    const again = await post(fields);
    expect(again.statusCode).toBe(201);
    expect(/id="reference">([^<]+)</.exec(again.body)?.[1]).toBe(/id="reference">([^<]+)</.exec(first.body)?.[1]);
    expect(await count()).toBe(before);
  });

  it('refuses a minor with the shared message in the chosen language, field by field, keeping what was typed', async () => {
    const before = await count();
    const res = await post({ ...valid({ birthDate: '2015-01-01', givenName: 'Rabi <b>' }), clientId: '0191d0c4-1111-7000-8000-000000000002' }, 'fr');
    expect(res.statusCode).toBe(422);
    const message = MESSAGES.under_minimum_age.fr.replace('{min}', '18');
    expect(res.body).toContain(`<p class="err" id="birthDate-err">${escapeHtml(message)}</p>`);
    expect(res.body).toMatch(/id="birthDate"[^>]*aria-invalid="true" aria-describedby="birthDate-err birthDate-hint"/);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('value="Rabi &lt;b&gt;"');
    expect(await count()).toBe(before);
  });

  it('refuses without consent, and without roles or a mobile phone, each under its own field', async () => {
    const noConsent = await post({ ...valid({ consent: [] }), clientId: '0191d0c4-1111-7000-8000-000000000003' }, 'ha');
    expect(noConsent.statusCode).toBe(422);
    expect(noConsent.body).toContain(`id="consent-err">${escapeHtml(MESSAGES.required.ha)}`);
    const res = await post({ ...valid({ roles: [], phone: '12' }), clientId: '0191d0c4-1111-7000-8000-000000000003' }, 'ha');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(`id="roles-err">${escapeHtml(MESSAGES.roles_required.ha)}`);
    expect(res.body).toContain(`id="phone-err">${escapeHtml(MESSAGES.invalid_phone.ha)}`);
  });

  it('says "already registered" without telling whose the number is', async () => {
    const phone = nextPhone();
    expect((await post({ ...valid({ phone }), clientId: '0191d0c4-1111-7000-8000-000000000004' })).statusCode).toBe(201);
    const res = await post({ ...valid({ phone, givenName: 'Mariama' }), clientId: '0191d0c4-1111-7000-8000-000000000005' }, 'en');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(escapeHtml(MESSAGES.already_registered_public.en));
    expect(res.body).not.toContain('Hadiza');
  });

  it('drops a department that is not in the chosen region', async () => {
    const res = await post({ ...valid({ region: 'NE001', department: 'NE006008', commune: 'NE006008004' }), clientId: '0191d0c4-1111-7000-8000-000000000006' });
    expect(res.statusCode).toBe(201);
    const row = await ctx.database.db.selectFrom('volunteers').select('area').where('client_id', '=', '0191d0c4-1111-7000-8000-000000000006').executeTakeFirstOrThrow();
    expect(row.area).toBe('NE001');
  });

  it('areas API: the children of one area, and the drive with one region only', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/areas?parent=NE006' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { pcode: string }[];
    expect(items.length).toBe(ctx.drive.children('NE006').length);
    expect(items.every((a) => a.pcode.startsWith('NE006') && a.pcode.length === 8)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/v1/areas?parent=NE999' })).statusCode).toBe(400);
    const drive = (await app.inject({ method: 'GET', url: '/api/v1/drive?region=NE001' })).json();
    expect(drive.areas.length).toBe(8 + ctx.drive.descendantsOf('NE001').length - 1);
    expect(drive.areas.every((a: { pcode: string; level: number }) => a.level === 1 || a.pcode.startsWith('NE001'))).toBe(true);
    expect(drive.consent.version).toBe(ctx.drive.config.consent.version);
    expect((await app.inject({ method: 'GET', url: '/api/v1/drive?region=NE001002' })).statusCode).toBe(400);
    const forSite = (await app.inject({ method: 'GET', url: '/api/v1/drive?site=agadez' })).json();
    expect(forSite.areas).toEqual(drive.areas);
    expect((await app.inject({ method: 'GET', url: '/api/v1/drive?site=nowhere' })).statusCode).toBe(400);
  });
});
