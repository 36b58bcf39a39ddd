import { dedupRegistry } from '../../services/dedup/dedup-registry.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

/** `muster dedup`: the whole registry, into the review queue. */
export async function dedupCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    let last = '';
    const result = await dedupRegistry(ctx, 'system:cli', (step, done, total) => {
      const line = `${step} ${done}/${total}`;
      if (step !== last) io.err(line);
      last = step;
    });
    io.out(
      `${result.records} active volunteers, ${result.candidatePairs} candidate pairs, ${result.pairs} likely duplicates, ` +
        `${result.queued} new in the review queue, in ${result.seconds.toFixed(1)} s; match model saved for the registration check`,
    );
    return 0;
  } finally {
    await ctx.database.close();
  }
}
