import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { Dispatcher } from '../src/messaging/dispatcher.ts';
import type { SmsGateway } from '../src/messaging/kannel-client.ts';
import { handleInboundSms } from '../src/services/messaging/handle-inbound-sms.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { DLR, type ClaimedSms, type SendResult } from '../src/store/outbox-store.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';

const SETTINGS = { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: '1234', smart: false };

/** Region and department numbers of Niamey's first department in the SMS menus. */
function niameyChoices(ctx: AppContext): [string, string] {
  const regions = ctx.drive.children(null);
  const index = regions.findIndex((a) => a.name === 'Niamey');
  return [String(index + 1), '1'];
}

/** Every message queued to a phone, decrypted, oldest first. */
async function outboxFor(deps: MessagingDeps, phone: string) {
  const rows = await deps.database.db.selectFrom('outbox').selectAll().where('phone_hash', '=', deps.cipher.blindIndex('phone', phone)).orderBy('id').execute();
  return rows.map((r) => ({ ...r, body: deps.cipher.decrypt(r.body_enc, `outbox.body:${r.id}`) }));
}

describeEachDatabase('SMS conversation and outbox (without a gateway)', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: MessagingDeps;
  let gatewayCounter = 0;
  const send = (from: string, text: string, gatewayId = `k-${++gatewayCounter}`) => handleInboundSms(deps, { gatewayId, from, to: '1234', text });

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open();
    deps = createMessagingDeps(ctx, SETTINGS);
  });
  afterAll(async () => testDb.cleanup());

  it('registers a person through the whole conversation, with the same service as every channel', async () => {
    const phone = '+22790000101';
    const [region, department] = niameyChoices(ctx);
    for (const text of ['Bonjour', '1', 'Aminatou', 'Moussa', '1994', region, department, '2 3', '1']) expect(await send(phone, text)).toBe('handled');
    const messages = await outboxFor(deps, phone);
    expect(messages).toHaveLength(9);
    expect(messages[0]?.body).toContain('1 Francais');
    const last = messages[8];
    expect(last?.body).toMatch(/^Inscription enregistrée\. Référence : [0-9A-Z]{4}-[0-9A-Z]{4}\./);
    expect(last).toMatchObject({ priority: 0, status: 'queued', sender: '1234', encoding: 'gsm7' });
    const id = await ctx.volunteers.phoneTakenBy(ctx.database.db, phone);
    const volunteer = id ? await ctx.volunteers.get(ctx.database.db, id) : null;
    expect(volunteer).toMatchObject({ givenName: 'Aminatou', familyName: 'Moussa', birthYear: 1994, channel: 'sms', roles: ['logistics', 'medical'], consent: { capturedBy: 'self', language: 'fr' } });
    expect(last?.body).toContain(volunteer?.reference ?? 'missing');
    // Asking to register again is answered at once.
    await send(phone, 'INSCRIPTION');
    expect((await outboxFor(deps, phone)).at(-1)?.body).toBe(`Ce numéro est déjà inscrit (référence ${volunteer?.reference}). Rien de plus n'a été enregistré.`);
    // The conversation is over and its answers are gone.
    expect(await ctx.database.db.selectFrom('conversations').selectAll().execute()).toEqual([]);
  });

  it('stores no phone number or text in clear', async () => {
    const phone = '+22790000102';
    await send(phone, 'HAUSA');
    await send(phone, 'Halimatou');
    const dump = JSON.stringify([
      await ctx.database.db.selectFrom('outbox').selectAll().execute(),
      await ctx.database.db.selectFrom('inbound_messages').selectAll().execute(),
      await ctx.database.db.selectFrom('conversations').selectAll().execute(),
    ]);
    expect(dump).not.toContain('90000102');
    expect(dump).not.toContain('Halimatou');
    expect(dump).not.toContain('Sunan');
  });

  it('handles the same gateway id once, however often it arrives', async () => {
    const phone = '+22790000103';
    expect(await send(phone, 'EN', 'same-id')).toBe('handled');
    const again = await Promise.all([send(phone, 'EN', 'same-id'), send(phone, 'EN', 'same-id')]);
    expect(again).toEqual(['duplicate', 'duplicate']);
    expect(await outboxFor(deps, phone)).toHaveLength(1);
    const inbound = await ctx.database.db.selectFrom('inbound_messages').selectAll().where('gateway_id', '=', 'same-id').execute();
    expect(inbound).toHaveLength(1);
  });

  it('refuses an under-age person politely and keeps nothing of the answers', async () => {
    const phone = '+22790000104';
    for (const text of ['FR', 'Aminatou', 'Moussa', '2011']) await send(phone, text);
    const messages = await outboxFor(deps, phone);
    expect(messages.at(-1)?.body).toContain("réservée aux personnes de 18 ans ou plus. Rien n'a été enregistré.");
    expect(await ctx.volunteers.phoneTakenBy(ctx.database.db, phone)).toBeNull();
    expect(await ctx.database.db.selectFrom('conversations').selectAll().where('phone_hash', '=', ctx.cipher.blindIndex('phone', phone)).execute()).toEqual([]);
  });

  it('STOP withdraws the registration, cancels queued bulk messages, blocks new ones and says so', async () => {
    const phone = '+22790000105';
    const [region, department] = niameyChoices(ctx);
    for (const text of ['EN', 'Hadiza', 'Garba', '1990', region, department, '1', '1']) await send(phone, text);
    const id = await ctx.volunteers.phoneTakenBy(ctx.database.db, phone);
    expect(id).not.toBeNull();
    const bulk = await ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone, body: 'Call-up: report to Niamey', priority: 'bulk', kind: 'callup' }, FIXED_NOW));
    expect(bulk.status).toBe('queued');
    expect(await send(phone, 'Stop')).toBe('handled');
    const messages = await outboxFor(deps, phone);
    expect(messages.find((m) => m.kind === 'callup')?.status).toBe('cancelled');
    expect(messages.at(-1)).toMatchObject({ kind: 'stop_ack', priority: 0, status: 'queued' });
    expect(messages.at(-1)?.body).toBe('You will receive no more messages. Your registration is withdrawn and your data erased.');
    const after = await ctx.volunteers.get(ctx.database.db, id ?? '');
    expect(after).toMatchObject({ status: 'withdrawn', givenName: null, phone: null });
    expect(await ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone, body: 'Another call-up', priority: 'bulk', kind: 'callup' }, FIXED_NOW))).toEqual({ status: 'opted_out' });
    const audits = await ctx.database.db.selectFrom('audit_pending').select(['action', 'details']).where('action', 'in', ['volunteer.withdraw', 'sms.opt_out']).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['sms.opt_out', 'volunteer.withdraw']);
    expect(JSON.parse(audits.find((a) => a.action === 'volunteer.withdraw')?.details ?? '{}')).toMatchObject({ volunteerId: id, channel: 'sms' });
  });

  it('answers HELP in the language of the keyword, and a wrong answer with an example', async () => {
    const phone = '+22790000106';
    await send(phone, 'AIDE');
    await send(phone, 'HAUSA');
    await send(phone, '12345');
    const messages = await outboxFor(deps, phone);
    expect(messages[0]?.body).toMatch(/^Muster : envoyez INSCRIPTION/);
    expect(messages[2]?.body).toMatch(/^Haruffa kawai, misali: Moussa\.\nRajistar sa kai\. Sunanka na farko/);
    expect(messages[2]?.encoding).toBe('gsm7');
    expect(messages[1]?.encoding).toBe('gsm7');
  });

  it('sends Hausa with hooked letters as UCS-2 and counts its parts', async () => {
    const phone = '+22790000107';
    const [region, department] = niameyChoices(ctx);
    for (const text of ['HAUSA', 'Hadiza', 'Garba', '1990', region, department]) await send(phone, text);
    const roles = (await outboxFor(deps, phone)).at(-1);
    expect(roles?.body).toContain('lamba ɗaya ko fiye');
    expect(roles).toMatchObject({ encoding: 'ucs2' });
    expect(roles?.segments).toBe(Math.ceil([...(roles?.body ?? '')].length / 67));
  });
});

