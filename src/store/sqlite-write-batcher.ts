import { sql, type Kysely, type Transaction } from 'kysely';

interface PendingWrite<DB> {
  work: (trx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for SQLite. Each write still runs in its own savepoint (one failing write never undoes
 * another; a write alone in its batch needs none), but all writes that arrive during one turn of the
 * event loop share one transaction and so one fsync. A write's promise settles only after the shared COMMIT and the `sync` that follows it
 * (an fsync of the write-ahead log off the main thread, see wal-syncer.ts), so an acknowledged write
 * is on disk even if the power fails right after.
 *
 * The next batch may run while the previous one's fsync is in flight. It may then read rows that are
 * committed but not yet on disk, but its own answers wait for an fsync that starts after its COMMIT,
 * which flushes the whole log, earlier batches included: nothing is ever acknowledged on the strength
 * of data that could still vanish.
 *
 * Write functions must only touch the database: better-sqlite3 is synchronous, so a batch runs in one
 * macrotask and nothing else interleaves with it.
 */
export class SqliteWriteBatcher<DB> {
  private queue: PendingWrite<DB>[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly db: Kysely<DB>,
    /** Makes committed transactions durable; resolves once they are on disk. */
    private readonly sync: () => Promise<void>,
    /** Something the next batch must wait for (a full checkpoint of an overgrown log), if any. */
    private readonly gate: () => Promise<void> | undefined = () => undefined,
    private readonly maxBatch = 512,
  ) {}

  write<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate runs after pending I/O callbacks, so requests read in the same turn join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const gate = this.gate();
    if (gate) await gate;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let durable: Promise<void>;
    try {
      // A write alone in its transaction needs no savepoint: if it fails, the whole transaction is
      // rolled back, which undoes exactly that write. A savepoint makes SQLite copy every page the write
      // changes into a sub-journal first (a large import batch changes thousands).
      const alone = batch.length === 1;
      await this.db.transaction().execute(async (trx) => {
        for (const item of batch) {
          if (alone) {
            outcomes.push({ ok: true, value: await item.work(trx) });
            continue;
          }
          await sql`savepoint w`.execute(trx);
          try {
            const value = await item.work(trx);
            await sql`release savepoint w`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to savepoint w`.execute(trx);
            await sql`release savepoint w`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
      durable = this.sync();
    } catch (error) {
      // The COMMIT failed (disk full, I/O error), or the only write of the batch failed: nothing of the
      // batch is stored, and its writes fail with this error.
      durable = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
    try {
      await durable;
    } catch (error) {
      // Committed but perhaps not on disk: no write of the batch may be counted on.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome ? outcome.error : new Error('write not run'));
    });
  }
}
