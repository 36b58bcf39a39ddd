/**
 * Call-up benchmark (not a test): `npm run bench:callup -- [--registry 1000000] [--ask 100000] [--answers 5000] [--runs 3] [--concurrency 32]`.
 *
 * Builds a synthetic registry (SQLite in a temporary directory, or DATABASE_URL), then in each run:
 * - start: a national call-up whose first wave asks `ask` people (need ask/1.5, over-asking 1.5):
 *   selection (query, eligibility, rotation) and queueing of every message in one transaction;
 * - answers: `answers` people answer YES at once (`concurrency` at a time), through the same answer
 *   handling as the SMS hook, until each is confirmed or on standby.
 * Prints a Markdown table with the median of the runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openAppContext } from '../src/app/app-context.ts';
import { answerCallup } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { closeCallup, createCallup, startCallup } from '../src/services/callups/callups.ts';
import { insertPopulation, person, type Person } from '../test/helpers/population.ts';

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: '1000000' },
    ask: { type: 'string', default: '100000' },
    answers: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
  },
});
const REGISTRY = Number(values.registry);
const ASK = Number(values.ask);
const ANSWERS = Number(values.answers);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-bench-callup-'));
  let now = new Date('2026-11-23T08:00:00Z');
  const ctx = await openAppContext({ dataDir, databaseUrl: process.env.DATABASE_URL || undefined, envKey: Buffer.alloc(32, 11).toString('base64'), clock: () => now });
  try {
    const communes = [...ctx.drive.areas.values()].filter((a) => ctx.drive.children(a.pcode).length === 0).map((a) => a.pcode);
    const roles = ['medical', 'medical', 'logistics', 'transport', 'defense'];
    const phoneOf = new Map<string, string>();
    let t = performance.now();
    for (let i = 0; i < REGISTRY; i += 20_000) {
      const batch: Person[] = [];
      for (let j = i; j < Math.min(REGISTRY, i + 20_000); j++) {
        const p = person({ area: communes[j % communes.length] ?? 'NE008001', roles: [roles[j % roles.length] ?? 'medical'], skills: [], availability: j % 3 === 0 ? 'within_week' : 'immediate', birthYear: j % 50 === 0 ? 2010 : 1970 + (j % 35) });
        phoneOf.set(p.id, p.phone);
        batch.push(p);
      }
      await insertPopulation(ctx, batch);
      if ((i / 20_000) % 10 === 0) log(`registry ${i + batch.length}/${REGISTRY} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    }
    log(`registry of ${REGISTRY} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const deps = createCallupDeps(ctx, { overAsk: 1.5, waveTimeoutMinutes: 120, smart: false });
    const rows: { start: number; asked: number; answers: number; perSecond: number; confirmed: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      now = new Date(now.getTime() + 3600_000);
      const callup = await createCallup(deps, 'system:bench', {
        title: `Bench ${run + 1}`,
        needs: [{ role: 'medical', count: Math.ceil(ASK / 1.5) }],
        areas: ctx.drive.children(null).map((a) => a.pcode),
        reportPlace: 'Chef-lieu',
        reportAt: new Date(now.getTime() + (10 + run * 3) * 86400_000).toISOString(),
        answerBy: new Date(now.getTime() + (9 + run * 3) * 86400_000).toISOString(),
      });
      t = performance.now();
      const started = await startCallup(deps, 'system:bench', callup.id);
      const start = (performance.now() - t) / 1000;
      const asked = Object.values(started.asked).reduce((a, b) => a + b, 0);
      // The messages have gone out: a yes must not meet a withdrawn question.
      await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'queued').execute());
      const recipients = await ctx.database.db.selectFrom('callup_recipients').select('volunteer_id').where('callup_id', '=', callup.id).limit(ANSWERS).execute();
      const phones = recipients.map((r) => phoneOf.get(r.volunteer_id) ?? '');
      let confirmed = 0;
      t = performance.now();
      for (let i = 0; i < phones.length; i += CONCURRENCY) {
        const outcomes = await Promise.all(phones.slice(i, i + CONCURRENCY).map((phone) => answerCallup(deps, { phone, text: 'YES', now })));
        confirmed += outcomes.filter((o) => o.outcome === 'confirmed').length;
      }
      const answerSeconds = (performance.now() - t) / 1000;
      // Closed, so that the next run's answers are not to two open call-ups at once.
      await closeCallup(deps, 'system:bench', callup.id);
      rows.push({ start, asked, answers: phones.length, perSecond: phones.length / answerSeconds, confirmed });
      log(`run ${run + 1}: asked ${asked} in ${start.toFixed(2)} s; ${phones.length} answers at ${(phones.length / answerSeconds).toFixed(0)}/s (${confirmed} confirmed)`);
    }
    console.log(`\nCall-ups on ${ctx.database.dialect}, registry ${REGISTRY}, ${RUNS} runs (median)\n`);
    console.log('| measure | median | goal |');
    console.log('|---|---|---|');
    console.log(`| select and queue ${median(rows.map((r) => r.asked))} recipients (s) | ${median(rows.map((r) => r.start)).toFixed(2)} | <= 5 s for 100,000 from 1M |`);
    console.log(`| answers processed per second (${median(rows.map((r) => r.answers))} YES, ${CONCURRENCY} at a time) | ${median(rows.map((r) => r.perSecond)).toFixed(0)} | >= 1,000/s |`);
  } finally {
    await ctx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
