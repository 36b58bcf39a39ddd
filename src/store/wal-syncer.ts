import { closeSync, fstatSync, fsync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Flushes a SQLite write-ahead log to disk without blocking the event loop.
 *
 * SQLite with synchronous=FULL fsyncs the log inside COMMIT, and better-sqlite3 runs COMMIT on the
 * main thread: every fsync stops the server. With synchronous=NORMAL, COMMIT only writes the log; this
 * syncer then fsyncs the log file on libuv's thread pool, and a write is acknowledged only after that,
 * so an acknowledged write survives a power cut exactly as with FULL (SQLite itself still syncs the
 * log before each checkpoint and the database after it, which is what NORMAL guarantees).
 */
export function createWalSyncer(databaseFile: string): () => Promise<void> {
  const walFile = `${databaseFile}-wal`;
  let fd: number | null = null;
  let inode = 0;
  let directorySynced = false;

  function currentFd(): number {
    // SQLite may delete and recreate the log when every connection closes; follow the file by inode.
    const onDisk = statSync(walFile);
    if (fd !== null && inode === onDisk.ino) return fd;
    if (fd !== null) closeSync(fd);
    fd = openSync(walFile, 'r');
    inode = fstatSync(fd).ino;
    if (!directorySynced) {
      // The log's directory entry must be durable too, once, when the file first appears.
      const dir = openSync(dirname(walFile), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      directorySynced = true;
    }
    return fd;
  }

  function fsyncOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let target: number;
      try {
        target = currentFd();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      fsync(target, (error) => (error ? reject(error) : resolve()));
    });
  }

  // Callers arriving while an fsync runs share the next one, which starts when the current one ends:
  // it starts after their COMMIT, so it covers them, and fsyncs never pile up.
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (!current) {
      current = fsyncOnce().finally(() => {
        current = null;
      });
      return current;
    }
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = null;
        return sync();
      });
    return next;
  };
  return sync;
}
