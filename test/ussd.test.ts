import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';

const TOKEN = 'ussd-test-token-0123456789';

describeEachDatabase("USSD (Africa's Talking callback)", (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: MessagingDeps;
  let app: FastifyInstance;
  let now = FIXED_NOW.getTime();
  let session = 0;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => new Date(now) });
    deps = createMessagingDeps(ctx, { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: '1234', smart: false });
    app = await buildServer(ctx, { messaging: { deps, gatewayToken: TOKEN } });
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const step = async (sessionId: string, phoneNumber: string, text: string, token = TOKEN) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/gateway/ussd/africastalking?token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ sessionId, serviceCode: '*384*1#', phoneNumber, networkCode: '61402', text }).toString(),
    });
    return res;
  };
  /** Dials and answers, one request per answer as the aggregator does; returns the last screen. */
  const dial = async (phone: string, answers: string[]) => {
    const id = `ATUid_${++session}`;
    let res = await step(id, phone, '');
    for (let i = 1; i <= answers.length; i++) res = await step(id, phone, answers.slice(0, i).join('*'));
    return res.body;
  };
  const niamey = () => String(ctx.drive.children(null).findIndex((a) => a.name === 'Niamey') + 1);

  it('refuses a caller without the shared token', async () => {
    const res = await step('s-token', '+22790000301', '', 'wrong-token-wrong-token');
    expect(res.statusCode).toBe(401);
  });

  it('registers by USSD through the same service, sends the consent notice by SMS, and shows the registration', async () => {
    const phone = '+22790000302';
    expect(await dial(phone, [])).toBe('CON Muster\n1 Francais\n2 Hausa\n3 English');
    const end = await dial(phone, ['1', '1', 'Aminatou', 'Moussa', '1994', niamey(), '1', '2 3', '1']);
    expect(end).toMatch(/^END Inscription enregistrée\. Référence : ([0-9A-Z]{4}-[0-9A-Z]{4})\./);
    const reference = /Référence : (\S+)\./.exec(end)?.[1];
    const id = await ctx.volunteers.phoneTakenBy(ctx.database.db, phone);
    const volunteer = await ctx.volunteers.get(ctx.database.db, id ?? '');
    expect(volunteer).toMatchObject({ reference, givenName: 'Aminatou', channel: 'ussd', roles: ['logistics', 'medical'], consent: { capturedBy: 'self' } });
    const notices = await ctx.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'consent_notice').where('phone_hash', '=', ctx.cipher.blindIndex('phone', phone)).execute();
    expect(notices).toHaveLength(1);
    expect(ctx.cipher.decrypt(notices[0]!.body_enc, `outbox.body:${notices[0]!.id}`)).toBe(ctx.drive.config.consent.texts.fr);
    expect(await dial(phone, ['1', '2'])).toBe(`END Inscription ${reference} (active).\nRôles : Logistique technique et génie, Soins médicaux.\nDisponibilité : tout de suite.`);
    expect(await dial(phone, ['3', '1'])).toContain(`END This number is already registered (reference ${reference})`);
  });

  it('changes availability and withdraws, audited, for the caller only', async () => {
    const phone = '+22790000303';
    await dial(phone, ['3', '1', 'Hadiza', 'Garba', '1990', niamey(), '1', '1', '1']);
    const id = await ctx.volunteers.phoneTakenBy(ctx.database.db, phone);
    expect(await dial(phone, ['3', '3', '3'])).toBe('END Availability recorded: later.');
    expect((await ctx.volunteers.get(ctx.database.db, id ?? ''))?.availability).toBe('later');
    expect(await dial(phone, ['3', '4', '1'])).toBe('END Registration withdrawn: your data were erased.');
    expect(await ctx.volunteers.get(ctx.database.db, id ?? '')).toMatchObject({ status: 'withdrawn', givenName: null });
    const audits = await ctx.database.db.selectFrom('audit_pending').select(['actor', 'action']).where('actor', '=', 'system:ussd').execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['volunteer.update', 'volunteer.withdraw']);
    expect(await dial('+22790000304', ['3', '3'])).toBe('END This number is not registered. Dial again and choose 1.');
  });

  it('refuses an under-age person and keeps nothing', async () => {
    const phone = '+22790000305';
    expect(await dial(phone, ['2', '1', 'Aminatou', 'Moussa', '2012'])).toBe('END Mun gode. Rajista ta masu shekara 18 zuwa sama ce kawai. Ba a ajiye komai ba.');
    expect(await ctx.volunteers.phoneTakenBy(ctx.database.db, phone)).toBeNull();
  });

  it('times a session out', async () => {
    const id = 'ATUid_timeout';
    await step(id, '+22790000306', '');
    await step(id, '+22790000306', '1');
    now += 180_001;
    const res = await step(id, '+22790000306', '1*1');
    expect(res.body).toBe('END Session expirée. Composez de nouveau.');
    now -= 180_001;
  });
});
