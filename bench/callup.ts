/**
 * Call-up benchmark (not a test): `npm run bench:callup -- [--registry 1000000] [--ask 100000] [--answers 5000] [--runs 3] [--concurrency 32]`.
 *
 * Builds a synthetic registry once (SQLite, cached under bench/.data/callup-<registry>; each invocation
 * works on a copy, so that runs start from the same never-asked registry), or in DATABASE_URL (built
 * each time). Then in each run:
 * - preview: the counts per need and area and the first candidates (before the start);
 * - start: a national call-up whose first wave asks `ask` people (need ask/1.5, over-asking 1.5):
 *   selection (query, eligibility, rotation) and one recipient row per person, in one transaction;
 * - sending side: the questions queued into the outbox as a dispatcher does before sending (500 at a
 *   time: phone read and decrypted, text rendered, phone and text sealed), each batch then marked sent;
 * - answers: `answers` people answer YES at once (`concurrency` at a time), through the same answer
 *   handling as the SMS hook, until each is confirmed or on standby.
 * Prints a Markdown table with the median of the runs.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openAppContext, type AppContext } from '../src/app/app-context.ts';
import { answerCallup } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { closeCallup, createCallup, previewCallup, startCallup } from '../src/services/callups/callups.ts';
import { openField } from '../src/store/personal-fields.ts';
import { insertPopulation, person, type Person } from '../test/helpers/population.ts';

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: '1000000' },
    ask: { type: 'string', default: '100000' },
    answers: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    'build-only': { type: 'boolean', default: false },
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

/** Synthetic data only: a fixed key keeps the cached registry readable between invocations. */
const KEY = Buffer.alloc(32, 11).toString('base64');
const BUILT_AT = new Date('2026-11-23T08:00:00Z');

