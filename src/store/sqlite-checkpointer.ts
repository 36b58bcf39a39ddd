import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a thread of their own. Left to itself, SQLite checkpoints inside
 * whichever COMMIT crosses the threshold, copying pages and fsyncing the database on the main thread
 * while every request waits. Here the main connection never checkpoints (wal_autocheckpoint=0) and
 * this thread runs PASSIVE checkpoints (which never block writers) on its own connection. Durability
 * is unchanged: checkpoints copy only committed frames, and this connection syncs the log before and
 * the database after each checkpoint.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
let stopped = false;
function checkpoint(kind = 'checkpoint') {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: kind, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
    if (kind === 'drained') parentPort.postMessage({ type: 'drained', log: -1, checkpointed: -1 });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'drain') checkpoint('drained');
  if (message === 'stop' && !stopped) {
    stopped = true;
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ type: 'stopped' });
  }
});
`;

export interface SqliteCheckpointer {
  /**
   * Under sustained writes a passive checkpoint never catches up, and the log only restarts from its
   * beginning once it has been wholly copied. When the log has grown past its bound, this returns a
   * promise that settles once the thread has copied everything: the write batcher waits for it before
   * its next transaction (a pause of a few milliseconds), whose COMMIT then restarts the log.
   */
  gate(): Promise<void> | undefined;
  stop(): Promise<void>;
}

interface WorkerMessage {
  type: string;
  message?: string;
  log?: number;
  checkpointed?: number;
}

/** Pages of log (4 KiB each) beyond which writes pause for a full checkpoint: 64 MiB. */
const MAX_LOG_PAGES = 16_384;

export function startSqliteCheckpointer(file: string, intervalMs = 100, onError: (message: string) => void = () => undefined): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  let logPages = 0;
  let draining: { promise: Promise<void>; resolve: () => void } | null = null;
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'error' && message.message) onError(message.message);
    if (message.type === 'checkpoint' || message.type === 'drained') logPages = message.log ?? 0;
    if (message.type === 'drained' && draining) {
      const { resolve } = draining;
      draining = null;
      // The next COMMIT restarts the log; until a checkpoint says otherwise, count it as empty.
      logPages = 0;
      resolve();
    }
  });
  worker.on('error', (error) => onError(error.message));
  return {
    gate() {
      if (draining) return draining.promise;
      if (logPages < MAX_LOG_PAGES) return undefined;
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      draining = { promise, resolve };
      worker.postMessage('drain');
      return promise;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          void worker.terminate().then(() => resolve());
        };
        worker.once('exit', () => resolve());
        worker.on('message', (message: { type: string }) => {
          if (message.type === 'stopped') done();
        });
        worker.postMessage('stop');
        // A worker that cannot answer (crashed) must not hold shutdown.
        setTimeout(done, 2000).unref();
      }),
  };
}
