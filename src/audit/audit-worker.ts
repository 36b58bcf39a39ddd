import type { AppContext } from '../app/app-context.ts';
import { AuditCheckpointer } from './audit-checkpointer.ts';
import { deriveAuditSigningKey } from './checkpoints.ts';
import { sealAllPendingAudit, sealPendingAudit } from './audit-sealer.ts';

export interface AuditWorker {
  /** Seals what is pending and writes a checkpoint now (tests, shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the audit chain current in the background: seals pending entries every `intervalMs` and
 * writes a signed checkpoint when one is due. Runs in the server process; any number of processes
 * may run it against PostgreSQL.
 */
export function startAuditWorker(ctx: AppContext, options: { intervalMs?: number; everyEntries?: number; everyMs?: number; onError?: (error: unknown) => void } = {}): AuditWorker {
  const checkpointer = new AuditCheckpointer(
    ctx.database,
    deriveAuditSigningKey(ctx.keyring),
    ctx.auditCheckpointFile,
    { everyEntries: options.everyEntries ?? 1000, everyMs: options.everyMs ?? 5 * 60_000 },
    ctx.clock,
  );
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    while ((await sealPendingAudit(ctx.database)) > 0) {
      // keep going while there is a backlog
    }
    await checkpointer.maybeCheckpoint();
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 1000);
  timer.unref();
  const flush = async () => {
    await running;
    await sealAllPendingAudit(ctx.database);
    await checkpointer.checkpointNow();
  };
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
