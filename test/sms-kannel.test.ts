import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { Dispatcher } from '../src/messaging/dispatcher.ts';
import { createKannelGateway } from '../src/messaging/kannel-client.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { sqliteTestDatabase, TEST_KEY, type TestDatabase } from './helpers/databases.ts';
import { freePort, KannelHarness, kannelAvailable, musterMoUrl, waitUntil } from './kannel/kannel-harness.ts';
import { SmscSimulator } from './kannel/smsc-simulator.ts';

const TOKEN = 'test-gateway-token-0123456789';
const SHORT_CODE = '1234';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!kannelAvailable)('SMS through real Kannel and an SMPP SMS centre', () => {
  let sim: SmscSimulator;
  let kannel: KannelHarness;
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: MessagingDeps;
  let app: FastifyInstance;
  let musterPort: number;
  let dispatcher: Dispatcher | null = null;
  /** Inbound messages from this number get their answer to Kannel dropped once (see the retry test). */
  let dropAnswerTo: string | null = null;
  let dropped = 0;
  let callsFromDropped = 0;
  const gateways: Array<{ close(): void }> = [];

  const gatewayOptions = () => ({
    url: kannel.sendsmsUrl,
    username: 'app',
    password: 'apppw',
    defaultSender: SHORT_CODE,
    callbackUrl: `http://127.0.0.1:${musterPort}`,
    gatewayToken: TOKEN,
    timeoutMs: 5000,
    maxSockets: 10,
  });
  const startDispatcher = (ratePerSecond = 500) => {
    const gateway = createKannelGateway(gatewayOptions());
    gateways.push(gateway);
    dispatcher = new Dispatcher({ database: ctx.database, outbox: deps.outbox, gateway, clock: ctx.clock }, { ratePerSecond, concurrency: 10, leaseMs: 4000, retryMaxMs: 1000, pollMs: 50 });
    dispatcher.start();
    return dispatcher;
  };
  const stopDispatcher = async () => {
    await dispatcher?.stop();
    dispatcher = null;
  };
  const enqueue = (phone: string, body: string, priority: 'reply' | 'bulk' = 'reply') =>
    ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone, body, priority, kind: priority }, ctx.clock())).then((r) => {
      dispatcher?.nudge();
      if (r.status !== 'queued') throw new Error(`not queued: ${r.status}`);
      return r.id;
    });
  const row = (id: string) => ctx.database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    sim = new SmscSimulator();
    await sim.start();
    musterPort = await freePort();
    kannel = new KannelHarness({
      smscPort: sim.port,
      moUrl: musterMoUrl(musterPort, TOKEN),
    });
    await kannel.start();
    await kannel.waitOnline();
    testDb = sqliteTestDatabase();
    ctx = await testDb.open({ clock: () => new Date() });
    deps = createMessagingDeps(ctx, { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: SHORT_CODE, smart: false }, { onQueued: () => dispatcher?.nudge() });
    app = await buildServer(ctx, { messaging: { deps, gatewayToken: TOKEN } });
    app.addHook('onSend', async (request, reply, payload) => {
      const query = request.query as { from?: string };
      if (request.url.startsWith('/api/v1/gateway/kannel/mo') && query.from?.replace(/^\+/, '') === dropAnswerTo) {
        callsFromDropped += 1;
        if (dropped === 0) {
          dropped += 1;
          reply.raw.destroy();
        }
      }
      return payload;
    });
    await app.listen({ port: musterPort, host: '127.0.0.1' });
    startDispatcher();
  }, 60_000);

  afterAll(async () => {
    await stopDispatcher();
    for (const g of gateways) g.close();
    await app?.close();
    await kannel?.dispose();
    await sim?.stop();
    await testDb?.cleanup();
  });

  it('sends through Kannel and records the delivery report, delivered or failed', async () => {
    sim.failing.add('22790000299');
    const ok = await enqueue('+22790000201', 'Bonjour de Muster');
    const bad = await enqueue('+22790000299', 'Ce numéro échoue');
    await waitUntil(async () => (await row(ok)).status === 'delivered' && (await row(bad)).status === 'failed', 15_000, 'delivery reports');
    expect(sim.textsTo('22790000201')).toEqual(['Bonjour de Muster']);
    expect(sim.textsTo('22790000299')).toEqual(['Ce numéro échoue']);
    const delivered = await row(ok);
    expect(delivered).toMatchObject({ status: 'delivered', dlr_status: 1, attempts: 1 });
    expect(delivered.sent_at).not.toBeNull();
    expect(delivered.delivered_at! >= delivered.sent_at!).toBe(true);
    expect(await row(bad)).toMatchObject({ status: 'failed', dlr_status: 2 });
  });

  /** Sends one SMS from a phone and waits for Muster's answer to reach the SMS centre. */
  async function converse(from: string, text: string): Promise<string> {
    const before = sim.textsTo(from).length;
    await sim.deliver(from, SHORT_CODE, text);
    await waitUntil(() => sim.textsTo(from).length > before, 15_000, `an answer to "${text}"`);
    return sim.textsTo(from).at(-1) ?? '';
  }

  it('registers a person by SMS end to end, in Hausa, with UCS-2 both ways', async () => {
    const from = '22790000202';
    const regions = ctx.drive.children(null);
    const niamey = String(regions.findIndex((a) => a.name === 'Niamey') + 1);
    expect(await converse(from, 'HAUSA')).toContain('Sunanka na farko');
    expect(await converse(from, 'Ɗanjuma')).toContain('Sunan iyalinka');
    expect(await converse(from, 'Ƙarami')).toContain('Shekarar haihuwarka');
    expect(await converse(from, '1990')).toContain('Jiharka');
    expect(await converse(from, niamey)).toContain('Gundumarka');
    const roles = await converse(from, '1');
    expect(roles).toContain('lamba ɗaya ko fiye');
    const rolesSms = sim.submitted.filter((m) => m.to === from).at(-1);
    expect(rolesSms?.dataCoding).toBe(8);
    expect(await converse(from, '2')).toContain('Amsa 1 don yarda');
    const done = await converse(from, '1');
    expect(done).toMatch(/^An yi rajista\. Lambar shaida: [0-9A-Z]{4}-[0-9A-Z]{4}\./);
    const id = await ctx.volunteers.phoneTakenBy(ctx.database.db, `+${from}`);
    const volunteer = await ctx.volunteers.get(ctx.database.db, id ?? '');
    expect(volunteer).toMatchObject({ givenName: 'Ɗanjuma', familyName: 'Ƙarami', birthYear: 1990, channel: 'sms', roles: ['medical'], consent: { language: 'ha' } });
    expect(done).toContain(volunteer?.reference ?? 'missing');
  });

  it('STOP: stops messages, withdraws, and says so', async () => {
    const from = '22790000203';
    await converse(from, 'FR');
    const answer = await converse(from, 'STOP');
    expect(answer).toBe('Vous ne recevrez plus de messages de Muster. Envoyez INSCRIPTION pour vous inscrire.');
    expect(await deps.conversations.isOptedOut(ctx.database.db, ctx.cipher.blindIndex('phone', `+${from}`))).toBe(true);
    const refused = await ctx.database.write((trx) => deps.outbox.enqueue(trx, { phone: `+${from}`, body: 'call-up', priority: 'bulk', kind: 'callup' }, ctx.clock()));
    expect(refused).toEqual({ status: 'opted_out' });
  });

  it('handles once a message that Kannel delivers again with the same id', async () => {
    const from = '22790000204';
    // The first delivery is handled but its answer to Kannel is lost: Kannel retries with the same %I.
    dropAnswerTo = from;
    await sim.deliver(from, SHORT_CODE, 'AIDE');
    await waitUntil(async () => (await ctx.database.db.selectFrom('inbound_messages').selectAll().where('phone_hash', '=', ctx.cipher.blindIndex('phone', `+${from}`)).execute()).length === 1, 10_000, 'the inbound message');
    await waitUntil(() => sim.textsTo(from).length === 1, 10_000, 'the answer');
    // Give Kannel time to retry (http-queue-delay = 1 s) and Muster to (not) answer again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(dropped).toBe(1);
    // Kannel did call again with the same id, and Muster answered the person once.
    expect(callsFromDropped).toBeGreaterThanOrEqual(2);
    expect(sim.textsTo(from)).toHaveLength(1);
  });

  it('keeps messages while Kannel is down and sends each once when it is back', async () => {
    await kannel.stop();
    const phones = ['+22790000211', '+22790000212', '+22790000213'];
    const ids: string[] = [];
    for (const phone of phones) ids.push(await enqueue(phone, `pendant la panne ${phone}`));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const id of ids) expect((await row(id)).status).toBe('queued');
    expect((await row(ids[0] ?? '')).attempts).toBeGreaterThanOrEqual(1);
    await kannel.start();
    await kannel.waitOnline();
    await waitUntil(async () => (await Promise.all(ids.map(row))).every((r) => r.status === 'delivered'), 20_000, 'delivery after the outage');
    for (const phone of phones) expect(sim.textsTo(phone.slice(1))).toEqual([`pendant la panne ${phone}`]);
  });

  it('respects the messages-per-second limit', async () => {
    await stopDispatcher();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await enqueue(`+2279100${String(i).padStart(4, '0')}`, `débit ${i}`, 'bulk'));
    const started = Date.now();
    startDispatcher(20);
    await waitUntil(async () => (await Promise.all(ids.map(row))).every((r) => r.status === 'delivered'), 30_000, 'rate-limited sends');
    const arrivals = sim.submitted.filter((m) => m.text.startsWith('débit ')).map((m) => m.at);
    expect(arrivals).toHaveLength(50);
    // A bucket of 20 then 20 per second: 50 messages cannot all arrive within 1.5 s.
    expect(Math.max(...arrivals) - started).toBeGreaterThanOrEqual(1400);
    await stopDispatcher();
    startDispatcher();
  });

  it('loses nothing and sends nothing twice when the worker process is killed mid-dispatch', async () => {
    await stopDispatcher();
    const count = 150;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await enqueue(`+2279200${String(i).padStart(4, '0')}`, `appel ${i}`, 'bulk'));
    const env = {
      ...process.env,
      MUSTER_DATA: testDb.dataDir,
      MUSTER_KEY: TEST_KEY,
      MUSTER_KANNEL_URL: kannel.sendsmsUrl,
      MUSTER_KANNEL_USER: 'app',
      MUSTER_KANNEL_PASSWORD: 'apppw',
      MUSTER_SMS_FROM: SHORT_CODE,
      MUSTER_CALLBACK_URL: `http://127.0.0.1:${musterPort}`,
      MUSTER_GATEWAY_TOKEN: TOKEN,
      // Batches of 30 at 30 per second: the first goes at once (full bucket), the second is paced, so
      // at 40 received the worker is in the middle of a batch.
      MUSTER_SMS_RATE: '30',
      MUSTER_SMS_LEASE_MS: '4000',
      MUSTER_SMS_RETRY_MAX_MS: '1000',
      MUSTER_SMS_POLL_MS: '50',
    };
    const startWorker = (): ChildProcess => spawn(process.execPath, [`${ROOT}bin/muster.js`, 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const received = () => sim.submitted.filter((m) => m.text.startsWith('appel ')).length;
    const first = startWorker();
    await waitUntil(() => received() >= 40, 30_000, 'the worker to send some');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = received();
    expect(atKill).toBeLessThan(count);
    // The worker died holding messages: claimed, some handed to Kannel, not yet settled.
    const held = await ctx.database.db.selectFrom('outbox').select('id').where('status', '=', 'sending').where('id', 'in', ids).execute();
    expect(held.length).toBeGreaterThan(0);
    const second = startWorker();
    try {
      await waitUntil(async () => (await Promise.all(ids.map(row))).every((r) => r.status === 'delivered'), 60_000, 'every message delivered after the restart');
      // Past the lease of anything the killed worker held: nothing more may arrive.
      await new Promise((resolve) => setTimeout(resolve, 5000));
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
    const texts = sim.submitted.filter((m) => m.text.startsWith('appel ')).map((m) => m.text);
    expect(texts).toHaveLength(count);
    expect(new Set(texts).size).toBe(count);
    startDispatcher();
  }, 120_000);
});
