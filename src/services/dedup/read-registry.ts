import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AppContext } from '../../app/app-context.ts';
import type { PersonRecord } from '../../dedup/person-record.ts';
import { openComparableRow, type SealedComparableRow } from '../../store/comparable-row.ts';

/** Rows read at a time, and handed to a decryption thread at a time. */
const PAGE_SIZE = 5000;

/**
 * Every active volunteer's compared fields, in clear, by increasing id (what `muster dedup` compares).
 * Decryption (an AES-GCM opening per sealed field) is most of the cost of reading a large registry:
 * once the registry proves larger than a page, worker threads open the pages (openComparableRow, the
 * same function as the registration check uses) while this thread reads the next ones from the
 * database. Pages come back in the order they were read.
 */
export async function readComparableRegistry(
  ctx: AppContext,
  options: { threads?: number; /** Rows per page (PAGE; smaller in tests). */ pageSize?: number; onProgress?: (done: number) => void } = {},
): Promise<PersonRecord[]> {
  const db = ctx.database.db;
  const PAGE = Math.max(1, options.pageSize ?? PAGE_SIZE);
  const records: PersonRecord[] = [];
  let page = await ctx.volunteers.sealedComparablePage(db, '', PAGE);
  const threads = Math.max(0, options.threads ?? availableParallelism());
  if (page.length < PAGE || threads === 0) {
    // Small registry: decrypting here costs less than starting threads.
    for (;;) {
      for (const row of page) records.push(openComparableRow(row, ctx.cipher));
      options.onProgress?.(records.length);
      if (page.length < PAGE) return records;
      page = await ctx.volunteers.sealedComparablePage(db, page.at(-1)?.id ?? '', PAGE);
    }
  }
  const pool = startDecryptPool(ctx, threads);
  try {
    // At most two pages per thread in flight: memory stays a few pages whatever the registry.
    const inFlight: Array<Promise<PersonRecord[]>> = [];
    const settleOldest = async (): Promise<void> => {
      const opened = await inFlight.shift();
      if (opened) for (const record of opened) records.push(record);
      options.onProgress?.(records.length);
    };
    for (;;) {
      const opened = pool.open(page);
      // Awaited in turn below; a failure meanwhile must not count as unhandled.
      opened.catch(() => undefined);
      inFlight.push(opened);
      if (page.length < PAGE) break;
      const after = page.at(-1)?.id ?? '';
      if (inFlight.length >= threads * 2) await settleOldest();
      page = await ctx.volunteers.sealedComparablePage(db, after, PAGE);
      if (page.length === 0) break;
    }
    while (inFlight.length > 0) await settleOldest();
    return records;
  } finally {
    await pool.close();
  }
}

/** What a decryption thread receives at start: the data keys (never the index key). */
export interface DecryptWorkerSetup {
  keys: ReadonlyArray<readonly [string, Uint8Array]>;
}

export type DecryptWorkerReply = { id: number; records: PersonRecord[] } | { id: number; error: string };

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.loader)
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

interface DecryptPool {
  open(rows: SealedComparableRow[]): Promise<PersonRecord[]>;
  close(): Promise<void>;
}

function startDecryptPool(ctx: AppContext, size: number): DecryptPool {
  const setup: DecryptWorkerSetup = { keys: [...ctx.keyring.dataKeys].map(([id, key]) => [id, new Uint8Array(key)] as const) };
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./read-registry-worker.ts', import.meta.url).href;
  const waiting = new Map<number, { resolve: (records: PersonRecord[]) => void; reject: (error: Error) => void }>();
  let failure: Error | null = null;
  let closing = false;
  const failAll = (error: Error): void => {
    failure ??= error;
    for (const entry of waiting.values()) entry.reject(failure);
    waiting.clear();
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { loader, entry, setup } });
    worker.on('message', (reply: DecryptWorkerReply) => {
      const pending = waiting.get(reply.id);
      if (!pending) return;
      waiting.delete(reply.id);
      if ('error' in reply) pending.reject(new Error(`reading the registry: ${reply.error}`));
      else pending.resolve(reply.records);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!closing) failAll(new Error(`a registry reading thread stopped (exit code ${code})`));
    });
    return worker;
  });
  let next = 0;
  return {
    open(rows) {
      const id = next++;
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        waiting.set(id, { resolve, reject });
        workers[id % workers.length]?.postMessage({ id, rows });
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
