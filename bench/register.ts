/**
 * Registration throughput benchmark (not a test): `npm run bench:register -- [flags]`.
 *
 * For each database (SQLite, PostgreSQL) and registry size, it fills a registry once with
 * `muster demo` (cached under bench/.data/ or in a database muster_bench_<size>), starts the real
 * server as a child process, and drives POST /api/v1/volunteers with autocannon as staff: one
 * throughput run (32 connections, as fast as the server answers) and one run at a fixed 1,000
 * requests/s, `--runs` times, each run with a fresh server. Each request is a new, valid, unique
 * registration. After each run, the raw rate of single-row inserts in SQLite (one transaction and
 * one fsync each, same pragmas, same disk) tells how far the HTTP path is from what the disk allows
 * (the server's group commit can beat it); 1,000-row transactions are measured once per row for
 * context. Phone numbers come from a counter kept in bench/.data/phone-counter.json. When
 * PostgreSQL cannot be reached, its rows are skipped and the report says why.
 *
 * Flags: --sizes 100000,1000000  --databases sqlite,postgres  --duration 15  --runs 3
 *        --pg postgres://postgres@127.0.0.1:5432/test  --warmup 3  --raw-seconds 3
 *
 * The Markdown report goes to stdout; progress goes to stderr.
 */
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openSqlite, redactUrl } from '../src/store/database.ts';
import { newReference, uuidv7 } from '../src/store/ids.ts';
import { loadDrive } from '../src/config/load-drive.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import type { RegistrationInput } from '../src/domain/registration-input.ts';

type DatabaseKind = 'sqlite' | 'postgres';

interface Options {
  sizes: number[];
  databases: DatabaseKind[];
  duration: number;
  runs: number;
  pg: string;
  warmup: number;
  rawSeconds: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', '.data');
const MUSTER = join(ROOT, 'bin', 'muster.js');
const CONNECTIONS = 32;
const FIXED_RATE = 1000;
const DEMO_SEED = 42;
/**
 * One fixed master key for every command of the benchmark, so that cached registries stay readable
 * and their blind indexes keep matching from one benchmark run to the next. Not a secret: it only
 * protects synthetic data.
 */
const BENCH_KEY = createHash('sha256').update('muster benchmark key (synthetic data only)').digest('base64');

// ---------------------------------------------------------------------------------------------
// Command line

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      databases: { type: 'string', default: 'sqlite,postgres' },
      duration: { type: 'string', default: '15' },
      runs: { type: 'string', default: '3' },
      pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      warmup: { type: 'string', default: '3' },
      'raw-seconds': { type: 'string', default: '3' },
    },
  });
  const positiveInt = (name: string, text: string, min = 1): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min} (got "${text}")`);
    return n;
  };
  const sizes = values.sizes.split(',').map((s) => positiveInt('sizes', s.trim().replace(/_/g, '')));
  const databases = values.databases.split(',').map((d) => d.trim());
  for (const d of databases) {
    if (d !== 'sqlite' && d !== 'postgres') throw new Error(`--databases: unknown database "${d}" (sqlite, postgres)`);
  }
  if (!/^postgres(ql)?:\/\//.test(values.pg)) throw new Error('--pg must be a postgres:// URL');
  return {
    sizes: [...new Set(sizes)],
    databases: [...new Set(databases)] as DatabaseKind[],
    duration: positiveInt('duration', values.duration),
    runs: positiveInt('runs', values.runs),
    pg: values.pg,
    warmup: positiveInt('warmup', values.warmup, 0),
    rawSeconds: positiveInt('raw-seconds', values['raw-seconds']),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked, and killed whatever happens to the benchmark.

const children = new Set<ChildProcess>();

function track(child: ChildProcess): Promise<number | null> {
  children.add(child);
  return new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolveExit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null));
    });
    // A child that cannot be spawned emits 'error' and no 'exit'.
    child.once('error', (error) => {
      if (child.pid === undefined) {
        children.delete(child);
        log(`could not start a child process: ${error.message}`);
        resolveExit(null);
      }
    });
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Saved on exit too, so that an interrupted run never hands out its phone numbers again. */
let phoneNumbers: { save(): void } | null = null;

process.once('exit', () => {
  for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
  phoneNumbers?.save();
});

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the child processes`);
    const waits = [...children].map((child) => new Promise<void>((done) => {
      if (!isRunning(child)) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }));
    void Promise.race([Promise.all(waits), sleep(5000, undefined, { ref: false })]).then(() => process.exit(130));
  });
}

