/**
 * Import and export benchmark (not a test): `npm run bench:io -- [--import-rows 100000]
 * [--export-rows 1000000] [--runs 3] [--skip-import] [--skip-export]`.
 *
 * Import: a synthetic paper list (French headers, 5% second registrations written differently) of
 * `--import-rows` rows into an empty SQLite registry through `muster import`'s service: the same
 * rules, duplicate check and audit as every channel. Export: the roster of a registry of
 * `--export-rows` volunteers (filled once by `muster demo`, cached under bench/.data/) as CSV,
 * call-up fields (names and phones decrypted), encrypted with age. Each run is its own process
 * (bench/io-child.ts); rows/s counts the operation only, peak memory is the process's maximum
 * resident set. Prints a Markdown table of medians; progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { loadDrive } from '../src/config/load-drive.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import { writePaperListCsv } from '../src/demo/paper-list.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', '.data');
/** A fixed key so that the cached registry stays readable between runs. Protects synthetic data only. */
const KEY = Buffer.alloc(32, 11).toString('base64');

const { values } = parseArgs({
  options: {
    'import-rows': { type: 'string', default: '100000' },
    'export-rows': { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'skip-import': { type: 'boolean', default: false },
    'skip-export': { type: 'boolean', default: false },
  },
});
const importRows = Number(values['import-rows']);
const exportRows = Number(values['export-rows']);
const runs = Number(values.runs);
mkdirSync(DATA, { recursive: true });
const env: NodeJS.ProcessEnv = { ...process.env, MUSTER_KEY: KEY };

interface Measure {
  seconds: number;
  rows: number;
  maxRssMb: number;
  [key: string]: number;
}

function child(args: string[]): Measure {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'io-child.ts'), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`bench child failed (${args.join(' ')}): ${result.stderr}`);
  const line = result.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as Measure;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const runsOf = (measures: Measure[]) => measures.map((m) => `${m.seconds.toFixed(1)} (${(m.cpuSeconds ?? 0).toFixed(1)})`).join(', ');

const lines: string[] = [];
const loadAtEnd = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
lines.push(`- Machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
lines.push('');
lines.push('| operation | rows | runs | seconds (median) | rows/s (median) | CPU seconds (median) | rows per CPU second | peak memory MB (median) | goal | individual runs: s (CPU s) |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');

if (!values['skip-import']) {
  const file = join(DATA, `io-paper-${importRows}.csv`);
  if (!existsSync(file)) {
    console.error(`writing a paper list of ${importRows} rows: ${file}`);
    const drive = loadDrive(undefined);
    await writePaperListCsv(file, (function* () {
      for (const v of generateForDrive(drive, { count: importRows, seed: 7, duplicateRate: 0.05, today: new Date() })) yield { input: v.input };
    })());
  }
  const measures: Measure[] = [];
  for (let run = 1; run <= runs; run++) {
    const dir = join(DATA, 'io-import-run');
    rmSync(dir, { recursive: true, force: true });
    const m = child(['import', file, dir]);
    console.error(`import run ${run}: ${m.seconds.toFixed(1)} s (CPU ${(m.cpuSeconds ?? 0).toFixed(1)} s), ${fmt(m.rows / m.seconds)} rows/s, peak ${fmt(m.maxRssMb)} MB (created ${m.created}, review ${m.review}, matched ${m.matched}, refused ${m.refused})`);
    measures.push(m);
    rmSync(dir, { recursive: true, force: true });
  }
  const s = median(measures.map((m) => m.seconds));
  lines.push(
    `| import CSV (paper list, empty SQLite registry, duplicate check and audit) | ${fmt(importRows)} | ${runs} | ${s.toFixed(1)} | ${fmt(median(measures.map((m) => m.rows / m.seconds)))} | ${median(measures.map((m) => m.cpuSeconds ?? 0)).toFixed(1)} | ${fmt(median(measures.map((m) => m.rows / (m.cpuSeconds ?? 1))))} | ${fmt(median(measures.map((m) => m.maxRssMb)))} | ≤ 30 s | ${runsOf(measures)} |`,
  );
}

if (!values['skip-export']) {
  const dir = join(DATA, `io-registry-${exportRows}`);
  if (!existsSync(join(dir, 'filled'))) {
    rmSync(dir, { recursive: true, force: true });
    console.error(`filling a registry of ${exportRows} volunteers (once): ${dir}`);
    const fill = spawnSync(process.execPath, [join(ROOT, 'bin', 'muster.js'), 'demo', '--volunteers', String(exportRows), '--data', dir], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (fill.status !== 0) throw new Error('muster demo failed');
    writeFileSync(join(dir, 'filled'), new Date().toISOString());
    writeFileSync(join(dir, 'sealed'), new Date().toISOString());
  }
  if (!existsSync(join(dir, 'sealed'))) {
    // Filled before migration 0008 (one ciphertext per personal field): sealed per person as a deployment would be.
    console.error(`sealing the personal fields of the cached registry per person (once): ${dir}`);
    const reseal = spawnSync(process.execPath, [join(ROOT, 'bin', 'muster.js'), 'reseal', '--data', dir], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (reseal.status !== 0) throw new Error('muster reseal failed');
    writeFileSync(join(dir, 'sealed'), new Date().toISOString());
  }
  const identity = await generateX25519Identity();
  env.BENCH_RECIPIENT = await identityToRecipient(identity);
  const measures: Measure[] = [];
  for (let run = 1; run <= runs; run++) {
    const m = child(['export', dir]);
    console.error(`export run ${run}: ${m.seconds.toFixed(1)} s (CPU ${(m.cpuSeconds ?? 0).toFixed(1)} s), ${fmt(m.rows / m.seconds)} rows/s, peak ${fmt(m.maxRssMb)} MB, ${fmt((m.bytes ?? 0) / 2 ** 20)} MiB`);
    measures.push(m);
  }
  rmSync(join(dir, 'exports'), { recursive: true, force: true });
  const s = median(measures.map((m) => m.seconds));
  lines.push(
    `| export CSV, call-up fields (names, phones decrypted), age-encrypted | ${fmt(measures[0]?.rows ?? 0)} | ${runs} | ${s.toFixed(1)} | ${fmt(median(measures.map((m) => m.rows / m.seconds)))} | ${median(measures.map((m) => m.cpuSeconds ?? 0)).toFixed(1)} | ${fmt(median(measures.map((m) => m.rows / (m.cpuSeconds ?? 1))))} | ${fmt(median(measures.map((m) => m.maxRssMb)))} (growth during the export ${fmt(median(measures.map((m) => m.rssGrowthMb ?? 0)))}) | ≤ 20 s, ≤ 300 MB | ${runsOf(measures)} |`,
  );
}
lines.push('', `- load average at the end ${loadAtEnd()} (the machine is shared: wall times depend on the neighbours, CPU seconds much less)`);
console.log(lines.join('\n'));
