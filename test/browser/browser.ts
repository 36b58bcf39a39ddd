import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';
import type { AppContext } from '../../src/app/app-context.ts';
import { startAuditWorker } from '../../src/audit/audit-worker.ts';
import { buildServer } from '../../src/http/build-server.ts';
import { messagingConfigFromEnv } from '../../src/messaging/messaging-config.ts';
import { startMessaging, type MessagingRuntime } from '../../src/messaging/messaging-runtime.ts';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.ts';

/**
 * Browser tests drive Debian's Chromium (apt package `chromium`) with playwright-core. Where it is
 * absent they are skipped with a message, unless MUSTER_REQUIRE_BROWSER=1 (CI), where they fail.
 */
export const CHROMIUM = process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);
const required = process.env.MUSTER_REQUIRE_BROWSER === '1';
const root = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Screenshots of each screen go to test-results/screenshots (git-ignored); `npm run screenshots`
 * refreshes the ones the README shows (MUSTER_SCREENSHOT_DIR=docs/screenshots).
 */
export const SCREENSHOTS = process.env.MUSTER_SCREENSHOT_DIR ? join(root, process.env.MUSTER_SCREENSHOT_DIR) : join(root, 'test-results', 'screenshots');

export function describeBrowser(name: string, suite: () => void): void {
  if (browserAvailable) {
    describe(name, suite);
    return;
  }
  if (required) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`MUSTER_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
      });
    });
    return;
  }
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium; MUSTER_REQUIRE_BROWSER=1 makes this an error)`);
  describe.skip(name, suite);
}

/** The built web apps, built now if missing or older than their sources (as `npm start` does). */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(root, 'bin', 'build-web.js'), '--if-missing'], { cwd: root, stdio: 'inherit' });
}

export interface RunningServer {
  ctx: AppContext;
  app: FastifyInstance;
  origin: string;
  stop(): Promise<void>;
}

/** The shared secret of the gateway callbacks when a test server takes them (`startServer({ gateway: true })`). */
export const GATEWAY_TOKEN = 'browser-test-gateway-token-0123';

/**
 * The real server on a free port chosen by the system, over a fresh SQLite database, with the real
 * clock. With `gateway`, it also takes the SMS gateway's callbacks (inbound SMS, delivery reports) as
 * `muster serve` does with messaging configured, without a dispatcher: queued messages stay queued.
 */
export async function startServer(options: { gateway?: boolean } = {}): Promise<RunningServer> {
  ensureWebBuilt();
  const testDb: TestDatabase = sqliteTestDatabase();
  const ctx = await testDb.open({ clock: () => new Date() });
  let messaging: MessagingRuntime | null = null;
  if (options.gateway) {
    // Kannel's address is never called: nothing is dispatched.
    const config = messagingConfigFromEnv({ MUSTER_KANNEL_URL: 'http://127.0.0.1:9', MUSTER_GATEWAY_TOKEN: GATEWAY_TOKEN, MUSTER_CALLBACK_URL: 'http://127.0.0.1:9' });
    if (!config) throw new Error('no messaging configuration');
    messaging = startMessaging(ctx, config, { dispatch: false });
  }
  const app = await buildServer(ctx, { publicRateLimit: 10_000, authRateLimit: 1000, ...(messaging ? { messaging: { deps: messaging.deps, gatewayToken: GATEWAY_TOKEN } } : {}) });
  // As `muster serve` does: the worker seals audit entries, which the audit log shows.
  const audit = startAuditWorker(ctx, { onError: (error) => console.error('audit sealing failed', error) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    ctx,
    app,
    // "localhost" is a secure context: service workers and Secure cookies work over plain HTTP there.
    origin: `http://localhost:${address.port}`,
    async stop() {
      await app.close();
      await messaging?.stop();
      await audit.stop();
      await testDb.cleanup();
    },
  };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser profile (its own user-data-dir), closed and removed by `close`. */
export async function openBrowser(options: { javaScriptEnabled?: boolean; locale?: string; viewport?: { width: number; height: number } } = {}): Promise<OpenBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'muster-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: options.locale ?? 'fr-FR',
    // A small phone unless told otherwise.
    viewport: options.viewport ?? { width: 420, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
