import { sealAllPendingAudit } from '../../audit/audit-sealer.ts';
import { verifyAudit } from '../../services/verify-audit.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

/** Seals what is pending, then re-checks every link of the chain and every signed checkpoint. */
export async function auditVerifyCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const sealed = await sealAllPendingAudit(ctx.database);
    const result = await verifyAudit({ database: ctx.database, keyring: ctx.keyring, checkpointFile: ctx.auditCheckpointFile });
    if (sealed > 0) io.out(`sealed ${sealed} pending entries`);
    io.out(`${result.entries} entries, ${result.checkpoints} signed checkpoints (${ctx.auditCheckpointFile})`);
    if (result.ok) {
      io.out(`OK: chain intact, head ${result.head}`);
      return 0;
    }
    if (result.firstBadSeq !== undefined) io.err(`first bad entry: ${result.firstBadSeq}`);
    for (const problem of result.problems) io.err(`  ${problem}`);
    return 1;
  } finally {
    await ctx.database.close();
  }
}
