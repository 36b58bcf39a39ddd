/**
 * What the agent app keeps on the device, in IndexedDB (survives reloads, crashes and the device
 * going off): the outbox of registrations, and the device's enrolment and drive.
 */

export type RecordState = 'waiting' | 'sent' | 'registered' | 'already' | 'review' | 'refused';

export interface OutboxRecord {
  /** Made when the registration is made; the server's idempotency key. */
  clientId: string;
  /** Device time, ISO 8601. */
  createdAt: string;
  /** The device's local day of `createdAt` (YYYY-MM-DD), for the day's counts. */
  day: string;
  /** Shown in the list; the full registration is erased from the device once the server has it. */
  displayName: string;
  /** The registration as sent to the API; null once the server has answered for good. */
  registration: Record<string, unknown> | null;
  state: RecordState;
  reference?: string | undefined;
  /** Why the server refused it, in the language of the answer. */
  errors?: { field: string; message: string }[] | undefined;
  updatedAt: string;
}

export interface Enrolment {
  token: string;
  device: { id: string; name: string; site: string; offlineDays: number };
}

const DB_NAME = 'muster-agent';
const VERSION = 1;
let opening: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'clientId' }).createIndex('createdAt', 'createdAt');
      if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('cannot open IndexedDB'));
  });
  return opening;
}

/** Runs `work` in one transaction and resolves once the transaction is committed (durable). */
async function inTransaction<T>(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => Promise<T> | T): Promise<T> {
  const db = await open();
  const tx = db.transaction(stores, mode, { durability: 'strict' });
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
  });
  const result = await work(tx);
  await done;
  return result;
}

export const store = {
  async getKv<T>(key: string): Promise<T | undefined> {
    return inTransaction(['kv'], 'readonly', (tx) => request(tx.objectStore('kv').get(key) as IDBRequest<T | undefined>));
  },
  async setKv(key: string, value: unknown): Promise<void> {
    await inTransaction(['kv'], 'readwrite', (tx) => request(tx.objectStore('kv').put(value, key)));
  },
  async add(record: OutboxRecord): Promise<void> {
    await inTransaction(['outbox'], 'readwrite', (tx) => request(tx.objectStore('outbox').add(record)));
  },
  /** Every record, oldest first. */
  async all(): Promise<OutboxRecord[]> {
    return inTransaction(['outbox'], 'readonly', (tx) => request(tx.objectStore('outbox').index('createdAt').getAll() as IDBRequest<OutboxRecord[]>));
  },
  /** Changes several records in one transaction; `change` returns the new record (or null to leave it). */
  async update(clientIds: readonly string[], change: (record: OutboxRecord) => OutboxRecord | null): Promise<void> {
    await inTransaction(['outbox'], 'readwrite', async (tx) => {
      const outbox = tx.objectStore('outbox');
      for (const id of clientIds) {
        const current = (await request(outbox.get(id) as IDBRequest<OutboxRecord | undefined>)) ?? null;
        const next = current ? change(current) : null;
        if (next) await request(outbox.put(next));
      }
    });
  },
};

/** The device's local calendar day. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
