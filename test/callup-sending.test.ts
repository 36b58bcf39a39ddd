import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { Dispatcher } from '../src/messaging/dispatcher.ts';
import type { SmsGateway } from '../src/messaging/kannel-client.ts';
import { answerCallup } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps, type CallupDeps } from '../src/services/callups/callup-deps.ts';
import { callupFeed, queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { createCallup, startCallup, type CallupInput } from '../src/services/callups/callups.ts';
import type { ClaimedSms } from '../src/store/outbox-store.ts';
import { phoneIndex } from '../src/store/volunteer-rows.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person, type Person } from './helpers/population.ts';

/**
 * Starting a call-up writes recipient rows only; their questions are queued into the outbox by the
 * sender (callup-sending.ts) as the dispatcher has room, and each person is checked again then.
 */

const NOW = new Date('2026-11-23T08:00:00.000Z');

describeEachDatabase('call-up questions queued when they can be sent', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: CallupDeps;
  let areaIndex = 0;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => NOW });
    deps = createCallupDeps(ctx);
  });
  afterAll(async () => testDb.cleanup());

  const markSent = () => ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent', sent_at: NOW.toISOString() }).where('status', '=', 'queued').execute());

  /** `n` people in a commune of their own, a call-up of theirs started (asking `asked` of them). */
  async function started(n: number, input: Partial<CallupInput> & { count: number }) {
    // Earlier tests' questions have gone out and their call-ups are closed: the room is the test's own.
    await markSent();
    await ctx.database.write((trx) => trx.updateTable('callups').set({ status: 'closed' }).where('status', 'in', ['running', 'filled']).execute());
    const communes = ctx.drive.descendantsOf('NE005').filter((p) => ctx.drive.children(p).length === 0);
    const area = communes[areaIndex++] ?? 'NE005001';
    const people = Array.from({ length: n }, () => person({ area, roles: ['logistics'], skills: [] }));
    await insertPopulation(ctx, people);
    const { count, ...rest } = input;
    const callup = await createCallup(deps, 'staff:coord', {
      title: 'Appel logistique',
      needs: [{ role: 'logistics', count }],
      areas: [area],
      reportPlace: 'Entrepot',
      reportAt: '2026-12-20T07:00:00Z',
      answerBy: '2026-12-19T17:00:00Z',
      overAsk: 1,
      ...rest,
    });
    await startCallup(deps, 'staff:coord', callup.id);
    return { callup, people };
  }

  const recipients = (callupId: string) => ctx.database.db.selectFrom('callup_recipients').selectAll().where('callup_id', '=', callupId).orderBy('id').execute();
  const questionsTo = (people: readonly Person[]) =>
    ctx.database.db
      .selectFrom('outbox')
      .select(['id', 'phone_hash', 'body_enc', 'status'])
      .where('kind', '=', 'callup')
      .where('phone_hash', 'in', people.map((p) => phoneIndex(ctx.cipher, p.phone)))
      .execute();

  it('queues nothing at the start, then checks each person when the question is queued: withdrawn, merged or opted-out people are never contacted', async () => {
    const { callup, people } = await started(8, { count: 8 });
    expect(await recipients(callup.id)).toHaveLength(8);
    expect(await questionsTo(people)).toEqual([]);
    const [withdrawn, merged, into, optedOut] = people as [Person, Person, Person, Person];
    await ctx.database.write(async (trx) => {
      await trx.updateTable('volunteers').set({ status: 'withdrawn' }).where('id', '=', withdrawn.id).execute();
      await trx.updateTable('volunteers').set({ merged_into: into.id }).where('id', '=', merged.id).execute();
      await trx.insertInto('opt_outs').values({ phone_hash: phoneIndex(ctx.cipher, optedOut.phone), keyword: 'STOP', at: NOW.toISOString() }).execute();
    });

    expect(await queueCallupQuestions(deps, NOW, 100)).toBe(5);
    const rows = await recipients(callup.id);
    const silent = new Set([withdrawn.id, merged.id, optedOut.id]);
    expect(rows.filter((r) => silent.has(r.volunteer_id)).map((r) => [r.state, r.outbox_id])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
      ['cancelled', null],
    ]);
    const asked = rows.filter((r) => !silent.has(r.volunteer_id));
    expect(asked.every((r) => r.state === 'asked' && r.outbox_id !== null)).toBe(true);
    const questions = await questionsTo(people);
    expect(questions.map((q) => q.id).sort()).toEqual(asked.map((r) => r.outbox_id).sort());
    expect(questions.some((q) => [withdrawn, merged, optedOut].some((p) => phoneIndex(ctx.cipher, p.phone) === q.phone_hash))).toBe(false);
    // Nobody is queued twice.
    await markSent();
    await queueCallupQuestions(deps, NOW, 100);
    expect(await questionsTo(people)).toHaveLength(5);
  });

  it('queues only the room that bulk messages waiting leave, in the order people were chosen', async () => {
    const { callup, people } = await started(12, { count: 12 });
    expect(await queueCallupQuestions(deps, NOW, 5)).toBe(5);
    // Five bulk messages still wait for the gateway: no room.
    expect(await queueCallupQuestions(deps, NOW, 5)).toBe(0);
    await markSent();
    expect(await queueCallupQuestions(deps, NOW, 5)).toBe(5);
    const rows = await recipients(callup.id);
    expect(rows.map((r) => r.outbox_id !== null)).toEqual([...Array.from({ length: 10 }, () => true), false, false]);
    expect(await questionsTo(people)).toHaveLength(10);
  });

  it('withdraws the questions not yet queued once the need is filled', async () => {
    const { callup, people } = await started(6, { count: 1, overAsk: 3 });
    expect(await queueCallupQuestions(deps, NOW, 1)).toBe(1);
    await markSent();
    const first = (await recipients(callup.id))[0];
    const who = people.find((p) => p.id === first?.volunteer_id);
    expect((await answerCallup(deps, { phone: who?.phone ?? '', text: 'OUI', now: NOW })).outcome).toBe('confirmed');
    await queueCallupQuestions(deps, NOW, 100);
    expect((await recipients(callup.id)).map((r) => [r.state, r.outbox_id !== null])).toEqual([
      ['yes', true],
      ['cancelled', false],
      ['cancelled', false],
    ]);
    expect(await questionsTo(people)).toHaveLength(1);
  });

  it('shows the answer letter when the person has another open question at the time of sending', async () => {
    const { callup, people } = await started(2, { count: 2 });
    const [both, one] = people as [Person, Person];
    const second = await createCallup(deps, 'staff:coord', {
      title: 'Deuxieme appel',
      needs: [{ role: 'logistics', count: 1 }],
      areas: [(await recipients(callup.id))[0]?.area ?? ''],
      reportPlace: 'Entrepot',
      reportAt: '2027-01-20T07:00:00Z',
      answerBy: '2027-01-19T17:00:00Z',
      overAsk: 1,
    });
    // The second call-up asks the person first in rotation, who is not `both` unless made so.
    await ctx.database.write((trx) => trx.updateTable('callup_rotation').set({ last_asked_at: '2020-01-01T00:00:00.000Z' }).where('volunteer_id', '=', both.id).execute());
    await startCallup(deps, 'staff:coord', second.id);
    expect((await recipients(second.id)).map((r) => [r.volunteer_id, r.letter])).toEqual([[both.id, 'B']]);
    await queueCallupQuestions(deps, NOW, 100);
    const body = async (p: Person) => {
      const rows = await ctx.database.db.selectFrom('outbox').select(['id', 'body_enc']).where('phone_hash', '=', phoneIndex(ctx.cipher, p.phone)).orderBy('id').execute();
      return rows.map((r) => ctx.cipher.decrypt(r.body_enc, `outbox.body:${r.id}`));
    };
    const [toBoth, toOne] = [await body(both), await body(one)];
    expect(toBoth).toHaveLength(2);
    expect(toBoth.some((t) => /\bA (OUI|YES|EE)\b/.test(t))).toBe(true);
    expect(toBoth.some((t) => /\bB (OUI|YES|EE)\b/.test(t))).toBe(true);
    expect(toOne).toHaveLength(1);
    expect(toOne[0]).not.toMatch(/\b[A-Z] (OUI|YES|EE)\b/);
  });

  it('the dispatcher queues call-up questions through its feed before it claims, and sends them', async () => {
    const { people } = await started(6, { count: 6 });
    const sent: ClaimedSms[] = [];
    const gateway: SmsGateway = {
      send: (message) => {
        sent.push(message);
        return Promise.resolve({ kind: 'accepted' });
      },
      close: () => undefined,
    };
    const dispatcher = new Dispatcher(
      { database: ctx.database, outbox: deps.outbox, gateway, clock: () => NOW, feed: callupFeed(deps) },
      { ratePerSecond: 1000, concurrency: 2, leaseMs: 10_000, retryMaxMs: 1000, pollMs: 50, batchSize: 4 },
    );
    expect(await dispatcher.runOnce()).toBe(4);
    expect(await dispatcher.runOnce()).toBe(2);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(sent.map((m) => m.phone).sort()).toEqual(people.map((p) => p.phone).sort());
    expect((await questionsTo(people)).map((q) => q.status)).toEqual(Array.from({ length: 6 }, () => 'sent'));
  });
});
