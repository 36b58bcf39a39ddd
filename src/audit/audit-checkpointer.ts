import type { Database } from '../store/database.ts';
import { readAuditHashAt, readAuditHead } from '../store/audit-store.ts';
import {
  appendCheckpointFile,
  readCheckpointFile,
  signCheckpoint,
  verifyCheckpoint,
  type AuditSigningKey,
  type SignedCheckpoint,
} from './checkpoints.ts';

export interface CheckpointPolicy {
  /** Sign once this many entries have been appended since the last checkpoint. */
  everyEntries?: number;
  /** Sign once this long has passed since the last checkpoint, if anything was appended. */
  everyMs?: number;
}

interface LastCheckpoint {
  count: number;
  head: string;
  atMs: number;
}

/**
 * Writes signed checkpoints of the audit chain to a file, when enough entries or enough time have
 * accumulated. Meant to be called often (after appends, on a timer): when nothing is due it costs one
 * indexed read of the head; the last checkpoint is kept in memory after the file is read once.
 */
export class AuditCheckpointer {
  private readonly everyEntries: number;
  private readonly everyMs: number;
  private readonly startedAtMs: number;
  /** undefined until the file has been read; null when it holds no checkpoint of ours. */
  private last: LastCheckpoint | null | undefined;
  private inFlight: Promise<SignedCheckpoint | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly database: Pick<Database, 'db' | 'write'>,
    private readonly key: AuditSigningKey,
    private readonly file: string,
    policy: CheckpointPolicy = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.everyEntries = Math.max(1, policy.everyEntries ?? 1000);
    this.everyMs = Math.max(0, policy.everyMs ?? 5 * 60_000);
    this.startedAtMs = clock().getTime();
  }

  /** Writes a checkpoint if one is due; returns it, or null when nothing was due. */
  maybeCheckpoint(): Promise<SignedCheckpoint | null> {
    // Callers arriving while a check runs share it: a burst of calls costs one check.
    this.inFlight ??= this.serially(() => this.run(false)).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Writes a checkpoint of the current head unless the last checkpoint already covers it. */
  checkpointNow(): Promise<SignedCheckpoint | null> {
    return this.serially(() => this.run(true));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(force: boolean): Promise<SignedCheckpoint | null> {
    const last = await this.lastCheckpoint();
    const lastCount = last?.count ?? 0;
    const head = await readAuditHead(this.database.db);
    if (head.seq <= lastCount) return null;
    if (!force) {
      const sinceMs = this.clock().getTime() - (last?.atMs ?? this.startedAtMs);
      if (head.seq - lastCount < this.everyEntries && sinceMs < this.everyMs) return null;
    }
    // Read the head again through a write: on SQLite it settles only after the log is fsynced, so the
    // checkpoint never vouches for entries a power cut could still take away (a false "truncation").
    const durable = await this.database.write(async (trx) => {
      const current = await readAuditHead(trx);
      const previous = last ? await readAuditHashAt(trx, last.count) : null;
      return { current, previous };
    });
    if (last && durable.previous !== last.head) {
      // Signing now would vouch for a chain that contradicts our own last checkpoint.
      throw new Error(
        `audit log entry ${last.count} no longer matches the checkpoint signed at ${new Date(last.atMs).toISOString()}: ` +
          'the log was altered; run `muster audit verify`',
      );
    }
    if (durable.current.seq <= lastCount) return null;
    const now = this.clock();
    const checkpoint = signCheckpoint({ count: durable.current.seq, head: durable.current.hash, at: now.toISOString() }, this.key);
    await appendCheckpointFile(this.file, checkpoint);
    this.last = { count: checkpoint.count, head: checkpoint.head, atMs: now.getTime() };
    return checkpoint;
  }

  private async lastCheckpoint(): Promise<LastCheckpoint | null> {
    if (this.last !== undefined) return this.last;
    const { checkpoints } = await readCheckpointFile(this.file);
    // The highest count that is really ours; lines that are not are the verifier's business.
    let best: LastCheckpoint | null = null;
    for (const { checkpoint } of checkpoints) {
      if (best && checkpoint.count <= best.count) continue;
      if (!verifyCheckpoint(checkpoint, this.key.publicKey)) continue;
      const atMs = Date.parse(checkpoint.at);
      best = { count: checkpoint.count, head: checkpoint.head, atMs: Number.isFinite(atMs) ? atMs : this.startedAtMs };
    }
    this.last = best;
    return best;
  }
}
