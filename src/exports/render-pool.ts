import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../crypto/keyring.ts';
import { personalKeysFrom } from '../store/personal-fields.ts';
import { PACKED_ROW, renderPage, type PageSpec, type RenderedPage } from './roster-page.ts';

/**
 * Turns pages of raw roster rows into export output (see roster-page.ts). For large exports the work
 * (one AES-GCM decryption per person, then the layout and the CSV text: most of an
 * export's cost) runs on worker threads, while the main thread reads the next pages and writes and
 * encrypts the file. Pages come back in the order they were sent.
 */
export interface RenderPool {
  render(rows: unknown[][] | string): Promise<RenderedPage>;
  close(): Promise<void>;
}

/** Renders on the calling thread: small exports, where starting threads would cost more than it saves. */
export function inlineRenderer(keyring: Keyring, spec: PageSpec): RenderPool {
  const keys = personalKeysFrom(keyring.dataKeys);
  return {
    render: (rows) => Promise.resolve().then(() => renderPage(keys, spec, rows)),
    close: () => Promise.resolve(),
  };
}

/**
 * Inline for the first pages; once a roster proves large (a full page, so more to come), worker threads
 * start, and take the pages sent after they are ready. Starting them costs about a second (they load
 * the TypeScript sources): a small export never pays it. Pages still come back in order.
 */
export function adaptiveRenderer(keyring: Keyring, spec: PageSpec, pageSize: number, size?: number): RenderPool {
  const inline = inlineRenderer(keyring, spec);
  let pool: RenderPool | null = null;
  let starting: Promise<RenderPool> | null = null;
  let failed: Error | null = null;
  return {
    render(rows) {
      if (failed) return Promise.reject(failed);
      if (pool) return pool.render(rows);
      if (!starting && rowCount(rows) >= pageSize) {
        starting = startRenderPool(keyring, spec, size);
        starting.then(
          (started) => (pool = started),
          (error: unknown) => (failed = error instanceof Error ? error : new Error(String(error))),
        );
      }
      return inline.render(rows);
    },
    async close() {
      const started = await starting?.catch(() => null);
      await started?.close();
    },
  };
}

/**
 * Loads the worker's TypeScript through tsx's CommonJS hooks, which transform on the worker's own thread
 * (the worker's modules use neither top-level await nor import.meta). tsx's ES module hooks, as the
 * `muster` command uses them, run on a loader thread of their own per worker: measured, two workers
 * took 62 MB of resident memory that way against 38 MB this way.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.loader).register();
require(workerData.entry);
`;

interface Reply {
  id?: number;
  ready?: boolean;
  page?: RenderedPage;
  error?: string;
}

/**
 * Workers: one per core beside the main thread's (which reads the roster and writes and encrypts the
 * file), at least one, at most four. Since personal fields are sealed together, decrypting a person costs
 * about what the main thread spends on their row, so one worker keeps up on two cores; each worker also
 * costs about 50 MB (its own heap and module loader), against the 300 MB budget of a 1M-row export.
 */
export function renderPoolSize(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

export async function startRenderPool(keyring: Keyring, spec: PageSpec, size = renderPoolSize()): Promise<RenderPool> {
  const keys = [...keyring.dataKeys].map(([id, key]) => [id, new Uint8Array(key)] as const);
  const waiting = new Map<number, { resolve: (page: RenderedPage) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  const loader = fileURLToPath(import.meta.resolve('tsx/cjs/api'));
  const entry = fileURLToPath(new URL('./render-worker.ts', import.meta.url));
  const workers = await Promise.all(
    Array.from(
      { length: size },
      () =>
        new Promise<Worker>((resolve, reject) => {
          // A worker holds a page or two at a time: a small heap is plenty.
          const worker = new Worker(BOOTSTRAP, {
            eval: true,
            workerData: { loader, entry, setup: { keys, spec } },
            resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
          });
          worker.on('message', (reply: Reply) => {
            if (reply.ready) return resolve(worker);
            const pending = reply.id === undefined ? undefined : waiting.get(reply.id);
            if (!pending || reply.id === undefined) return;
            waiting.delete(reply.id);
            if (reply.error !== undefined || !reply.page) pending.reject(new Error(reply.error ?? 'no answer from the export worker'));
            else pending.resolve(reply.page);
          });
          worker.on('error', (error) => {
            reject(error);
            failAll(error);
          });
          worker.on('exit', (code) => {
            if (waiting.size > 0) failAll(new Error(`an export worker stopped (exit code ${code})`));
          });
        }),
    ),
  );
  let next = 0;
  return {
    render(rows) {
      const id = next++;
      const worker = workers[id % workers.length];
      if (!worker) return Promise.reject(new Error('no export worker'));
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, rows });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function rowCount(page: unknown[][] | string): number {
  if (typeof page !== 'string') return page.length;
  let rows = 1;
  for (let at = page.indexOf(PACKED_ROW); at >= 0; at = page.indexOf(PACKED_ROW, at + 1)) rows += 1;
  return rows;
}