/** Fills a registry of REGISTRY people: 2/5 medical, all communes, 1 in 50 a minor, a third available within a week. */
async function fillRegistry(ctx: AppContext): Promise<void> {
  const communes = [...ctx.drive.areas.values()].filter((a) => ctx.drive.children(a.pcode).length === 0).map((a) => a.pcode);
  const roles = ['medical', 'medical', 'logistics', 'transport', 'defense'];
  const t = performance.now();
  for (let i = 0; i < REGISTRY; i += 20_000) {
    const batch: Person[] = [];
    for (let j = i; j < Math.min(REGISTRY, i + 20_000); j++) {
      batch.push(person({ area: communes[j % communes.length] ?? 'NE008001', roles: [roles[j % roles.length] ?? 'medical'], skills: [], availability: j % 3 === 0 ? 'within_week' : 'immediate', birthYear: j % 50 === 0 ? 2010 : 1970 + (j % 35) }));
    }
    await insertPopulation(ctx, batch);
    if ((i / 20_000) % 10 === 0) log(`registry ${i + batch.length}/${REGISTRY} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  }
  log(`registry of ${REGISTRY} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** A SQLite copy of the cached registry (built first if missing) in `dataDir`. */
async function cachedRegistry(dataDir: string): Promise<void> {
  const cacheDir = resolve(join(import.meta.dirname, '.data', `callup-${REGISTRY}`));
  if (!existsSync(join(cacheDir, 'muster.db'))) {
    const building = `${cacheDir}.building`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const ctx = await openAppContext({ dataDir: building, envKey: KEY, clock: () => BUILT_AT });
    try {
      await fillRegistry(ctx);
    } finally {
      await ctx.database.close();
    }
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    // Closing the last connection checkpoints the write-ahead log into the file; copy it anyway if left.
    for (const f of ['muster.db-wal', 'muster.db']) if (existsSync(join(building, f))) copyFileSync(join(building, f), join(cacheDir, f));
    rmSync(building, { recursive: true, force: true });
  }
  const t = performance.now();
  for (const f of ['muster.db-wal', 'muster.db']) if (existsSync(join(cacheDir, f))) copyFileSync(join(cacheDir, f), join(dataDir, f));
  log(`cached registry copied in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-bench-callup-'));
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (!databaseUrl) await cachedRegistry(dataDir);
  let now = new Date(BUILT_AT.getTime() + 3600_000);
  const ctx = await openAppContext({ dataDir, databaseUrl, envKey: KEY, clock: () => now });
  try {
    if (databaseUrl) await fillRegistry(ctx);
    if (values['build-only']) return;
    const deps = createCallupDeps(ctx, { overAsk: 1.5, waveTimeoutMinutes: 120, smart: false });
    const rows: { preview: number; previewCpu: number; start: number; startCpu: number; asked: number; queueCpu: number; answers: number; perSecond: number; confirmed: number }[] = [];
    const cpuSeconds = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1e6;
    };
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
      // The previous run's writes (100,000 outbox and recipient rows, their updates) are checkpointed
      // first, so that the background checkpointer's work on them is not counted in this run.
      if (ctx.database.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(ctx.database.db);
      let t = performance.now();
      let cpu = process.cpuUsage();
      await previewCallup(deps, 'system:bench', callup.id);
      const preview = (performance.now() - t) / 1000;
      const previewCpu = cpuSeconds(cpu);
      t = performance.now();
      cpu = process.cpuUsage();
      const started = await startCallup(deps, 'system:bench', callup.id);
      const start = (performance.now() - t) / 1000;
      const startCpu = cpuSeconds(cpu);
      const asked = Object.values(started.asked).reduce((a, b) => a + b, 0);
      // The messages go out as a dispatcher sends them: a yes must not meet a withdrawn question.
      cpu = process.cpuUsage();
      for (;;) {
        const queued = await queueCallupQuestions(deps, now, 500);
        await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent', sent_at: now.toISOString() }).where('status', '=', 'queued').execute());
        if (queued === 0) break;
      }
      const queueCpu = cpuSeconds(cpu);
      const recipients = await ctx.database.db
        .selectFrom('callup_recipients as cr')
        .innerJoin('volunteers as v', 'v.id', 'cr.volunteer_id')
        .select(['v.id', 'v.personal_enc', 'v.phone_enc'])
        .where('cr.callup_id', '=', callup.id)
        .limit(ANSWERS)
        .execute();
      const phones = recipients.map((r) => openField(ctx.cipher, r, 'phone'));
      let confirmed = 0;
      t = performance.now();
      for (let i = 0; i < phones.length; i += CONCURRENCY) {
        const outcomes = await Promise.all(phones.slice(i, i + CONCURRENCY).map((phone) => answerCallup(deps, { phone, text: 'YES', now })));
        confirmed += outcomes.filter((o) => o.outcome === 'confirmed').length;
      }
      const answerSeconds = (performance.now() - t) / 1000;
      // Closed, so that the next run's answers are not to two open call-ups at once.
      await closeCallup(deps, 'system:bench', callup.id);
      rows.push({ preview, previewCpu, start, startCpu, asked, queueCpu, answers: phones.length, perSecond: phones.length / answerSeconds, confirmed });
      log(`run ${run + 1}: preview ${preview.toFixed(2)} s (${previewCpu.toFixed(2)} CPU s); asked ${asked} in ${start.toFixed(2)} s (${startCpu.toFixed(2)} CPU s); queued for sending in ${queueCpu.toFixed(2)} CPU s; `);
      log(`  ${phones.length} answers at ${(phones.length / answerSeconds).toFixed(0)}/s (${confirmed} confirmed)`);
    }
    console.log(`\nCall-ups on ${ctx.database.dialect}, registry ${REGISTRY}, ${RUNS} runs (median)\n`);
    console.log('| measure | median | goal |');
    console.log('|---|---|---|');
    console.log(`| preview (counts per need and area, first candidates) (s) | ${median(rows.map((r) => r.preview)).toFixed(2)} | |`);
    console.log(`| the same, CPU seconds | ${median(rows.map((r) => r.previewCpu)).toFixed(2)} | |`);
    console.log(`| select and queue ${median(rows.map((r) => r.asked))} recipients (s) | ${median(rows.map((r) => r.start)).toFixed(2)} | <= 5 s for 100,000 from 1M |`);
    console.log(`| the same, CPU seconds of the process (all threads) | ${median(rows.map((r) => r.startCpu)).toFixed(2)} | |`);
    console.log(`| sending side: questions queued 500 at a time as a dispatcher does, CPU s for all (µs per question) | ${median(rows.map((r) => r.queueCpu)).toFixed(2)} (${((median(rows.map((r) => r.queueCpu)) / Math.max(1, median(rows.map((r) => r.asked)))) * 1e6).toFixed(0)}) | |`);
    console.log(`| answers processed per second (${median(rows.map((r) => r.answers))} YES, ${CONCURRENCY} at a time) | ${median(rows.map((r) => r.perSecond)).toFixed(0)} | >= 1,000/s |`);
  } finally {
    await ctx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
