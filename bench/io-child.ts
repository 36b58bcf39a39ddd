/**
 * One measured operation of `npm run bench:io`, in its own process so that its peak memory is its
 * own: `import FILE DATA_DIR` or `export DATA_DIR`. Prints one JSON line: seconds (the operation only,
 * not start-up), cpuSeconds (CPU time of all the process's threads during it: on a shared machine, the
 * figure that does not depend on the neighbours), rows, peak resident memory in MB (process.resourceUsage().maxRSS, worker threads
 * included).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openAppContext } from '../src/app/app-context.ts';
import { PAPER_LIST_MAPPING } from '../src/demo/paper-list.ts';
import { generateExport, requestExport } from '../src/services/exports/exports.ts';
import { runImport } from '../src/services/imports/run-import.ts';

const [operation, a, b] = process.argv.slice(2);
const system = { principal: { kind: 'system' as const, name: 'bench' }, ip: null };

if (operation === 'import' && a && b) {
  const ctx = await openAppContext({ dataDir: b, envKey: process.env.MUSTER_KEY });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await runImport(ctx, system, { path: a, fileName: 'bench.csv', format: 'csv', mapping: PAPER_LIST_MAPPING, dryRun: false });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 'ran') throw new Error(`import did not run: ${result.status}`);
  const s = result.summary;
  const cpu = process.cpuUsage(cpuStart);
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: s.rows, created: s.created + s.review, review: s.review, matched: s.matched, refused: s.refused, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  await ctx.database.close();
} else if (operation === 'export' && a) {
  const ctx = await openAppContext({ dataDir: a, envKey: process.env.MUSTER_KEY });
  // The benchmark measures making the file; the approval step is a single row update.
  const request = await requestExport(ctx, system, { authenticatedAt: null }, {
    purpose: 'call_up',
    justification: 'benchmark of the roster export',
    recipient: 'benchmark',
    recipientKey: process.env.BENCH_RECIPIENT,
    encrypt: true,
    format: 'csv',
    filters: {},
  });
  if ('status' in request) throw new Error(`export refused: ${JSON.stringify(request)}`);
  await ctx.database.write((trx) => trx.updateTable('export_requests').set({ state: 'approved', approved_by: 'system:bench-approver' }).where('id', '=', request.id).execute());
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss / 2 ** 20)), 100);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const made = await generateExport(ctx, system, request.id);
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - started) / 1000;
  if ('status' in made) throw new Error(`export failed: ${JSON.stringify(made)}`);
  const file = (await ctx.database.db.selectFrom('export_requests').select('file_name').where('id', '=', request.id).executeTakeFirstOrThrow()).file_name ?? '';
  const bytes = statSync(join(a, 'exports', file)).size;
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: made.rowCount, bytes, rssBeforeMb: rssBefore, rssGrowthMb: rssPeak - rssBefore, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  await ctx.database.close();
} else {
  console.error('usage: io-child.ts import FILE DATA_DIR | export DATA_DIR');
  process.exitCode = 2;
}
