import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { Dispatcher } from '../src/messaging/dispatcher.ts';
import { createKannelGateway } from '../src/messaging/kannel-client.ts';
import { callupPendingHook, callupReplyHook, callupStopHook } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps, type CallupDeps } from '../src/services/callups/callup-deps.ts';
import { callupFeed } from '../src/services/callups/callup-sending.ts';
import { advanceCallups } from '../src/services/callups/callup-waves.ts';
import { callupStatus, createCallup, startCallup } from '../src/services/callups/callups.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { sqliteTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person } from './helpers/population.ts';
import { freePort, KannelHarness, kannelAvailable, musterMoUrl, waitUntil } from './kannel/kannel-harness.ts';
import { SmscSimulator } from './kannel/smsc-simulator.ts';

/**
 * A call-up end to end through real Kannel (bearerbox and smsbox over SMPP to a simulated operator):
 * the questions leave through the dispatcher and Kannel, the people's answers come back as inbound SMS
 * through Kannel's MO URL, and the fill count is exact. Skipped when Kannel is not installed, unless
 * MUSTER_REQUIRE_KANNEL=1 (see kannel/kannel-harness.ts).
 */

const TOKEN = 'test-gateway-token-0123456789';
const SHORT_CODE = '1234';

describe.skipIf(!kannelAvailable)('a call-up through real Kannel and an SMPP SMS centre', () => {
  let sim: SmscSimulator;
  let kannel: KannelHarness;
  let testDb: TestDatabase;
  let ctx: AppContext;
  let messaging: MessagingDeps;
  let callups: CallupDeps;
  let app: FastifyInstance;
  let dispatcher: Dispatcher | null = null;
  let gateway: { close(): void } | null = null;

  beforeAll(async () => {
    sim = new SmscSimulator();
    await sim.start();
    const musterPort = await freePort();
    kannel = new KannelHarness({
      smscPort: sim.port,
      moUrl: musterMoUrl(musterPort, TOKEN),
    });
    await kannel.start();
    await kannel.waitOnline();
    testDb = sqliteTestDatabase();
    ctx = await testDb.open({ clock: () => new Date() });
    const settings = { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: SHORT_CODE, smart: false };
    const nudge = () => dispatcher?.nudge();
    callups = createCallupDeps(ctx, { overAsk: 2, waveTimeoutMinutes: 60, smart: false }, { onQueued: nudge });
    messaging = createMessagingDeps(ctx, settings, { onQueued: nudge, callupReply: callupReplyHook(callups), callupPending: callupPendingHook(callups), callupStop: callupStopHook(callups) });
    app = await buildServer(ctx, { messaging: { deps: messaging, gatewayToken: TOKEN } });
    await app.listen({ port: musterPort, host: '127.0.0.1' });
    const kannelGateway = createKannelGateway({
      url: kannel.sendsmsUrl,
      username: 'app',
      password: 'apppw',
      defaultSender: SHORT_CODE,
      callbackUrl: `http://127.0.0.1:${musterPort}`,
      gatewayToken: TOKEN,
      timeoutMs: 5000,
      maxSockets: 10,
    });
    gateway = kannelGateway;
    dispatcher = new Dispatcher({ database: ctx.database, outbox: messaging.outbox, gateway: kannelGateway, clock: ctx.clock, feed: callupFeed(callups) }, { ratePerSecond: 500, concurrency: 10, leaseMs: 4000, retryMaxMs: 1000, pollMs: 50 });
    dispatcher.start();
  }, 60_000);

  afterAll(async () => {
    await dispatcher?.stop();
    gateway?.close();
    // Kannel first: its open connections to the MO URL would otherwise keep the server from closing.
    await kannel?.dispose();
    await app?.close();
    await sim?.stop();
    await testDb?.cleanup();
  });

  it('asks by SMS, takes the answers that come back, and fills the need exactly', { timeout: 90_000 }, async () => {
    const people = Array.from({ length: 12 }, () => person({ area: 'NE008001', roles: ['transport'], skills: [], language: 'fr' }));
    await insertPopulation(ctx, people);
    const now = new Date();
    const callup = await createCallup(callups, 'staff:coord', {
      title: 'Chauffeurs Niamey',
      needs: [{ role: 'transport', count: 3 }],
      areas: ['NE008001'],
      reportPlace: 'Garage central',
      reportAt: new Date(now.getTime() + 10 * 86400_000).toISOString(),
      answerBy: new Date(now.getTime() + 9 * 86400_000).toISOString(),
    });
    const started = await startCallup(callups, 'staff:coord', callup.id);
    expect(Object.values(started.asked)).toEqual([6]);
    const numbers = (phone: string) => phone.replace(/^\+/, '');
    // The six questions reach the operator through Kannel, in French, with the answer words.
    await waitUntil(() => sim.submitted.filter((m) => m.text.startsWith('Chauffeurs Niamey.')).length === 6, 20_000, 'six call-up questions at the SMS centre');
    const questioned = people.filter((p) => sim.textsTo(numbers(p.phone)).some((t) => t.startsWith('Chauffeurs Niamey.')));
    expect(questioned).toHaveLength(6);
    expect(sim.textsTo(numbers(questioned[0]?.phone ?? ''))[0]).toMatch(/Répondez OUI ou NON avant le/);
    // Delivery reports come back through Kannel: the people are counted as delivered.
    const allDelivered = async () => {
      await advanceCallups(callups, new Date());
      return (await callupStatus(callups, callup.id)).needs[0]?.delivered === 6;
    };
    await waitUntil(allDelivered, 20_000, 'delivery reports');

    // Four say yes, one says no, one never answers: three confirmed, one on standby.
    const answers = ['OUI', 'oui', 'NON', '1', 'Oui', null];
    await Promise.all(questioned.map((p, i) => (answers[i] ? sim.deliver(numbers(p.phone), SHORT_CODE, answers[i] ?? '') : Promise.resolve())));
    await waitUntil(() => questioned.slice(0, 5).every((p) => sim.textsTo(numbers(p.phone)).length >= 2), 20_000, 'the answers to the answers');
    const replies = questioned.slice(0, 5).map((p) => sim.textsTo(numbers(p.phone)).at(-1) ?? '');
    expect(replies.filter((r) => r.startsWith('Merci, vous êtes retenu(e) : Chauffeurs Niamey.'))).toHaveLength(3);
    expect(replies.filter((r) => r.includes('Vous êtes en réserve'))).toHaveLength(1);
    expect(replies[2]).toMatch(/noté que vous ne venez pas/);
    const status = await callupStatus(callups, callup.id);
    expect(status.callup.status).toBe('filled');
    expect(status.needs[0]).toMatchObject({ count: 3, confirmed: 3, yes: 3, standby: 1, no: 1, delivered: 1 });
    // Nobody was asked twice.
    for (const p of questioned) expect(sim.textsTo(numbers(p.phone)).filter((t) => t.startsWith('Chauffeurs Niamey.'))).toHaveLength(1);
  });
});
