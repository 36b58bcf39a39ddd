/**
 * The duplicate check on one new registration, at registry scale: `npm run bench:dedup-check --
 * --sizes 100000,1000000 --checks 2000 --runs 3`.
 *
 * For each size, fills a SQLite registry (cached under bench/.data/dedup-check-<size>) with synthetic
 * Nigerien volunteers through the bulk path (same rules, duplicate-check keys indexed), then times
 * `flagPossibleDuplicates` alone for new registrations (10% of them second registrations of people
 * already there): key lookup, reading and decrypting the candidates, scoring, writing the pairs and
 * keys. Each check runs in its own write transaction, rolled back, so the registry stays the same from
 * run to run. Prints p50, p95 and p99 (medians over the runs) in a table.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openAppContext, type AppContext } from '../src/app/app-context.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import type { PersonRecord } from '../src/dedup/person-record.ts';
import { validateRegistration } from '../src/domain/validate-registration.ts';
import type { NewVolunteer } from '../src/store/volunteer-rows.ts';
import { bulkRegister, type BulkItem } from '../src/services/bulk-register.ts';
import { currentDedupModel } from '../src/services/dedup/dedup-model.ts';
import { flagPossibleDuplicates, personRecordOf } from '../src/services/dedup/flag-duplicates.ts';
import { newReference, uuidv7 } from '../src/store/ids.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, checks: { type: 'string' }, runs: { type: 'string' } } });
const sizes = (values.sizes ?? '100000').split(',').map(Number);
const checks = Number(values.checks ?? 2000);
const runs = Number(values.runs ?? 3);
/** Synthetic data only: a fixed key keeps cached registries readable between runs. */
const KEY = Buffer.alloc(32, 42).toString('base64');
const TODAY = new Date('2026-06-15T10:00:00Z');

class Rollback extends Error {}

async function registry(size: number): Promise<AppContext> {
  const dataDir = resolve(join(import.meta.dirname, '.data', `dedup-check-${size}`));
  const fresh = !existsSync(join(dataDir, 'muster.db'));
  mkdirSync(dataDir, { recursive: true });
  const ctx = await openAppContext({ dataDir, envKey: KEY, clock: () => TODAY });
  if (!fresh) return ctx;
  const started = performance.now();
  let batch: BulkItem[] = [];
  let done = 0;
  for (const v of generateForDrive(ctx.drive, { count: size, seed: 5, duplicateRate: 0.1, today: TODAY })) {
    batch.push({ input: v.input, channel: v.channel });
    if (batch.length === 5000) {
      done += (await bulkRegister(ctx, batch, 'system:bench')).created;
      batch = [];
      process.stderr.write(`\rfilling ${size}: ${done}`);
    }
  }
  if (batch.length > 0) done += (await bulkRegister(ctx, batch, 'system:bench')).created;
  process.stderr.write(`\rfilled ${size}: ${done} volunteers in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return ctx;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const rows: string[] = [];
for (const size of sizes) {
  const ctx = await registry(size);
  const model = await currentDedupModel(ctx.database);
  // New people and second registrations of the registry's people (same generator, same seed: its
  // first `size` draws are the registry, the next ones are new registrations).
  const newcomers: Array<{ row: NewVolunteer; record: PersonRecord }> = [];
  let k = 0;
  for (const v of generateForDrive(ctx.drive, { count: size + checks, seed: 5, duplicateRate: 0.1, today: TODAY })) {
    if (k++ < size) continue;
    // A second registration with the same phone is refused before any check: not what is measured.
    const check = validateRegistration({ ...v.input, phone: `+22788${String(k % 1_000_000).padStart(6, '0')}` }, ctx.drive, { now: TODAY, channel: v.channel });
    if (!check.ok) continue;
    const id = uuidv7();
    const row: NewVolunteer = { id, reference: newReference(), requestHash: id, registration: check.value, channel: v.channel, capturedBy: 'system:bench', now: TODAY.toISOString() };
    newcomers.push({ row, record: personRecordOf({ ...check.value, id }) });
  }
  const p50: number[] = [];
  const p95: number[] = [];
  const p99: number[] = [];
  let flagged = 0;
  for (let run = 0; run < runs; run++) {
    const times: number[] = [];
    flagged = 0;
    for (const { row, record } of newcomers) {
      await ctx.database
        .write(async (trx) => {
          // The registration's own row comes first, as in registerVolunteer (not timed).
          if (!(await ctx.volunteers.insert(trx, row))) throw new Rollback(); // phone already taken: skipped
          const started = performance.now();
          flagged += (await flagPossibleDuplicates(trx, ctx, model, record, TODAY.toISOString())) > 0 ? 1 : 0;
          times.push(performance.now() - started);
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
    }
    times.sort((a, b) => a - b);
    p50.push(percentile(times, 50));
    p95.push(percentile(times, 95));
    p99.push(percentile(times, 99));
  }
  rows.push(`| ${size} | ${checks} | ${flagged} | ${median(p50).toFixed(2)} | ${median(p95).toFixed(2)} | ${median(p99).toFixed(2)} |`);
  await ctx.database.close();
}

console.log(`\n# Duplicate check on one new registration (SQLite; medians of ${runs} runs)\n`);
console.log('| registry | checks | flagged for review | p50 ms | p95 ms | p99 ms |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