/** A gateway that records what it is asked to send and answers as told. */
class ScriptedGateway implements SmsGateway {
  sent: ClaimedSms[] = [];
  answer: (message: ClaimedSms) => SendResult = () => ({ kind: 'accepted' });
  send(message: ClaimedSms): Promise<SendResult> {
    const result = this.answer(message);
    if (result.kind === 'accepted' || result.kind === 'unknown') this.sent.push(message);
    return Promise.resolve(result);
  }
  close(): void {}
}

describeEachDatabase('SMS dispatcher (scripted gateway)', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: MessagingDeps;
  let now = FIXED_NOW.getTime();
  const clock = () => new Date(now);

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock });
    deps = createMessagingDeps(ctx, SETTINGS);
  });
  afterAll(async () => testDb.cleanup());

  const enqueue = (phone: string, body: string, priority: 'reply' | 'bulk') => ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone, body, priority, kind: priority }, clock()));
  const statusOf = async (id: string) => (await ctx.database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const dispatcher = (gateway: SmsGateway, owner: string) =>
    new Dispatcher({ database: ctx.database, outbox: deps.outbox, gateway, clock }, { ratePerSecond: 1000, concurrency: 4, leaseMs: 30_000, retryMaxMs: 60_000, pollMs: 10, batchSize: 50, owner });

  it('sends replies before bulk, and each message once', async () => {
    const gateway = new ScriptedGateway();
    const bulk = [];
    for (let i = 0; i < 5; i++) bulk.push(await enqueue(`+2279100000${i}`, `bulk ${i}`, 'bulk'));
    now += 1000;
    const reply = await enqueue('+22791000009', 'reply', 'reply');
    const d = dispatcher(gateway, 'd1');
    expect(await d.runOnce()).toBe(6);
    expect(await d.runOnce()).toBe(0);
    expect(gateway.sent.map((m) => m.body)[0]).toBe('reply');
    expect(gateway.sent).toHaveLength(6);
    if (reply.status !== 'queued') throw new Error('queued');
    expect(await statusOf(reply.id)).toMatchObject({ status: 'sent', attempts: 1, sent_at: clock().toISOString() });
  });

  it('keeps messages queued while the gateway is down and sends them once when it is back', async () => {
    const gateway = new ScriptedGateway();
    gateway.answer = () => ({ kind: 'unavailable', error: 'ECONNREFUSED' });
    const queued = await enqueue('+22791000010', 'while down', 'reply');
    if (queued.status !== 'queued') throw new Error('queued');
    const d = dispatcher(gateway, 'd2');
    expect(await d.runOnce()).toBe(1);
    const row = await statusOf(queued.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'ECONNREFUSED' });
    expect(row.next_attempt_at > clock().toISOString()).toBe(true);
    expect(await d.runOnce()).toBe(0); // not due yet: backoff
    now += 2000;
    gateway.answer = () => ({ kind: 'accepted' });
    expect(await d.runOnce()).toBe(1);
    expect(await statusOf(queued.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(gateway.sent.filter((m) => m.id === queued.id)).toHaveLength(1);
  });

  it('marks a message refused by the gateway as failed, without retrying', async () => {
    const gateway = new ScriptedGateway();
    gateway.answer = () => ({ kind: 'rejected', error: '400 Invalid to' });
    const queued = await enqueue('+22791000011', 'refused', 'reply');
    if (queued.status !== 'queued') throw new Error('queued');
    await dispatcher(gateway, 'd3').runOnce();
    expect(await statusOf(queued.id)).toMatchObject({ status: 'failed', last_error: '400 Invalid to' });
  });

  it('after a dispatcher died mid-send, sends again only what no delivery report shows the gateway had', async () => {
    const a = await enqueue('+22791000012', 'a', 'reply');
    const b = await enqueue('+22791000013', 'b', 'reply');
    if (a.status !== 'queued' || b.status !== 'queued') throw new Error('queued');
    // A dispatcher claims both and dies before recording anything; the gateway had taken "a".
    const claimed = await deps.outbox.claim(ctx.database, 'dead', clock(), 10, 30_000);
    expect(claimed.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    const gateway = new ScriptedGateway();
    const d = dispatcher(gateway, 'd4');
    expect(await d.runOnce()).toBe(0); // leased to the dead dispatcher
    await deps.outbox.applyDeliveryReport(ctx.database, a.id, DLR.accepted, clock());
    now += 30_001;
    expect(await d.runOnce()).toBe(1);
    expect(gateway.sent.map((m) => m.id)).toEqual([b.id]);
    expect(await statusOf(a.id)).toMatchObject({ status: 'sent', dlr_status: 8 });
    await deps.outbox.applyDeliveryReport(ctx.database, a.id, DLR.delivered, clock());
    expect(await statusOf(a.id)).toMatchObject({ status: 'delivered', delivered_at: clock().toISOString() });
    // A late report never undoes a final state.
    await deps.outbox.applyDeliveryReport(ctx.database, a.id, DLR.failed, clock());
    expect(await statusOf(a.id)).toMatchObject({ status: 'delivered' });
  });

  it('does not let two dispatchers send the same message', async () => {
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push(await enqueue(`+2279200${String(i).padStart(4, '0')}`, `m${i}`, 'bulk'));
    const g1 = new ScriptedGateway();
    const g2 = new ScriptedGateway();
    const [n1, n2] = await Promise.all([dispatcher(g1, 'p1').runOnce(), dispatcher(g2, 'p2').runOnce()]);
    const again = await Promise.all([dispatcher(g1, 'p1').runOnce(), dispatcher(g2, 'p2').runOnce()]);
    expect(n1 + n2 + again[0] + again[1]).toBe(40);
    const sent = [...g1.sent, ...g2.sent].map((m) => m.id);
    expect(new Set(sent).size).toBe(40);
    expect(sent).toHaveLength(40);
  });

  it('a retried enqueue with the same key queues once', async () => {
    const first = await ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone: '+22791000014', body: 'x', priority: 'reply', kind: 'reply', dedupKey: 'k1' }, clock()));
    const second = await ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone: '+22791000014', body: 'x', priority: 'reply', kind: 'reply', dedupKey: 'k1' }, clock()));
    expect(first.status).toBe('queued');
    expect(second).toEqual({ status: 'duplicate' });
  });
});

describe('retryDelay', () => {
  it('doubles from one second up to the maximum', async () => {
    const { retryDelay } = await import('../src/messaging/dispatcher.ts');
    expect([1, 2, 3, 4, 10].map((a) => retryDelay(a, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
