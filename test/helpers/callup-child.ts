/**
 * One process of the two-process call-up test (test/callup-processes.test.ts), against PostgreSQL:
 *
 *   node bin/run-ts.js test/helpers/callup-child.ts dispatcher DATABASE_URL CALLUP_ID STOP_FILE
 *   node bin/run-ts.js test/helpers/callup-child.ts answers DATABASE_URL CALLUP_ID NAME TAKE_BACK
 *
 * dispatcher: the worker's part: each step, questions are queued (as the dispatcher does) and "sent" (a gateway that sends at
 * once) and advanceCallups moves the call-up on (timeouts, next waves), the clock a third of a wave on;
 * it goes on until STOP_FILE exists (the test creates it once both answer processes have ended: a place
 * given back late must still find a dispatcher to ask the next people), within a bound.
 * answers: the SMS hook's part: every other person asked (by id) answers YES, 16 at a time, the rest
 * never answer; with TAKE_BACK=1 one person in three then says NO, which frees the place for someone on standby or for the next wave.
 * An answer process stops when the call-up has stayed filled for a while, or after a bound.
 * Prints one JSON line with what it did; exits non-zero on any error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../../src/app/app-context.ts';
import { answerCallup } from '../../src/services/callups/callup-answers.ts';
import { createCallupDeps } from '../../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../../src/services/callups/callup-sending.ts';
import { advanceCallups } from '../../src/services/callups/callup-waves.ts';
import { openField } from '../../src/store/personal-fields.ts';
import { FIXED_NOW, TEST_KEY } from './databases.ts';

const [role, url, callupId, a, b] = process.argv.slice(2);
if (!role || !url || !callupId) throw new Error('usage: callup-child.ts dispatcher|answers DATABASE_URL CALLUP_ID ...');
const dataDir = mkdtempSync(join(tmpdir(), 'muster-callup-child-'));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WAVE_MINUTES = 30;

let now = new Date(FIXED_NOW.getTime() + 60_000);
const ctx = await openAppContext({ dataDir, databaseUrl: url, envKey: TEST_KEY, clock: () => now, migrate: false, poolSize: 8 });
const deps = createCallupDeps(ctx, { overAsk: 2, waveTimeoutMinutes: WAVE_MINUTES, smart: false });
const db = ctx.database.db;

async function live(): Promise<{ status: string }> {
  return db.selectFrom('callups').select('status').where('id', '=', callupId as string).executeTakeFirstOrThrow();
}

try {
  if (role === 'dispatcher') {
    if (!a) throw new Error('dispatcher needs STOP_FILE');
    const stopFile = a;
    let asked = 0;
    let timedOut = 0;
    // Bounded: 2,000 steps move the clock about 14 days, within the call-up's answer deadline.
    for (let step = 0; step < 2000 && !existsSync(stopFile); step++) {
      const at = now.toISOString();
      await queueCallupQuestions(deps, now, 10_000);
      await ctx.database.write((trx) => trx.updateTable('outbox').set({ status: 'sent', sent_at: at }).where('status', '=', 'queued').where('kind', '=', 'callup').execute());
      const r = await advanceCallups(deps, now);
      asked += r.asked;
      timedOut += r.timedOut;
      await pause(150);
      now = new Date(now.getTime() + (WAVE_MINUTES / 3) * 60_000);
    }
    console.log(JSON.stringify({ role, asked, timedOut }));
  } else if (role === 'answers') {
    const name = a ?? 'answers';
    const takeBack = b === '1';
    const answered = new Set<string>();
    const outcomes: Record<string, number> = {};
    let idle = 0;
    for (let round = 0; round < 3000 && idle < 15; round++) {
      const rows = await db
        .selectFrom('callup_recipients as cr')
        .innerJoin('volunteers as v', 'v.id', 'cr.volunteer_id')
        .select(['v.id', 'v.personal_enc', 'v.phone_enc'])
        .where('cr.callup_id', '=', callupId)
        .where('cr.state', 'in', ['asked', 'delivered', 'no_answer'])
        .execute();
      // Half the people never answer (by their id), so that waves time out and the next ones are asked.
      const fresh = rows.filter((r) => !answered.has(r.id) && (r.personal_enc !== null || r.phone_enc !== null) && Number.parseInt(r.id.slice(-1), 16) % 2 === 0);
      if (fresh.length === 0) {
        const state = await live();
        idle = state.status === 'filled' ? idle + 1 : 0;
        await pause(40);
        continue;
      }
      idle = 0;
      for (let i = 0; i < fresh.length; i += 16) {
        const batch = fresh.slice(i, i + 16);
        await Promise.all(
          batch.map(async (r, j) => {
            answered.add(r.id);
            const phone = openField(ctx.cipher, r, 'phone');
            const yes = await answerCallup(deps, { phone, text: 'YES', now });
            outcomes[yes.outcome] = (outcomes[yes.outcome] ?? 0) + 1;
            if (takeBack && (i + j) % 3 === 0) {
              const no = await answerCallup(deps, { phone, text: 'NO', now });
              outcomes[`then_${no.outcome}`] = (outcomes[`then_${no.outcome}`] ?? 0) + 1;
            }
          }),
        );
      }
    }
    console.log(JSON.stringify({ role, name, answered: answered.size, outcomes }));
  } else {
    throw new Error(`unknown role ${role}`);
  }
} finally {
  await ctx.database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
