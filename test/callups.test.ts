import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { answerCallup, callupPendingHook, callupReplyHook } from '../src/services/callups/callup-answers.ts';
import { handleUssd } from '../src/services/messaging/handle-ussd.ts';
import { createCallupDeps, type CallupDeps } from '../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { advanceCallups } from '../src/services/callups/callup-waves.ts';
import { callupStatus, cancelCallup, confirmedPeople, createCallup, previewCallup, startCallup, type CallupInput } from '../src/services/callups/callups.ts';
import { handleInboundSms } from '../src/services/messaging/handle-inbound-sms.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person, type Person } from './helpers/population.ts';

const START = new Date('2026-11-23T08:00:00.000Z');
const MINUTE = 60_000;

function callupInput(overrides: Partial<CallupInput> = {}): CallupInput {
  return {
    title: 'Appel Tillaberi',
    needs: [{ role: 'medical', skill: 'nurse', count: 40 }, { role: 'transport', count: 10 }],
    areas: ['NE006'],
    reportPlace: 'Hopital de district',
    reportAt: '2026-11-26T07:00:00Z',
    answerBy: '2026-11-25T17:00:00Z',
    overAsk: 1.5,
    waveTimeoutMinutes: 60,
    ...overrides,
  };
}

type Behaviour = 'yes' | 'no' | 'never' | 'late' | 'garbled';