function childEnv(databaseUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MUSTER_KEY: BENCH_KEY, MUSTER_LOG_LEVEL: 'warn', MUSTER_PUBLIC_RATE_LIMIT: '1000000' };
  delete env.DATABASE_URL;
  delete env.MUSTER_DATA;
  delete env.MUSTER_KEY_FILE;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

/** Runs `muster <args>`; its stderr (and, unless captured, stdout) goes to our stderr. */
async function muster(args: string[], env: NodeJS.ProcessEnv, captureStdout = false): Promise<string> {
  const child = spawn(process.execPath, [MUSTER, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = track(child);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    if (captureStdout) stdout += chunk;
    else process.stderr.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const code = await exited;
  if (code !== 0) throw new Error(`muster ${args.join(' ')} exited with ${String(code)}`);
  return stdout;
}

async function freePort(used: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolvePort(p));
      });
    });
    if (port > 0 && !used.has(port)) {
      used.add(port);
      return port;
    }
  }
}

interface RunningServer {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
}

const usedPorts = new Set<number>();

async function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort(usedPorts);
  const child = spawn(process.execPath, [MUSTER, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = track(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const server: RunningServer = { url: `http://127.0.0.1:${port}`, child, exited, output };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (!isRunning(child)) throw new Error(`the server exited before it was ready:\n${output.slice(-30).join('\n')}`);
      try {
        const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not answer /healthz within 120 s:\n${output.slice(-30).join('\n')}`);
      await sleep(100);
    }
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

async function stopServer(server: RunningServer): Promise<void> {
  if (isRunning(server.child)) server.child.kill('SIGTERM');
  // ref: false, or the timer would keep the benchmark alive for 20 s after its last server stopped.
  const code = await Promise.race([server.exited, sleep(20_000, 'timeout' as const, { ref: false })]);
  if (code === 'timeout') {
    log('the server did not stop within 20 s of SIGTERM: killing it');
    server.child.kill('SIGKILL');
    await server.exited;
  } else if (code !== 0) {
    log(`the server exited with ${String(code)}:\n${server.output.slice(-20).join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Registries

interface Registry {
  kind: DatabaseKind;
  size: number;
  dataDir: string;
  databaseUrl: string | undefined;
}

interface FillMarker {
  size: number;
  seed: number;
  rows: number;
}

function readMarker(dataDir: string): FillMarker | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'bench-fill.json'), 'utf8')) as FillMarker;
  } catch {
    return null;
  }
}

