/**
 * The agent app's service worker: keeps the app shell so the app opens with no network. The API is
 * never cached here (the outbox lives in IndexedDB, handled by the page). Assets have hashed names:
 * cache first. The page itself: network first, so a new version arrives whenever there is network.
 */

// Minimal types of the service-worker globals (the DOM and WebWorker libraries cannot share one program).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}
const worker = self as unknown as ServiceWorkerScope;

const CACHE = 'muster-agent-shell-v1';
const SHELL = '/agent/';

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const response = await fetch(SHELL, { cache: 'no-store' });
  if (!response.ok) throw new Error(`cannot fetch the app shell: ${response.status}`);
  const html = await response.clone().text();
  // Everything the page loads from this server: its script, style sheets, preloaded chunks, manifest, icon.
  const urls = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] ?? '').filter((u) => u !== '');
  await cache.put(SHELL, response);
  await cache.addAll([...new Set(urls)]);
}

worker.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await worker.clients.claim();
    })(),
  );
});

async function networkFirstShell(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(SHELL, response.clone());
      // A new page may name new assets: fetch them while the network is there.
      const html = await response.clone().text();
      const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
      await Promise.all(urls.map(async (url) => ((await cache.match(url)) ? undefined : cache.add(url).catch(() => undefined))));
    }
    return response;
  } catch {
    return (await cache.match(SHELL)) ?? Response.error();
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/agent')) event.respondWith(networkFirstShell(request));
  else if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/agent/')) event.respondWith(cacheFirst(request));
});
