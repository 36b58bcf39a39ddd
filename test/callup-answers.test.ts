import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { callupPendingHook, callupReplyHook, callupStopHook } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps, type CallupDeps } from '../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { advanceCallups } from '../src/services/callups/callup-waves.ts';
import { callupStatus, createCallup, startCallup, type CallupInput } from '../src/services/callups/callups.ts';
import { handleInboundSms } from '../src/services/messaging/handle-inbound-sms.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person, type Person } from './helpers/population.ts';

/**
 * Answers after the first one: a yes taken back, a STOP, an unclear answer, through the same inbound
 * SMS handler as the gateway's.
 */

const START = new Date('2026-11-23T08:00:00.000Z');
const MINUTE = 60_000;

describeEachDatabase('call-up answers', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: CallupDeps;
  let messaging: MessagingDeps;
  let now = START;
  let gatewayCounter = 0;
  let areaIndex = 0;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => now });
    deps = createCallupDeps(ctx);
    messaging = createMessagingDeps(
      ctx,
      { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: '1234', smart: false },
      { callupReply: callupReplyHook(deps), callupPending: callupPendingHook(deps), callupStop: callupStopHook(deps) },
    );
  });
  afterAll(async () => testDb.cleanup());

  const send = (phone: string, text: string) => handleInboundSms(messaging, { gatewayId: `g-${++gatewayCounter}`, from: phone, to: '1234', text });

  /** Messages queued to a phone, decrypted, oldest first. */
  async function messagesTo(phone: string): Promise<{ kind: string; body: string }[]> {
    const rows = await ctx.database.db.selectFrom('outbox').selectAll().where('phone_hash', '=', ctx.cipher.blindIndex('phone', phone)).orderBy('id').execute();
    return rows.map((r) => ({ kind: r.kind, body: ctx.cipher.decrypt(r.body_enc, `outbox.body:${r.id}`) }));
  }

  /** A running call-up for `count` of `people` (each in their own commune), everything queued marked sent. */
  async function running(people: Person[], input: Partial<CallupInput>) {
    await insertPopulation(ctx, people);
    const callup = await createCallup(deps, 'staff:coord', {
      title: 'Appel Niamey',
      needs: [{ role: 'medical', count: 2 }],
      areas: [people[0]?.area ?? ''],
      reportPlace: 'Hopital',
      reportAt: '2026-12-01T07:00:00Z',
      answerBy: '2026-11-30T17:00:00Z',
      overAsk: 1,
      waveTimeoutMinutes: 60,
      ...input,
    });
    await startCallup(deps, 'staff:coord', callup.id);
    await queueCallupQuestions(deps, now, 1000);
    await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent', sent_at: now.toISOString() }).where('status', '=', 'queued').execute());
    return callup;
  }

  const communes = () => ctx.drive.descendantsOf('NE008').filter((p) => ctx.drive.children(p).length === 0);
  const group = (n: number) => {
    const area = communes()[areaIndex++] ?? 'NE008001';
    return Array.from({ length: n }, () => person({ area, roles: ['medical'], skills: [], language: 'fr' }));
  };
  const stateOf = async (callupId: string, p: Person) =>
    (await ctx.database.db.selectFrom('callup_recipients').select('state').where('callup_id', '=', callupId).where('volunteer_id', '=', p.id).executeTakeFirst())?.state;

  it('a yes taken back frees the place: the first on standby takes it and is told', async () => {
    const people = group(4);
    const callup = await running(people, { overAsk: 2 });
    const [a, b, c] = people as [Person, Person, Person];
    await send(a.phone, 'OUI');
    await send(b.phone, 'OUI');
    now = new Date(now.getTime() + MINUTE);
    await send(c.phone, 'OUI');
    expect(await stateOf(callup.id, c)).toBe('standby');
    expect((await callupStatus(deps, callup.id)).callup.status).toBe('filled');

    await send(a.phone, 'NON');
    expect(await stateOf(callup.id, a)).toBe('no');
    expect(await stateOf(callup.id, c)).toBe('yes');
    const status = await callupStatus(deps, callup.id);
    expect(status.needs[0]).toMatchObject({ count: 2, confirmed: 2, yes: 2, no: 1, standby: 0 });
    expect(status.callup.status).toBe('filled');
    expect((await messagesTo(a.phone)).at(-1)?.body).toMatch(/noté que vous ne venez pas/);
    expect((await messagesTo(c.phone)).at(-1)).toMatchObject({ kind: 'callup_promoted', body: expect.stringMatching(/^Place libérée, vous êtes retenu\(e\) : Appel Niamey\./) as unknown });
    // Saying no again changes nothing.
    await send(a.phone, 'NON');
    expect((await callupStatus(deps, callup.id)).needs[0]).toMatchObject({ confirmed: 2, no: 1 });
  });

  it('a yes taken back with nobody on standby: the call-up runs again and the next wave asks someone new', async () => {
    const people = group(5);
    const callup = await running(people, {});
    const asked = await ctx.database.db.selectFrom('callup_recipients').select('volunteer_id').where('callup_id', '=', callup.id).execute();
    expect(asked).toHaveLength(2);
    const [first, second] = asked.map((r) => people.find((p) => p.id === r.volunteer_id) as Person);
    await send(first?.phone ?? '', 'OUI');
    await send(second?.phone ?? '', 'YES');
    expect((await callupStatus(deps, callup.id)).callup.status).toBe('filled');
    await send(second?.phone ?? '', 'NO');
    const status = await callupStatus(deps, callup.id);
    expect(status.callup.status).toBe('running');
    expect(status.needs[0]).toMatchObject({ confirmed: 1, yes: 1, no: 1 });
    const r = await advanceCallups(deps, now);
    expect(r.asked).toBe(1);
    expect(await ctx.database.db.selectFrom('callup_recipients').select('id').where('callup_id', '=', callup.id).execute()).toHaveLength(3);
  });

  it('STOP closes the person’s open call-ups and frees a confirmed place', async () => {
    const people = group(4);
    const callup = await running(people, { overAsk: 2 });
    const [a, b, c, d] = people as [Person, Person, Person, Person];
    await send(a.phone, 'OUI');
    await send(b.phone, 'OUI');
    await send(c.phone, 'OUI');
    expect(await stateOf(callup.id, c)).toBe('standby');
    // d was asked and has not answered: STOP closes that question.
    await send(d.phone, 'STOP');
    expect(await stateOf(callup.id, d)).toBe('cancelled');
    // a confirmed, then STOP: the place goes to c.
    await send(a.phone, 'STOP');
    expect(await stateOf(callup.id, a)).toBe('cancelled');
    expect(await stateOf(callup.id, c)).toBe('yes');
    const status = await callupStatus(deps, callup.id);
    expect(status.needs[0]).toMatchObject({ confirmed: 2, yes: 2, cancelled: 2, asked: 0, delivered: 0 });
    // Nothing more for the people who stopped but the acknowledgement.
    expect((await messagesTo(a.phone)).at(-1)?.kind).toBe('stop_ack');
    expect((await messagesTo(d.phone)).at(-1)?.kind).toBe('stop_ack');
  });

  it('an unclear answer gets exactly one clarifying message, then the real answer counts', async () => {
    const people = group(2);
    const callup = await running(people, { needs: [{ role: 'medical', count: 1 }] });
    const [a] = (await ctx.database.db.selectFrom('callup_recipients').select('volunteer_id').where('callup_id', '=', callup.id).execute()).map((r) => people.find((p) => p.id === r.volunteer_id) as Person);
    const before = (await messagesTo(a?.phone ?? '')).length;
    await Promise.all([send(a?.phone ?? '', 'peut-être'), send(a?.phone ?? '', 'je ne sais pas')]);
    await send(a?.phone ?? '', 'demain ?');
    const after = await messagesTo(a?.phone ?? '');
    expect(after.slice(before).map((m) => m.body)).toEqual(['Réponse non comprise. Pour Appel Niamey, répondez OUI ou NON.']);
    await send(a?.phone ?? '', 'oui');
    expect((await callupStatus(deps, callup.id)).needs[0]).toMatchObject({ confirmed: 1 });
  });
});
