import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real Kannel (bearerbox + smsbox) for tests, on loopback, with free ports chosen at run time and
 * its configuration generated in a temporary directory: tests and people sharing the machine never
 * collide. Skipped with a message when Kannel is not installed, unless MUSTER_REQUIRE_KANNEL=1.
 */

const SEARCH = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')];

function findBinary(name: string): string | null {
  for (const dir of SEARCH) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export const BEARERBOX = findBinary('bearerbox');
export const SMSBOX = findBinary('smsbox');
export const kannelAvailable = BEARERBOX !== null && SMSBOX !== null;

if (!kannelAvailable) {
  const message = 'Kannel (bearerbox, smsbox) is not installed: the tests against real Kannel are skipped. Install it with `apt-get install kannel`; set MUSTER_REQUIRE_KANNEL=1 to make this a failure.';
  if (process.env.MUSTER_REQUIRE_KANNEL === '1') throw new Error(`MUSTER_REQUIRE_KANNEL=1 but ${message}`);
  console.warn(message);
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface KannelSetup {
  smscPort: number;
  /** Where smsbox sends inbound messages (get-url, Kannel escapes included). */
  moUrl: string;
  /** Per-connection messages per second toward the SMSC (0: none). */
  throughput?: number;
}

/**
 * The URL Kannel's sms-service calls for an inbound message to Muster listening on `port`: the
 * gateway id, sender, receiver, text, coding and charset as Muster's /api/v1/gateway/kannel/mo reads them.
 */
export function musterMoUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/api/v1/gateway/kannel/mo?id=%I&from=%p&to=%P&text=%a&coding=%c&charset=%C&token=${token}`;
}

export class KannelHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'muster-kannel-'));
  adminPort = 0;
  boxPort = 0;
  sendsmsPort = 0;
  private bearerbox: ChildProcess | null = null;
  private smsbox: ChildProcess | null = null;

  constructor(private readonly setup: KannelSetup) {}

  get sendsmsUrl(): string {
    return `http://127.0.0.1:${this.sendsmsPort}`;
  }

  async start(): Promise<void> {
    if (this.adminPort === 0) {
      this.adminPort = await freePort();
      this.boxPort = await freePort();
      this.sendsmsPort = await freePort();
      writeFileSync(join(this.dir, 'kannel.conf'), this.config());
    }
    this.bearerbox = this.spawn(BEARERBOX ?? 'bearerbox', 'bearerbox');
    await waitUntil(() => httpOk(`http://127.0.0.1:${this.adminPort}/status.txt?password=statuspw`), 10_000, 'bearerbox admin port');
    this.smsbox = this.spawn(SMSBOX ?? 'smsbox', 'smsbox');
    // sendsms answers (an error without credentials) once smsbox is up.
    await waitUntil(() => httpAnswers(`${this.sendsmsUrl}/cgi-bin/sendsms`), 10_000, 'smsbox sendsms port');
  }

  /** Waits until the SMPP link to the simulator is up (bearerbox status says "online"). */
  async waitOnline(timeoutMs = 15_000): Promise<void> {
    await waitUntil(async () => /SIM.*online/i.test(await httpText(`http://127.0.0.1:${this.adminPort}/status.txt?password=statuspw`)), timeoutMs, 'SMPP link online');
  }

  /** Stops both boxes (the gateway is down for Muster). */
  async stop(): Promise<void> {
    await Promise.all([stopProcess(this.smsbox), stopProcess(this.bearerbox)]);
    this.smsbox = null;
    this.bearerbox = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(binary: string, name: string): ChildProcess {
    const child = spawn(binary, [join(this.dir, 'kannel.conf')], { cwd: this.dir, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', (error) => console.error(`${name}: ${error.message}`));
    return child;
  }

  private config(): string {
    return `group = core
admin-port = ${this.adminPort}
admin-interface = 127.0.0.1
admin-password = adminpw
status-password = statuspw
admin-allow-ip = "127.0.0.1"
smsbox-port = ${this.boxPort}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
box-deny-ip = "*.*.*.*"
log-file = "${join(this.dir, 'bearerbox.log')}"
log-level = 1
access-log = "${join(this.dir, 'access.log')}"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = SIM
host = 127.0.0.1
port = ${this.setup.smscPort}
transceiver-mode = true
smsc-username = kannel
smsc-password = secret
system-type = ""
source-addr-ton = 0
source-addr-npi = 1
dest-addr-ton = 1
dest-addr-npi = 1
enquire-link-interval = 30
reconnect-delay = 1
${this.setup.throughput ? `throughput = ${this.setup.throughput}` : ''}

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${this.boxPort}
sendsms-port = ${this.sendsmsPort}
sendsms-interface = 127.0.0.1
mo-recode = true
http-request-retry = 5
http-queue-delay = 1
log-file = "${join(this.dir, 'smsbox.log')}"
log-level = 1

group = sendsms-user
username = app
password = apppw
user-allow-ip = "127.0.0.1"
user-deny-ip = "*.*.*.*"
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
omit-empty = true
concatenation = true
get-url = "${this.setup.moUrl}"
`;
  }
}

async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function httpText(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return await response.text();
  } catch {
    return '';
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

async function httpAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.text();
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