describeEachDatabase('call-ups', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: CallupDeps;
  let messaging: MessagingDeps;
  let now = START;
  let gatewayCounter = 0;
  const tillaberi: string[] = [];

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => now });
    deps = createCallupDeps(ctx);
    messaging = createMessagingDeps(ctx, { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: '1234', smart: false }, { callupReply: callupReplyHook(deps), callupPending: callupPendingHook(deps) });
    tillaberi.push(...ctx.drive.descendantsOf('NE006').filter((p) => p !== 'NE006'));
  });
  afterAll(async () => testDb.cleanup());

  const send = (phone: string, text: string) => handleInboundSms(messaging, { gatewayId: `g-${++gatewayCounter}`, from: phone, to: '1234', text });

  /**
   * Every message queued and not yet "sent" (call-up questions queued first, as the dispatcher does
   * before it sends), decrypted; marks them delivered (a gateway that delivers at once).
   */
  async function deliverQueued(): Promise<{ phone: string; body: string; kind: string }[]> {
    await queueCallupQuestions(deps, now, 10_000);
    const rows = await ctx.database.db.selectFrom('outbox').selectAll().where('status', '=', 'queued').orderBy('id').execute();
    if (rows.length === 0) return [];
    await ctx.database.write((trx) =>
      trx.updateTable('outbox').set({ status: 'delivered', delivered_at: now.toISOString() }).where('id', 'in', rows.map((r) => r.id)).execute(),
    );
    return rows.map((r) => ({ phone: ctx.cipher.decrypt(r.phone_enc, `outbox.phone:${r.id}`), body: ctx.cipher.decrypt(r.body_enc, `outbox.body:${r.id}`), kind: r.kind }));
  }

  async function recipientsOf(callupId: string) {
    return ctx.database.db.selectFrom('callup_recipients').selectAll().where('callup_id', '=', callupId).execute();
  }

  it('fills each need exactly from a simulated population, in waves, never asking minors, opted-out, withdrawn or out-of-area people', async () => {
    const behaviours = new Map<string, Behaviour>();
    const cycle: Behaviour[] = ['yes', 'no', 'never', 'no', 'garbled', 'late', 'never', 'yes', 'no', 'never'];
    const eligible: Person[] = [];
    for (let i = 0; i < 900; i++) {
      const p = person({ area: tillaberi[i % tillaberi.length] ?? 'NE006001', roles: i % 5 === 0 ? ['transport'] : ['medical'], skills: i % 5 === 0 ? [] : ['nurse'], availability: i % 2 ? 'immediate' : 'within_week' });
      eligible.push(p);
      behaviours.set(p.phone, cycle[i % cycle.length] ?? 'never');
    }
    const never: Person[] = [
      ...Array.from({ length: 60 }, (_, i) => person({ area: tillaberi[i % tillaberi.length] ?? 'NE006001', birthYear: 2009 })),
      ...Array.from({ length: 20 }, () => person({ area: 'NE006001', birthYear: 2008, birthDate: '2008-11-27' })),
      ...Array.from({ length: 60 }, () => person({ area: 'NE008001' })),
      ...Array.from({ length: 60 }, () => person({ area: 'NE006001', availability: 'later' })),
      ...Array.from({ length: 60 }, () => person({ area: 'NE006001', roles: ['defense'], skills: [] })),
    ];
    const optedOut = Array.from({ length: 40 }, () => person({ area: 'NE006002' }));
    const withdrawn = Array.from({ length: 40 }, () => person({ area: 'NE006002' }));
    const edgeAdult = person({ area: 'NE006001', birthYear: 2008, birthDate: '2008-11-25' });
    await insertPopulation(ctx, [...eligible, ...never, ...optedOut, ...withdrawn, edgeAdult]);
    for (const p of optedOut) await send(p.phone, 'STOP');
    await ctx.database.write((trx) => trx.updateTable('volunteers').set({ status: 'withdrawn' }).where('id', 'in', withdrawn.map((w) => w.id)).execute());
    await deliverQueued(); // the STOP acknowledgements

    const callup = await createCallup(deps, 'staff:coord', callupInput());
    const preview = await previewCallup(deps, 'staff:coord', callup.id);
    // 720 nurses and 180 drivers among the eligible, plus the person who turns 18 the day before.
    expect(preview.needs.map((n) => [n.eligible, n.firstWave])).toEqual([[721, 60], [180, 15]]);
    expect(preview.needs[0]?.sizes.every((s) => s.ok)).toBe(true);
    expect(await ctx.database.db.selectFrom('outbox').select('id').where('kind', '=', 'callup').execute()).toHaveLength(0);

    const started = await startCallup(deps, 'staff:coord', callup.id);
    expect(Object.values(started.asked)).toEqual([60, 15]);

    const late: { phone: string; at: number }[] = [];
    for (let step = 0; step < 48; step++) {
      for (const m of await deliverQueued()) {
        if (m.kind !== 'callup') continue;
        const behaviour = behaviours.get(m.phone) ?? 'yes';
        const yesWord = m.body.match(/(?:Répondez|Reply|Amsa) (\S+(?: \S+)?) (?:ou|or|ko) /u)?.[1] ?? 'OUI';
        if (behaviour === 'yes') await send(m.phone, yesWord);
        else if (behaviour === 'no') await send(m.phone, m.body.includes('Amsa') ? "A'a" : '2');
        else if (behaviour === 'garbled') {
          await send(m.phone, 'je sais pas');
          await send(m.phone, '1');
        } else if (behaviour === 'late') late.push({ phone: m.phone, at: now.getTime() + 90 * MINUTE });
      }
      for (const l of late.filter((x) => x.at <= now.getTime())) {
        late.splice(late.indexOf(l), 1);
        await send(l.phone, 'YES');
      }
      now = new Date(now.getTime() + 15 * MINUTE);
      await advanceCallups(deps, now);
    }

    const status = await callupStatus(deps, callup.id);
    expect(status.callup.status).toBe('filled');
    expect(status.needs.map((n) => [n.count, n.confirmed, n.yes])).toEqual([[40, 40, 40], [10, 10, 10]]);
    const rows = await recipientsOf(callup.id);
    // Nobody asked twice, and only eligible people asked.
    expect(new Set(rows.map((r) => r.volunteer_id)).size).toBe(rows.length);
    const allowed = new Set([...eligible, edgeAdult].map((p) => p.id));
    expect(rows.filter((r) => !allowed.has(r.volunteer_id))).toEqual([]);
    expect(status.callup.wave).toBeGreaterThan(2);
    expect(rows.some((r) => r.state === 'no_answer')).toBe(true);
    expect(rows.some((r) => r.state === 'standby')).toBe(true);
    // Opted-out and withdrawn phones received nothing but the STOP acknowledgement.
    const silent = await ctx.database.db.selectFrom('outbox').select('id').where('kind', '=', 'callup').where('phone_hash', 'in', [...optedOut, ...withdrawn].map((p) => ctx.cipher.blindIndex('phone', p.phone))).execute();
    expect(silent).toEqual([]);

    const confirmed = await confirmedPeople(deps, 'staff:coord', callup.id, null);
    expect(confirmed).toHaveLength(50);
    const audit = await ctx.database.db.selectFrom('audit_pending').select('action').execute().catch(() => []);
    const logged = await ctx.database.db.selectFrom('audit_log').select('action').execute();
    expect([...audit, ...logged].map((a) => a.action)).toEqual(expect.arrayContaining(['callup.create', 'callup.start', 'callup.wave', 'callup.read_confirmed']));

    const standby = rows.filter((r) => r.state === 'standby').length;
    const { told } = await cancelCallup(deps, 'staff:coord', callup.id);
    expect(told).toBe(50 + standby);
  });

  it('asks the next wave only when the wave time has passed', async () => {
    const people = Array.from({ length: 6 }, () => person({ area: 'NE006003', roles: ['communications'], skills: [] }));
    await insertPopulation(ctx, people);
    const callup = await createCallup(deps, 'staff:coord', callupInput({ needs: [{ role: 'communications', count: 2 }], overAsk: 1, reportAt: '2026-12-10T07:00:00Z', answerBy: '2026-12-09T17:00:00Z' }));
    await startCallup(deps, 'staff:coord', callup.id);
    const t0 = now.getTime();
    // Still in the gateway's queue: the wave's time has not started.
    expect(await advanceCallups(deps, new Date(t0 + 90 * MINUTE))).toMatchObject({ asked: 0, timedOut: 0 });
    // Sent 30 minutes after being queued: the hour counts from then.
    const sentAt = new Date(t0 + 30 * MINUTE).toISOString();
    expect(await queueCallupQuestions(deps, new Date(t0 + 30 * MINUTE), 100)).toBe(2);
    const firstWave = (await recipientsOf(callup.id)).map((r) => r.outbox_id ?? '');
    await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent', sent_at: sentAt }).where('id', 'in', firstWave).execute());
    expect((await advanceCallups(deps, new Date(t0 + 89 * MINUTE))).asked).toBe(0);
    expect(await advanceCallups(deps, new Date(t0 + 90 * MINUTE))).toMatchObject({ asked: 2, timedOut: 2 });
    const rows = await recipientsOf(callup.id);
    expect(rows.map((r) => [r.wave, r.state]).sort()).toEqual([[1, 'no_answer'], [1, 'no_answer'], [2, 'asked'], [2, 'asked']]);
    // The second wave's questions reach the outbox; the gateway has not taken them yet.
    expect(await queueCallupQuestions(deps, new Date(t0 + 90 * MINUTE), 100)).toBe(2);
    await cancelCallup(deps, 'staff:coord', callup.id);
    // Questions still waiting for the gateway are not sent after a cancel.
    expect(await queueCallupQuestions(deps, new Date(t0 + 91 * MINUTE), 100)).toBe(0);
    const unsent = await ctx.database.db.selectFrom('outbox').innerJoin('callup_recipients as cr', 'cr.outbox_id', 'outbox.id').select(['outbox.status', 'cr.wave']).where('cr.callup_id', '=', callup.id).execute();
    expect(unsent.map((m) => [m.wave, m.status]).sort()).toEqual([[1, 'sent'], [1, 'sent'], [2, 'cancelled'], [2, 'cancelled']]);
  });

  it('rotates: a second call-up asks those not asked by the first', async () => {
    const people = Array.from({ length: 40 }, () => person({ area: 'NE006004', roles: ['logistics'], skills: [] }));
    await insertPopulation(ctx, people);
    const input = callupInput({ needs: [{ role: 'logistics', count: 10 }], areas: ['NE006004'], reportAt: '2026-12-20T07:00:00Z', answerBy: '2026-12-19T17:00:00Z' });
    const first = await createCallup(deps, 'staff:coord', input);
    await startCallup(deps, 'staff:coord', first.id);
    now = new Date(now.getTime() + MINUTE);
    const second = await createCallup(deps, 'staff:coord', { ...input, reportAt: '2026-12-28T07:00:00Z', answerBy: '2026-12-27T17:00:00Z' });
    await startCallup(deps, 'staff:coord', second.id);
    const a = new Set((await recipientsOf(first.id)).map((r) => r.volunteer_id));
    const b = (await recipientsOf(second.id)).map((r) => r.volunteer_id);
    expect(a.size).toBe(15);
    expect(b).toHaveLength(15);
    expect(b.filter((id) => a.has(id))).toEqual([]);
    // A person asked by both gets the second with a letter, and a bare answer is asked to say which.
    const third = await createCallup(deps, 'staff:coord', { ...input, needs: [{ role: 'logistics', count: 40 }], reportAt: '2027-01-10T07:00:00Z', answerBy: '2027-01-09T17:00:00Z' });
    await startCallup(deps, 'staff:coord', third.id);
    const both = (await recipientsOf(third.id)).find((r) => a.has(r.volunteer_id));
    const who = people.find((p) => p.id === both?.volunteer_id);
    expect(both?.letter).toBe('B');
    const unclear = await answerCallup(deps, { phone: who?.phone ?? '', text: 'OUI', now });
    expect(unclear.outcome).toBe('which');
    expect(unclear.reply).toMatch(/A (OUI|YES|EE)/);
    expect((await answerCallup(deps, { phone: who?.phone ?? '', text: 'B 1', now })).outcome).toBe('confirmed');
    expect((await recipientsOf(third.id)).find((r) => r.id === both?.id)?.state).toBe('yes');
    for (const c of [first, second, third]) await cancelCallup(deps, 'staff:coord', c.id);
  });

  it('never confirms more people than needed when everyone answers yes at once (two connections pools)', async () => {
    const people = Array.from({ length: 25 }, () => person({ area: 'NE006005', roles: ['other'], skills: [] }));
    await insertPopulation(ctx, people);
    const callup = await createCallup(deps, 'staff:coord', callupInput({ needs: [{ role: 'other', count: 5 }], overAsk: 5, reportAt: '2027-02-10T07:00:00Z', answerBy: '2027-02-09T17:00:00Z' }));
    await startCallup(deps, 'staff:coord', callup.id);
    // Sent: once the need is filled, only questions not yet sent are withdrawn.
    await deliverQueued();
    const sent = await ctx.database.db.selectFrom('outbox').innerJoin('callup_recipients as cr', 'cr.outbox_id', 'outbox.id').select('outbox.status').where('cr.callup_id', '=', callup.id).execute();
    expect(sent.map((m) => m.status)).toEqual(Array.from({ length: 25 }, () => 'delivered'));
    const other = createCallupDeps(await testDb.open({ clock: () => now }));
    const outcomes = await Promise.all(people.map((p, i) => answerCallup(i % 2 ? deps : other, { phone: p.phone, text: 'YES', now })));
    expect(outcomes.filter((o) => o.outcome === 'confirmed')).toHaveLength(5);
    expect(outcomes.filter((o) => o.outcome === 'standby')).toHaveLength(20);
    const status = await callupStatus(deps, callup.id);
    expect(status.needs[0]).toMatchObject({ confirmed: 5, yes: 5, standby: 20 });
    expect(status.callup.status).toBe('filled');
  });

  it('takes an answer by USSD (menu 5) like the same answer by SMS', async () => {
    const someone = person({ area: 'NE006006', roles: ['communications'], skills: [], language: 'en' });
    await insertPopulation(ctx, [someone]);
    const callup = await createCallup(deps, 'staff:coord', callupInput({ title: 'Radio operators', needs: [{ role: 'communications', count: 1 }], areas: ['NE006006'], reportAt: '2027-03-10T07:00:00Z', answerBy: '2027-03-09T17:00:00Z' }));
    await startCallup(deps, 'staff:coord', callup.id);
    const ussd = (inputs: string[]) => handleUssd(messaging, { sessionId: 'ussd-callup-1', serviceCode: '*384#', phone: someone.phone, network: null, inputs });
    expect(await ussd(['3', '5'])).toEqual({ end: false, text: 'Radio operators\n1 Yes, I will come\n2 No' });
    const answered = await ussd(['3', '5', '1']);
    expect(answered.end).toBe(true);
    expect(answered.text).toMatch(/^Thank you, you are confirmed: Radio operators\./);
    expect((await callupStatus(deps, callup.id)).needs[0]).toMatchObject({ confirmed: 1, yes: 1 });
    expect(await ussd(['3', '5'])).toMatchObject({ end: true, text: 'No call-up is waiting for you.' });
  });
});
