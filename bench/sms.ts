/**
 * SMS dispatch benchmark (not a test): `npm run bench:sms -- [--messages 1000] [--runs 3] [--concurrency 10] [--inbound 300]`.
 *
 * Starts real Kannel (bearerbox + smsbox, free loopback ports) bound over SMPP to the project's SMS
 * centre simulator, and in each run measures, on the same Kannel:
 * - Kannel's own sendsms rate: N messages sent straight to sendsms by a plain HTTP client with the
 *   same number of connections and the same delivery-report URL, until the simulator has them all;
 * - Muster's rate: N messages queued in the outbox (SQLite), sent by the dispatcher (rate limit out of
 *   the way), until the simulator has them all; then until every delivery report is recorded;
 * - inbound: M messages injected by the simulator (HELP from M phones) until Muster has handled them.
 * Prints a Markdown table with medians of the runs and the ratio Muster / Kannel.
 */
import type { FastifyInstance } from 'fastify';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openAppContext, type AppContext } from '../src/app/app-context.ts';
import { buildServer } from '../src/http/build-server.ts';
import { Dispatcher } from '../src/messaging/dispatcher.ts';
import { createKannelGateway, deliveryReportUrl } from '../src/messaging/kannel-client.ts';
import { createMessagingDeps, type MessagingDeps } from '../src/services/messaging/messaging-deps.ts';
import { freePort, KannelHarness, kannelAvailable, waitUntil } from '../test/kannel/kannel-harness.ts';
import { SmscSimulator } from '../test/kannel/smsc-simulator.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '10' }, inbound: { type: 'string', default: '300' } },
});
const N = Number(values.messages);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const INBOUND = Number(values.inbound);
const TOKEN = 'bench-gateway-token-0123456789';
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!kannelAvailable) {
  console.log('Kannel is not installed (apt-get install kannel): nothing to measure.');
  process.exit(0);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const sim = new SmscSimulator();
  await sim.start();
  const musterPort = await freePort();
  const kannel = new KannelHarness({ smscPort: sim.port, moUrl: `http://127.0.0.1:${musterPort}/api/v1/gateway/kannel/mo?id=%I&from=%p&to=%P&text=%a&token=${TOKEN}` });
  await kannel.start();
  await kannel.waitOnline();
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-bench-sms-'));
  const ctx: AppContext = await openAppContext({ dataDir, envKey: Buffer.alloc(32, 9).toString('base64') });
  let dispatcher: Dispatcher | null = null;
  const deps: MessagingDeps = createMessagingDeps(ctx, { conversationTtlMs: 3600_000, ussdTtlMs: 180_000, sender: '1234', smart: false }, { onQueued: () => dispatcher?.nudge() });
  const app: FastifyInstance = await buildServer(ctx, { messaging: { deps, gatewayToken: TOKEN } });
  await app.listen({ port: musterPort, host: '127.0.0.1' });
  const options = { url: kannel.sendsmsUrl, username: 'app', password: 'apppw', defaultSender: '1234', callbackUrl: `http://127.0.0.1:${musterPort}`, gatewayToken: TOKEN, timeoutMs: 10_000, maxSockets: CONCURRENCY };
  const gateway = createKannelGateway(options);
  dispatcher = new Dispatcher({ database: ctx.database, outbox: deps.outbox, gateway, clock: ctx.clock }, { ratePerSecond: 100_000, concurrency: CONCURRENCY, leaseMs: 60_000, retryMaxMs: 1000, pollMs: 20, batchSize: 200 });
  dispatcher.start();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let phone = 0;
  const nextPhone = () => `+2279${String(3000000 + ++phone).slice(-7)}`;

  const rows: Array<{ kannel: number; muster: number; dlr: number; inbound: number }> = [];
  for (let run = 1; run <= RUNS; run++) {
    // Kannel alone.
    const tag = `k${run}-`;
    const base = sim.submitted.length;
    const t0 = performance.now();
    let next = 0;
    const direct = async () => {
      while (next < N) {
        const i = next++;
        const url = new URL('/cgi-bin/sendsms', kannel.sendsmsUrl);
        const p = url.searchParams;
        p.set('username', 'app');
        p.set('password', 'apppw');
        p.set('to', nextPhone().slice(1));
        p.set('from', '1234');
        p.set('text', `${tag}${i} Bonjour, ceci est un message de test`);
        p.set('charset', 'UTF-8');
        p.set('coding', '0');
        p.set('dlr-mask', '31');
        p.set('dlr-url', deliveryReportUrl(options, '00000000-0000-7000-8000-000000000000'));
        await new Promise<void>((resolve, reject) => {
          http.get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          }).on('error', reject);
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, direct));
    await waitUntil(() => sim.submitted.length - base >= N, 120_000, 'Kannel-only messages at the SMS centre');
    const kannelRate = N / ((performance.now() - t0) / 1000);
    await sleep(1000);

    // Muster: outbox -> dispatcher -> Kannel.
    const base2 = sim.submitted.length;
    const ids: string[] = [];
    await ctx.database.write(async (trx) => {
      for (let i = 0; i < N; i++) {
        const r = await deps.outbox.enqueue(trx, { phone: nextPhone(), body: `m${run}-${i} Bonjour, ceci est un message de test`, priority: 'bulk', kind: 'bench' }, ctx.clock());
        if (r.status === 'queued') ids.push(r.id);
      }
    });
    const t1 = performance.now();
    dispatcher.nudge();
    await waitUntil(() => sim.submitted.length - base2 >= N, 120_000, 'Muster messages at the SMS centre');
    const musterRate = N / ((performance.now() - t1) / 1000);
    await waitUntil(
      async () => Number((await ctx.database.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('id', 'in', ids).where('status', '=', 'delivered').executeTakeFirstOrThrow()).n) === N,
      120_000,
      'delivery reports',
    );
    const dlrRate = N / ((performance.now() - t1) / 1000);
    await sleep(1000);

    // Inbound: HELP from M phones.
    const before = Number((await ctx.database.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const t2 = performance.now();
    await Promise.all(Array.from({ length: INBOUND }, () => sim.deliver(nextPhone().slice(1), '1234', 'AIDE')));
    await waitUntil(
      async () => Number((await ctx.database.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) - before >= INBOUND,
      120_000,
      'inbound messages handled',
    );
    const inboundRate = INBOUND / ((performance.now() - t2) / 1000);
    rows.push({ kannel: kannelRate, muster: musterRate, dlr: dlrRate, inbound: inboundRate });
    log(`run ${run}: Kannel alone ${kannelRate.toFixed(0)}/s, Muster ${musterRate.toFixed(0)}/s (ratio ${(musterRate / kannelRate).toFixed(2)}), with all reports ${dlrRate.toFixed(0)}/s, inbound ${inboundRate.toFixed(0)}/s`);
    await sleep(2000);
  }

  const k = median(rows.map((r) => r.kannel));
  const m = median(rows.map((r) => r.muster));
  console.log(`## SMS dispatch (\`npm run bench:sms -- --messages ${N} --runs ${RUNS} --concurrency ${CONCURRENCY} --inbound ${INBOUND}\`)\n`);
  console.log(`- Machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}; Node ${process.version}; Kannel (bearerbox + smsbox) and the SMPP simulator on the same machine; SQLite outbox`);
  console.log(`- ${N} messages per run and side, ${CONCURRENCY} HTTP connections to sendsms on both sides, dlr-mask 31 with a dlr-url on both sides; ${INBOUND} inbound messages per run\n`);
  console.log('| run | Kannel sendsms alone (msg/s) | Muster outbox -> Kannel (msg/s) | ratio | Muster incl. all delivery reports recorded (msg/s) | inbound handled (msg/s) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  rows.forEach((r, i) => console.log(`| ${i + 1} | ${r.kannel.toFixed(0)} | ${r.muster.toFixed(0)} | ${(r.muster / r.kannel).toFixed(2)} | ${r.dlr.toFixed(0)} | ${r.inbound.toFixed(0)} |`));
  console.log(`| median | ${k.toFixed(0)} | ${m.toFixed(0)} | ${(m / k).toFixed(2)} | ${median(rows.map((r) => r.dlr)).toFixed(0)} | ${median(rows.map((r) => r.inbound)).toFixed(0)} |`);

  await dispatcher.stop();
  gateway.close();
  agent.destroy();
  await app.close();
  await kannel.dispose();
  await sim.stop();
  await ctx.database.close();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
