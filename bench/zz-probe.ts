import { performance } from 'node:perf_hooks';
import { openAppContext } from '../src/app/app-context.ts';
import { nextCandidates } from '../src/services/callups/callup-candidates.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { candidatesFor, createCallup, loadCallup, startCallup, type Callup } from '../src/services/callups/callups.ts';
const now = new Date('2026-11-25T09:00:00Z');
const dir = process.argv[2] ?? '/tmp/cbench2';
const ctx = await openAppContext({ dataDir: dir, envKey: Buffer.alloc(32, 11).toString('base64'), clock: () => now });
const deps = createCallupDeps(ctx, { overAsk: 1.5, waveTimeoutMinutes: 120, smart: false });
const areas = ctx.drive.children(null).map((a) => a.pcode);
const reportAt = new Date(now.getTime() + 20 * 86400_000).toISOString();
const callup = await createCallup(deps, 'system:bench', { title: 'Probe', needs: [{ role: 'medical', count: 66667 }], areas, reportPlace: 'Chef-lieu', reportAt, answerBy: new Date(now.getTime() + 19 * 86400_000).toISOString() });
const c = (await loadCallup(ctx.database.db, callup.id)) as Callup;
const need = c.needs[0] as Callup['needs'][number];
const time = async (label: string, f: () => Promise<unknown>) => {
  const t = performance.now();
  const cpu = process.cpuUsage();
  await f();
  const u = process.cpuUsage(cpu);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((u.user + u.system) / 1e6).toFixed(2)} CPU s`);
};
for (let i = 0; i < 2; i++) {
  await time('before: read all candidates, pure rules, slice 100,001', async () => (await candidatesFor(deps, ctx.database.db, c, need, now, new Set())).slice(0, 100001));
  await time('now: nextCandidates 100,001', () => nextCandidates(deps, ctx.database.db, c, need, now, 100001));
}
await time('startCallup (select and queue 100,001)', () => startCallup(deps, 'system:bench', callup.id));
await ctx.database.close();
