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

  return () =>
    new Promise<void>((resolve, reject) => {
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