/** Rows in `volunteers`, or null when there is no database or no table yet. */
function countSqlite(dataDir: string): number | null {
  const file = join(dataDir, 'muster.db');
  if (!existsSync(file)) return null;
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const table = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'volunteers'").get();
    if (!table) return null;
    const row = db.prepare('select count(*) as n from volunteers').get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function countPostgres(url: string): Promise<number | null> {
  return withPg(url, async (client) => {
    const table = await client.query("select to_regclass('public.volunteers') as t");
    if ((table.rows[0] as { t: string | null } | undefined)?.t == null) return null;
    const result = await client.query('select count(*)::bigint as n from volunteers');
    return Number((result.rows[0] as { n: string }).n);
  });
}

function countRows(registry: Registry): Promise<number | null> {
  return registry.kind === 'sqlite' ? Promise.resolve(countSqlite(registry.dataDir)) : countPostgres(registry.databaseUrl ?? '');
}

function isFilled(rows: number | null, size: number, marker: FillMarker | null): boolean {
  if (rows === null) return false;
  // The demo may create a few fewer than asked; its marker says how many it did.
  return rows >= size || (marker !== null && marker.size === size && marker.seed === DEMO_SEED && rows >= marker.rows);
}

async function prepareRegistry(kind: DatabaseKind, size: number, options: Options): Promise<Registry> {
  const dataDir = join(DATA, `${kind}-${size}`);
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    const url = new URL(options.pg);
    url.pathname = `/muster_bench_${size}`;
    databaseUrl = url.toString();
  }
  const registry: Registry = { kind, size, dataDir, databaseUrl };

  if (kind === 'postgres') {
    const name = `muster_bench_${size}`;
    const exists = await withPg(options.pg, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
    const rows = exists ? await countPostgres(databaseUrl ?? '') : null;
    if (isFilled(rows, size, readMarker(dataDir))) {
      log(`postgres ${size}: reusing database ${name} (${rows} rows)`);
      return registry;
    }
    log(`postgres ${size}: ${exists ? 'refilling' : 'creating'} database ${name}`);
    await withPg(options.pg, async (client) => {
      if (exists) await client.query(`drop database "${name}" with (force)`);
      await client.query(`create database "${name}"`);
    });
  } else {
    const rows = countSqlite(dataDir);
    if (isFilled(rows, size, readMarker(dataDir))) {
      log(`sqlite ${size}: reusing ${dataDir} (${rows} rows)`);
      return registry;
    }
    log(`sqlite ${size}: filling ${dataDir}`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  await muster(['demo', '--volunteers', String(size), '--seed', String(DEMO_SEED), '--data', dataDir], childEnv(databaseUrl));
  const rows = (await countRows(registry)) ?? 0;
  const marker: FillMarker = { size, seed: DEMO_SEED, rows };
  writeFileSync(join(dataDir, 'bench-fill.json'), `${JSON.stringify(marker)}\n`);
  log(`${kind} ${size}: filled with ${rows} rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return registry;
}

// ---------------------------------------------------------------------------------------------
// Registrations to send

/**
 * Phone numbers for the benchmark's registrations: +227, a mobile prefix, six digits from a counter
 * that only goes forward across benchmark runs (kept in bench/.data/phone-counter.json, first seeded
 * from the clock), so that registries reused from earlier runs never see the same number twice.
 * The prefixes are mobile ranges (libphonenumber) that the demo data use least (weight 1 of about
 * 100 each), so collisions with demo volunteers (answered 409) stay rare: about size / 10^8 per request.
 */
const PHONE_PREFIXES = ['70', '74', '76', '77', '81', '82', '83'] as const;
const PHONE_SPACE = PHONE_PREFIXES.length * 1_000_000;
const COUNTER_FILE = join(DATA, 'phone-counter.json');

class PhoneNumbers {
  /** Numbers handed out since the file was created; the number is taken modulo PHONE_SPACE. */
  private counter: number;
  /** Where the first run started (seeded from the clock). */
  private readonly first: number;
  private warned = false;

  constructor() {
    let stored: { next: number; first: number } | null = null;
    try {
      const parsed = JSON.parse(readFileSync(COUNTER_FILE, 'utf8')) as { next?: unknown; first?: unknown };
      if (typeof parsed.next === 'number' && Number.isInteger(parsed.next)) {
        stored = { next: parsed.next, first: typeof parsed.first === 'number' && Number.isInteger(parsed.first) ? parsed.first : parsed.next };
      }
    } catch {
      // first run
    }
    this.first = stored?.first ?? Math.floor(Date.now() / 1000) % PHONE_SPACE;
    this.counter = stored?.next ?? this.first;
  }

  next(): string {
    if (!this.warned && this.counter - this.first >= PHONE_SPACE) {
      this.warned = true;
      log(
        `all ${PHONE_SPACE.toLocaleString('en-US')} benchmark phone numbers have been used since ${COUNTER_FILE} was created: ` +
          'numbers repeat, so registries reused from earlier runs answer 409. Delete bench/.data/ and drop the muster_bench_* databases to start afresh.',
      );
    }
    const n = this.counter % PHONE_SPACE;
    this.counter += 1;
    const prefix = PHONE_PREFIXES[Math.floor(n / 1_000_000)] ?? PHONE_PREFIXES[0];
    return `+227${prefix}${String(n % 1_000_000).padStart(6, '0')}`;
  }

  save(): void {
    mkdirSync(DATA, { recursive: true });
    writeFileSync(COUNTER_FILE, `${JSON.stringify({ next: this.counter, first: this.first })}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Load runs

interface LoadFigures {
  seconds: number;
  created: number;
  /** 201 responses per second. */
  createdPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Status code -> count, all statuses. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

/**
 * The people the benchmark registers: synthetic Nigerien volunteers with the name frequencies of the
 * demo population (so that the duplicate check meets common names as it would in the field), 2% of
 * them registering a second time with a variant spelling.
 */
const people = generateForDrive(loadDrive(), { count: Number.MAX_SAFE_INTEGER, seed: Date.now() % 100_000, duplicateRate: 0.02 });
function nextPerson(): RegistrationInput {
  const next = people.next();
  if (next.done) throw new Error('the synthetic population ran out');
  const { recordedAt: _recordedAt, ...input } = next.value.input;
  return input;
}

async function load(server: RunningServer, token: string, phones: PhoneNumbers, duration: number, overallRate?: number): Promise<LoadFigures> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const body = (): string => JSON.stringify({ ...nextPerson(), clientId: randomUUID(), phone: phones.next(), site: 'niamey-stade' });
  try {
    const result = await autocannon({
      url: `${server.url}/api/v1/volunteers`,
      connections: CONNECTIONS,
      duration,
      timeout: 30,
      ...(overallRate ? { overallRate } : {}),
      requests: [
        {
          method: 'POST',
          path: '/api/v1/volunteers',
          headers,
          setupRequest: (request) => ({ ...request, body: body() }),
        },
      ],
    });
    const statuses: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
    const created = statuses['201'] ?? 0;
    return {
      seconds: result.duration,
      created,
      createdPerSecond: created / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  } finally {
    phones.save();
  }
}

// ---------------------------------------------------------------------------------------------
// Raw SQLite

function randomSealed(bytes: number): string {
  return `k1a2b3c4d.${randomBytes(bytes).toString('base64url')}`;
}

/**
 * A row like one of the benchmark's registrations: the personal fields sealed together (a ~100-character
 * ciphertext, store/personal-fields.ts), keyed hashes, time-ordered id.
 */
function rawRow() {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    reference: newReference(),
    client_id: randomUUID(),
    request_hash: randomBytes(32).toString('base64url'),
    personal_enc: randomSealed(72),
    phone_hash: randomBytes(24).toString('base64url'),
    now,
  };
}

/**
 * Inserts into a fresh SQLite file (bench/.data/raw.db) with the server's pragmas and the volunteers
 * table of the migration, for `seconds`, and returns rows/s. `rowsPerTransaction` 1 is autocommit:
 * one transaction and one fsync per row. Only the inserts are timed, not making the rows.
 */
async function rawSqlite(seconds: number, rowsPerTransaction: number): Promise<number> {
  mkdirSync(DATA, { recursive: true });
  const file = join(DATA, 'raw.db');
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  const database = openSqlite(file);
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    const insert = db.prepare(
      `insert into volunteers (id, reference, client_id, request_hash, status, personal_enc, phone_hash, national_id_hash, birth_year, birth_precision, sex, area, site, channel,
         languages, availability, consent_version, consent_language, consent_at, consent_captured_by, recorded_at, created_at,
         updated_at, withdrawn_at)
       values (@id, @reference, @client_id, @request_hash, 'active', @personal_enc, @phone_hash, null, 1994, 'day', 'F', 'NE008', 'niamey-stade', 'web',
         '["ha","fr"]', 'immediate', '1', 'fr', @now, 'admin', null, @now, @now, null)`,
    );
    const insertMany = db.transaction((rows: Array<ReturnType<typeof rawRow>>) => {
      for (const values of rows) insert.run(values);
    });
    let count = 0;
    let busy = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const rows = Array.from({ length: rowsPerTransaction }, rawRow);
      const t0 = performance.now();
      if (rowsPerTransaction === 1 && rows[0]) insert.run(rows[0]);
      else insertMany(rows);
      busy += performance.now() - t0;
      count += rows.length;
    }
    return count / (busy / 1000);
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark

interface RunFigures {
  run: number;
  rowsAtStart: number;
  throughput: LoadFigures;
  fixed: LoadFigures;
  /** Raw SQLite single inserts/s, measured right after this run's server stopped. */
  rawSingle: number;
}

interface Block {
  kind: DatabaseKind;
  size: number;
  rowsAtStart: number;
  runs: RunFigures[];
  /** Raw SQLite rows/s in transactions of 1,000, measured once after the runs. */
  rawBatched: number | null;
  /** Runs thrown away because the server stopped during them (then run again). */
  discarded: string[];
  error?: string;
}

/** The server stopped while it was being measured (something else signalled it, or it crashed). */
class ServerStopped extends Error {}

/**
 * A copy of the filled registry for one run, so that every run starts from exactly `size` rows
 * (registrations made by a run would otherwise grow the registry run after run). SQLite: the files
 * are copied after a checkpoint; PostgreSQL: a database is created from the filled one as template.
 */
async function workingCopy(registry: Registry, options: Options): Promise<Registry> {
  const dataDir = `${registry.dataDir}-work`;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // The benchmark passes MUSTER_KEY; a key file exists only if the registry was made without it.
  if (existsSync(join(registry.dataDir, 'muster.key'))) copyFileSync(join(registry.dataDir, 'muster.key'), join(dataDir, 'muster.key'));
  if (registry.kind === 'sqlite') {
    const source = new BetterSqlite3(join(registry.dataDir, 'muster.db'));
    source.pragma('wal_checkpoint(TRUNCATE)');
    source.close();
    copyFileSync(join(registry.dataDir, 'muster.db'), join(dataDir, 'muster.db'));
    return { ...registry, dataDir };
  }
  const template = `muster_bench_${registry.size}`;
  const name = `${template}_work`;
  await withPg(options.pg, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}" template "${template}"`);
  });
  const url = new URL(options.pg);
  url.pathname = `/${name}`;
  return { ...registry, dataDir, databaseUrl: url.toString() };
}

async function oneRun(pristine: Registry, options: Options, phones: PhoneNumbers, label: string) {
  const registry = await workingCopy(pristine, options);
  const env = childEnv(registry.databaseUrl);
  // Registrations come from an enrolled agent device, as at a registration point.
  const prepared = await muster(['device', 'enroll', '--site', 'niamey-stade', '--name', 'bench', '--data', registry.dataDir], env, true);
  const code = /enrolment code: (\S+)/.exec(prepared)?.[1];
  if (!code) throw new Error(`device enroll printed no code: ${prepared}`);
  const rowsAtStart = (await countRows(registry)) ?? 0;
  const server = await startServer(registry.dataDir, env);
  const enrolled = await fetch(`${server.url}/api/v1/devices/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const token = ((await enrolled.json()) as { token?: string }).token;
  if (!token) {
    await stopServer(server);
    throw new Error(`device enrolment failed (${enrolled.status})`);
  }
  const check = (what: string) => {
    if (!isRunning(server.child)) {
      throw new ServerStopped(`the server stopped during the ${what} (exit ${String(server.child.exitCode ?? server.child.signalCode)}): ${server.output.slice(-3).join(' | ')}`);
    }
  };
  try {
    if (options.warmup > 0) {
      log(`${label}: warm-up ${options.warmup} s`);
      await load(server, token, phones, options.warmup);
      check('warm-up');
    }
    log(`${label}: throughput, ${CONNECTIONS} connections, ${options.duration} s`);
    const throughput = await load(server, token, phones, options.duration);
    check('throughput run');
    log(`  ${fmt(throughput.createdPerSecond)} registrations/s, p50 ${ms(throughput.p50)} ms, p99 ${ms(throughput.p99)} ms, non-2xx ${throughput.non2xx}`);
    log(`${label}: fixed rate ${FIXED_RATE}/s, ${options.duration} s`);
    const fixed = await load(server, token, phones, options.duration, FIXED_RATE);
    check('fixed-rate run');
    log(`  ${fmt(fixed.createdPerSecond)} registrations/s, p50 ${ms(fixed.p50)} ms, p99 ${ms(fixed.p99)} ms, non-2xx ${fixed.non2xx}`);
    return { rowsAtStart, throughput, fixed };
  } finally {
    await stopServer(server);
  }
}

async function benchmarkRegistry(kind: DatabaseKind, size: number, options: Options, phones: PhoneNumbers): Promise<Block> {
  const registry = await prepareRegistry(kind, size, options);
  const rowsAtStart = (await countRows(registry)) ?? 0;
  const block: Block = { kind, size, rowsAtStart, runs: [], rawBatched: null, discarded: [] };

  for (let run = 1; run <= options.runs && !interrupted; run++) {
    const label = `${kind} ${size} run ${run}/${options.runs}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const figures = await oneRun(registry, options, phones, label);
        if (interrupted) return block;
        log(`${label}: raw SQLite single inserts, ${options.rawSeconds} s`);
        const rawSingle = await rawSqlite(options.rawSeconds, 1);
        log(`  ${fmt(rawSingle)} single inserts/s`);
        block.runs.push({ run, ...figures, rawSingle });
        break;
      } catch (error) {
        if (!(error instanceof ServerStopped) || attempt >= 3 || interrupted) throw error;
        log(`${label}: discarded, ${error.message}; running it again`);
        block.discarded.push(`${label}: ${error.message}`);
      }
    }
  }
  if (!interrupted) {
    log(`raw SQLite batched inserts, ${options.rawSeconds} s`);
    block.rawBatched = await rawSqlite(options.rawSeconds, 1000);
    log(`  ${fmt(block.rawBatched)} rows/s in transactions of 1,000`);
  }
  return block;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

function ms(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US');
}

function statusList(figures: LoadFigures): string {
  const parts = Object.entries(figures.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}×${count}`);
  if (figures.errors > 0) parts.push(`errors×${figures.errors}${figures.timeouts > 0 ? ` (timeouts ${figures.timeouts})` : ''}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

function report(blocks: Block[], options: Options, notes: string[], versions: string[]): string {
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push('# Registration benchmark (POST /api/v1/volunteers)', '');
  lines.push(`- Machine: ${cpus.length} CPUs, ${cpus[0]?.model.trim() ?? 'unknown model'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`);
  lines.push(`- Node ${process.version}; ${versions.join('; ')}`);
  lines.push(
    `- Load: autocannon, ${CONNECTIONS} connections, enrolled device token (agent channel, audited, duplicate check), a new synthetic Nigerien volunteer per request (2% second registrations with variant spellings); ` +
      `${options.duration} s per load run; ${options.runs} run(s) per row, each with a fresh server and a ${options.warmup} s warm-up; medians of runs`,
  );
  for (const note of notes) lines.push(`- ${note}`);
  lines.push('');
  lines.push('| database | registry size | registrations/s (median of runs) | p50 ms | p99 ms | p99 at 1,000/s | non-2xx | raw SQLite single inserts/s | ratio |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const b of blocks) {
    const size = `${fmt(b.size)} (${fmt(b.rowsAtStart)} rows at start)`;
    if (b.error !== undefined || b.runs.length === 0) {
      lines.push(`| ${b.kind} | ${fmt(b.size)} | ${(b.error ?? 'failed: no run completed').split('\n')[0]} | | | | | | |`);
      continue;
    }
    const rate = median(b.runs.map((r) => r.throughput.createdPerSecond));
    const raw = median(b.runs.map((r) => r.rawSingle));
    const non2xx = b.runs.reduce((sum, r) => sum + r.throughput.non2xx + r.fixed.non2xx + r.throughput.errors + r.fixed.errors, 0);
    const ratio = b.kind === 'sqlite' && Number.isFinite(raw) ? `${(rate / raw).toFixed(2)}` : '—';
    lines.push(
      `| ${b.kind} | ${size} | ${fmt(rate)} | ${ms(median(b.runs.map((r) => r.throughput.p50)))} | ${ms(median(b.runs.map((r) => r.throughput.p99)))} | ` +
        `${ms(median(b.runs.map((r) => r.fixed.p99)))} | ${fmt(non2xx)} | ${fmt(raw)} | ${ratio} |`,
    );
  }
  lines.push('');
  lines.push(
    '- registrations/s: 201 responses per second of the throughput run; p50/p99: latency of all its responses. ' +
      'p99 at 1,000/s: the fixed-rate run (autocannon overallRate 1000, same 32 connections; the individual runs show the rate achieved).',
  );
  lines.push('- non-2xx: non-2xx responses plus connection errors, summed over the throughput and fixed-rate runs of the row (warm-ups excluded); the individual runs list the status codes.');
  lines.push(
    '- raw SQLite single inserts/s: median over the runs of the row, each measured right after its run\'s server stopped: ' +
      `a fresh file bench/.data/raw.db on the same disk, the server's pragmas (WAL, synchronous=FULL), the volunteers table of the migration, ` +
      `one row per transaction (autocommit, one fsync each) for ${options.rawSeconds} s. ratio = registrations/s ÷ that rate (SQLite rows only).`,
  );
  for (const b of blocks) {
    if (b.rawBatched !== null) lines.push(`- raw SQLite batched, after the ${b.kind} ${fmt(b.size)} runs: ${fmt(b.rawBatched)} rows/s in transactions of 1,000 rows`);
  }
  for (const b of blocks) for (const d of b.discarded) lines.push(`- discarded and run again: ${d}`);
  lines.push('', '## Individual runs', '');
  lines.push(
    '| database | registry size | run | rows at start | 201/s (count in seconds) | p50 ms | p99 ms | non-2xx | at 1,000/s: 201/s (count in seconds) | p50 ms | p99 ms | non-2xx | raw single inserts/s |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |');
  for (const b of blocks) {
    for (const r of b.runs) {
      const t = r.throughput;
      const f = r.fixed;
      lines.push(
        `| ${b.kind} | ${fmt(b.size)} | ${r.run} | ${fmt(r.rowsAtStart)} | ${fmt(t.createdPerSecond)} (${fmt(t.created)} in ${t.seconds.toFixed(1)} s) | ${ms(t.p50)} | ${ms(t.p99)} | ${statusList(t)} | ` +
          `${fmt(f.createdPerSecond)} (${fmt(f.created)} in ${f.seconds.toFixed(1)} s) | ${ms(f.p50)} | ${ms(f.p99)} | ${statusList(f)} | ${fmt(r.rawSingle)} |`,
      );
    }
  }
  return lines.join('\n');
}

async function postgresProblem(url: string): Promise<string | null> {
  try {
    await withPg(url, async (client) => {
      await client.query('select 1');
    });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  }
}

async function versionsOf(options: Options, pgUp: boolean): Promise<string[]> {
  const db = new BetterSqlite3(':memory:');
  const versions = [`SQLite ${(db.prepare('select sqlite_version() as v').get() as { v: string }).v}`];
  db.close();
  if (pgUp) {
    const v = await withPg(options.pg, async (client) => (await client.query('show server_version')).rows[0] as { server_version: string });
    versions.push(`PostgreSQL ${v.server_version} at ${redactUrl(options.pg)}`);
  }
  return versions;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(DATA, { recursive: true });
  const notes: string[] = [];
  let databases = options.databases;
  let pgUp = false;
  if (databases.includes('postgres')) {
    const problem = await postgresProblem(options.pg);
    pgUp = problem === null;
    if (problem !== null) {
      const note = `PostgreSQL rows are skipped: cannot connect to ${redactUrl(options.pg)} (${problem})`;
      log(note);
      notes.push(note);
      databases = databases.filter((d) => d !== 'postgres');
    }
  }
  const versions = await versionsOf(options, pgUp);
  const phones = new PhoneNumbers();
  phoneNumbers = phones;
  const blocks: Block[] = [];
  let failed = false;
  for (const kind of options.databases) {
    for (const size of options.sizes) {
      if (interrupted) break;
      if (!databases.includes(kind)) {
        blocks.push({ kind, size, rowsAtStart: 0, runs: [], rawBatched: null, discarded: [], error: 'skipped: PostgreSQL not reachable (see above)' });
        continue;
      }
      try {
        blocks.push(await benchmarkRegistry(kind, size, options, phones));
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        log(`${kind} ${size} failed: ${message}`);
        blocks.push({ kind, size, rowsAtStart: 0, runs: [], rawBatched: null, discarded: [], error: `failed: ${message}` });
      }
    }
  }
  if (interrupted) return 130;
  process.stdout.write(`${report(blocks, options, notes, versions)}\n`);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
}
