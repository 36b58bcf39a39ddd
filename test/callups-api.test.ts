import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { answerCallup } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person } from './helpers/population.ts';
import { prepareStaffPassword, signedInStaff, type SignedIn } from './helpers/staff.ts';

describeEachDatabase('call-ups API', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let coordinator: SignedIn;

  beforeAll(async () => {
    await prepareStaffPassword();
    testDb = await factory();
    ctx = await testDb.open();
    app = await buildServer(ctx);
    coordinator = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const body = {
    title: 'Renfort Niamey',
    needs: [{ role: 'medical', skill: 'nurse', count: 2 }],
    areas: ['NE008'],
    reportPlace: 'Stade General Seyni Kountche',
    reportAt: new Date(FIXED_NOW.getTime() + 3 * 86400_000).toISOString(),
    answerBy: new Date(FIXED_NOW.getTime() + 2 * 86400_000).toISOString(),
  };

  it('writes, previews, starts, reports and closes a call-up; officers read within their areas; every read of the confirmed list is audited', async () => {
    const people = [person({ area: 'NE008001' }), person({ area: 'NE008001' }), person({ area: 'NE008001' }), person({ area: 'NE008001', birthYear: 2010 })];
    await insertPopulation(ctx, people);

    const refused = await app.inject({ method: 'POST', url: '/api/v1/callups?lang=en', headers: coordinator.headers, payload: { ...body, needs: [{ role: 'pilot', count: 1 }], areas: ['XX'] } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'invalid_callup', problems: ['unknown role pilot', 'unknown area XX'] });

    const created = await app.inject({ method: 'POST', url: '/api/v1/callups', headers: coordinator.headers, payload: body });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const preview = await app.inject({ method: 'GET', url: `/api/v1/callups/${id}/preview`, headers: coordinator.headers });
    expect(preview.json().needs[0]).toMatchObject({ eligible: 3, firstWave: 3, byArea: { NE008: 3 } });

    const officer = await signedInStaff(ctx, app, 'officer', { areas: ['NE008'] });
    expect((await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/start`, headers: officer.headers })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/start` })).statusCode).toBe(401);
    const started = await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/start`, headers: coordinator.headers });
    expect(started.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/start?lang=fr`, headers: coordinator.headers })).json()).toMatchObject({ code: 'callup_invalid_state' });

    // The gateway has sent them all (questions not yet sent are withdrawn once a need is filled).
    await queueCallupQuestions(createCallupDeps(ctx), FIXED_NOW, 1000);
    await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent' }).where('kind', '=', 'callup').execute());
    const deps = createCallupDeps(ctx);
    for (const p of people.slice(0, 3)) await answerCallup(deps, { phone: p.phone, text: 'OUI', now: FIXED_NOW });
    const status = await app.inject({ method: 'GET', url: `/api/v1/callups/${id}`, headers: officer.headers });
    expect(status.json()).toMatchObject({ callup: { status: 'filled' }, needs: [{ count: 2, confirmed: 2, yes: 2, standby: 1 }] });

    const csv = await app.inject({ method: 'GET', url: `/api/v1/callups/${id}/confirmed`, headers: { ...officer.headers, accept: 'text/csv' } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\r\n')).toHaveLength(3);
    // A plain link cannot set Accept: ?format=csv asks for the same file.
    const linked = await app.inject({ method: 'GET', url: `/api/v1/callups/${id}/confirmed?format=csv&lang=fr`, headers: officer.headers });
    expect(linked.headers['content-type']).toContain('text/csv');
    expect(linked.body).toBe(csv.body);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/callups?limit=10&lang=ha', headers: officer.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toMatchObject([{ id, needs: [{ count: 2, confirmed: 2 }] }]);
    const elsewhere = await signedInStaff(ctx, app, 'officer', { areas: ['NE004'] });
    expect((await app.inject({ method: 'GET', url: `/api/v1/callups/${id}/confirmed`, headers: elsewhere.headers })).json().items).toEqual([]);
    // The list too is scoped: an officer elsewhere does not see the call-up; one of a commune inside it does.
    expect((await app.inject({ method: 'GET', url: '/api/v1/callups', headers: elsewhere.headers })).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    const commune = await signedInStaff(ctx, app, 'officer', { areas: ['NE008001'] });
    expect((await app.inject({ method: 'GET', url: '/api/v1/callups', headers: commune.headers })).json().items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await app.inject({ method: 'GET', url: '/api/v1/callups', headers: coordinator.headers })).json().items.map((c: { id: string }) => c.id)).toContain(id);
    const audit = [...(await ctx.database.db.selectFrom('audit_pending').select(['action']).execute()), ...(await ctx.database.db.selectFrom('audit_log').select(['action']).execute())];
    expect(audit.filter((a) => a.action === 'callup.read_confirmed')).toHaveLength(3);

    const closed = await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/close`, headers: coordinator.headers });
    expect(closed.json()).toMatchObject({ status: 'closed' });
  });

  it('streams the live counts as server-sent events: a new event when answers change them', async () => {
    const commune = ctx.drive.descendantsOf('NE008').filter((p) => ctx.drive.children(p).length === 0 && p !== 'NE008001')[0] ?? '';
    const people = [person({ area: commune }), person({ area: commune })];
    await insertPopulation(ctx, people);
    const created = await app.inject({ method: 'POST', url: '/api/v1/callups', headers: coordinator.headers, payload: { ...body, title: 'Renfort SSE', areas: [commune], needs: [{ role: 'medical', skill: 'nurse', count: 1 }] } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await app.inject({ method: 'POST', url: `/api/v1/callups/${id}/start`, headers: coordinator.headers })).statusCode).toBe(200);
    await queueCallupQuestions(createCallupDeps(ctx), FIXED_NOW, 1000);
    await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent' }).where('kind', '=', 'callup').execute());

    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const stream = await fetch(`${address}/api/v1/callups/${id}/events`, { headers: coordinator.headers });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    /** The next "status" event's data. */
    const nextEvent = async (): Promise<{ callup: { status: string }; needs: Record<string, number>[] }> => {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (event.includes('event: status') && data) return JSON.parse(data.slice(6)) as never;
          continue;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the event stream ended');
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    };
    try {
      const first = await nextEvent();
      expect(first.callup.status).toBe('running');
      expect(first.needs[0]).toMatchObject({ count: 1, confirmed: 0, asked: 2, yes: 0 });
      const deps = createCallupDeps(ctx);
      await answerCallup(deps, { phone: people[0]?.phone ?? '', text: 'OUI', now: FIXED_NOW });
      const second = await nextEvent();
      expect(second.callup.status).toBe('filled');
      expect(second.needs[0]).toMatchObject({ confirmed: 1, yes: 1, asked: 1 });
      await answerCallup(deps, { phone: people[1]?.phone ?? '', text: 'OUI', now: FIXED_NOW });
      expect((await nextEvent()).needs[0]).toMatchObject({ confirmed: 1, yes: 1, standby: 1, asked: 0 });
    } finally {
      await reader.cancel();
    }
  });
});
