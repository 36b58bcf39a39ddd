import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { createCallup, startCallup } from '../src/services/callups/callups.ts';
import { FIXED_NOW, postgresAvailable, postgresTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person } from './helpers/population.ts';

/**
 * The dispatcher (waves) and the answer handling in separate processes against one PostgreSQL
 * database, as deployed with several workers: two answer processes take YES from every other person
 * asked (each such person answering in both, so the same yes arrives twice at the same moment; the
 * others never answer, so waves time out and go on), one of them
 * then takes one yes in three back (NO), which frees places for standby or for the next wave; the
 * dispatcher process meanwhile sends and asks the next waves. This process watches the counts all
 * along. Skipped without PostgreSQL (a failure with MUSTER_REQUIRE_PG=1, see helpers/databases.ts).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NEED = 12;

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${ROOT}bin/run-ts.js`, `${ROOT}test/helpers/callup-child.ts`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!postgresAvailable)('call-ups across processes [postgres]', () => {
  let testDb: TestDatabase;
  let ctx: AppContext;

  beforeAll(async () => {
    testDb = await postgresTestDatabase();
    ctx = await testDb.open();
  });
  afterAll(async () => testDb.cleanup());

  it('never confirms more than needed nor asks anyone twice while the dispatcher and two answer processes run at once', { timeout: 180_000 }, async () => {
    const communes = ctx.drive.descendantsOf('NE006').filter((p) => ctx.drive.children(p).length === 0);
    const people = Array.from({ length: 200 }, (_, i) => person({ area: communes[i % communes.length] ?? 'NE006001', roles: ['medical'], skills: [] }));
    await insertPopulation(ctx, people);
    const deps = createCallupDeps(ctx);
    const callup = await createCallup(deps, 'staff:coord', {
      title: 'Appel concurrent',
      needs: [{ role: 'medical', count: NEED }],
      areas: ['NE006'],
      reportPlace: 'Hopital',
      reportAt: new Date(FIXED_NOW.getTime() + 30 * 86400_000).toISOString(),
      answerBy: new Date(FIXED_NOW.getTime() + 29 * 86400_000).toISOString(),
      // Asking exactly the need: with half the people silent, more waves are always needed.
      overAsk: 1,
      waveTimeoutMinutes: 30,
    });
    await startCallup(deps, 'staff:coord', callup.id);
    const url = testDb.url ?? '';

    let watching = true;
    let maxConfirmed = 0;
    let maxYesRows = 0;
    const watcher = (async () => {
      while (watching) {
        const need = await ctx.database.db.selectFrom('callup_needs').select('confirmed').where('callup_id', '=', callup.id).executeTakeFirstOrThrow();
        const yes = await ctx.database.db.selectFrom('callup_recipients').select('id').where('callup_id', '=', callup.id).where('state', '=', 'yes').execute();
        maxConfirmed = Math.max(maxConfirmed, need.confirmed);
        maxYesRows = Math.max(maxYesRows, yes.length);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // The dispatcher runs until both answer processes have ended: a place given back by the last
    // answers must still find the next wave asked (and answered) before the counts are read.
    const stopDir = mkdtempSync(join(tmpdir(), 'muster-callup-stop-'));
    const stopFile = join(stopDir, 'stop');
    const dispatching = run(['dispatcher', url, callup.id, stopFile]);
    const answering = await Promise.all([run(['answers', url, callup.id, 'first', '1']), run(['answers', url, callup.id, 'second', '0'])]);
    writeFileSync(stopFile, '');
    const results = [await dispatching, ...answering];
    rmSync(stopDir, { recursive: true, force: true });
    watching = false;
    await watcher;
    for (const r of results) expect(r.code, r.err).toBe(0);
    const reports = results.map((r) => JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>);
    const [dispatcher, first] = reports as [{ asked: number }, { outcomes: Record<string, number> }];

    // Waves ran while answers came in, and places were given back and taken again.
    expect(dispatcher.asked).toBeGreaterThan(0);
    expect(first.outcomes.then_released ?? 0).toBeGreaterThan(0);
    // Never more confirmed than needed, at any moment seen, and exactly the need at the end.
    expect(maxConfirmed).toBeLessThanOrEqual(NEED);
    expect(maxYesRows).toBeLessThanOrEqual(NEED);
    const need = await ctx.database.db.selectFrom('callup_needs').select(['confirmed', 'count']).where('callup_id', '=', callup.id).executeTakeFirstOrThrow();
    const rows = await ctx.database.db.selectFrom('callup_recipients').select(['volunteer_id', 'state', 'outbox_id']).where('callup_id', '=', callup.id).execute();
    expect(need.confirmed).toBe(NEED);
    expect(rows.filter((r) => r.state === 'yes')).toHaveLength(NEED);
    // Nobody asked twice: one row and one question per person.
    expect(new Set(rows.map((r) => r.volunteer_id)).size).toBe(rows.length);
    const questions = await ctx.database.db.selectFrom('outbox').select('phone_hash').where('kind', '=', 'callup').execute();
    expect(new Set(questions.map((q) => q.phone_hash)).size).toBe(questions.length);
    expect(rows.length).toBeGreaterThan(2 * NEED);
  });
});
