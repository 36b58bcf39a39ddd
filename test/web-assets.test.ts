import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer } from '../src/http/build-server.ts';
import { sqliteTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { ensureWebBuilt } from './browser/browser.ts';
import { describe } from 'vitest';

/** The built apps as served by `muster serve`: types, caching, compression, the service worker's scope. */
describe('web assets served by the server', () => {
  let testDb: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    ensureWebBuilt();
    testDb = sqliteTestDatabase();
    app = await buildServer(await testDb.open());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  it('serves the agent app and the console shells with a strict content security policy', async () => {
    for (const url of ['/agent/', '/agent', '/console/', '/console/#/roster']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.body).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js"><\/script>/);
    }
  });

  it('serves the service worker at a fixed URL under its scope, and the manifest', async () => {
    const sw = await app.inject({ url: '/agent/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toContain('javascript');
    expect(sw.headers['cache-control']).toBe('no-cache');
    const manifest = await app.inject({ url: '/agent/manifest.webmanifest' });
    expect(manifest.json()).toMatchObject({ start_url: '/agent/', scope: '/agent/' });
  });

  it('serves hashed assets as immutable, gzipped when asked, and answers 304 to a known ETag', async () => {
    const page = await app.inject({ url: '/agent/' });
    const script = /src="(\/assets\/[\w-]+\.js)"/.exec(page.body)?.[1] ?? '';
    const plain = await app.inject({ url: script });
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await app.inject({ url: script, headers: { 'accept-encoding': 'gzip, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    const again = await app.inject({ url: script, headers: { 'if-none-match': String(plain.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ url: '/assets/nothing-here.js' })).statusCode).toBe(404);
  });

  it('gzips the public page for clients that accept it', async () => {
    const res = await app.inject({ url: '/register', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.rawPayload.length).toBeLessThan(8 * 1024);
  });
});
