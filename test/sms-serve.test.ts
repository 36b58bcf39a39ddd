import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { TEST_KEY } from './helpers/databases.ts';
import { freePort, waitUntil } from './kannel/kannel-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'serve-test-token-0123456789';

/**
 * `muster serve` with messaging configured: the gateway callbacks are served and the in-process
 * dispatcher sends what they queue. A stand-in for Kannel's sendsms records the requests.
 */
describe('muster serve with an SMS gateway configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-serve-sms-'));
  const sendsms: URLSearchParams[] = [];
  const kannel = http.createServer((req, res) => {
    sendsms.push(new URL(req.url ?? '/', 'http://x').searchParams);
    res.writeHead(202).end('0: Accepted for delivery');
  });
  let server: ChildProcess;
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => kannel.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    server = spawn(process.execPath, [`${ROOT}bin/muster.js`, 'serve', '--port', String(port), '--data', dataDir], {
      cwd: ROOT,
      env: {
        ...process.env,
        MUSTER_KEY: TEST_KEY,
        MUSTER_KANNEL_URL: `http://127.0.0.1:${(kannel.address() as AddressInfo).port}`,
        MUSTER_KANNEL_USER: 'app',
        MUSTER_KANNEL_PASSWORD: 'apppw',
        MUSTER_SMS_FROM: '1234',
        MUSTER_CALLBACK_URL: `http://127.0.0.1:${port}`,
        MUSTER_GATEWAY_TOKEN: TOKEN,
        MUSTER_INSECURE_COOKIES: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true, 30_000, 'muster serve');
  }, 60_000);

  afterAll(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    kannel.closeAllConnections();
    await new Promise((resolve) => kannel.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers an inbound SMS through the outbox and Kannel, and refuses a caller without the token', async () => {
    const denied = await fetch(`http://127.0.0.1:${port}/api/v1/gateway/kannel/mo?id=x1&from=22790000401&text=AIDE&token=nope`);
    expect(denied.status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/gateway/kannel/mo?id=serve-1&from=22790000401&to=1234&text=AIDE&token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await waitUntil(() => sendsms.length > 0, 10_000, 'the reply at sendsms');
    expect(sendsms[0]?.get('to')).toBe('22790000401');
    expect(sendsms[0]?.get('text')).toMatch(/^Muster : envoyez INSCRIPTION/);
    expect(sendsms[0]?.get('dlr-url')).toContain(`http://127.0.0.1:${port}/api/v1/gateway/kannel/dlr?id=`);
  });

  it('`muster worker` refuses to start without a Kannel URL', async () => {
    const previous = process.env.MUSTER_KANNEL_URL;
    delete process.env.MUSTER_KANNEL_URL;
    const err: string[] = [];
    const code = await main(['worker', '--data', dataDir], { out: () => undefined, err: (l) => err.push(l) });
    if (previous !== undefined) process.env.MUSTER_KANNEL_URL = previous;
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('MUSTER_KANNEL_URL is not set');
  });
});
