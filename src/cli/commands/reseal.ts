import { SingleBar } from 'cli-progress';
import { resealVolunteers, RESEAL_BATCH } from '../../services/reseal-volunteers.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

/**
 * `muster reseal`: seals the personal fields of rows written before migration 0008 together (see
 * services/reseal-volunteers.ts). Ctrl-C stops after the current batch; running it again goes on.
 */
export async function resealCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const batchSize = values.batch === undefined ? RESEAL_BATCH : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch must be a whole number from 1 to 10000');
  const ctx = await openFromCommand(values);
  const progress = new SingleBar({ format: 'reseal [{bar}] {percentage}% | {value}/{total} | {eta}s left', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 });
  let stopping = false;
  const stop = () => {
    if (!stopping) io.err('stopping after the current batch (run `muster reseal` again to go on)');
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    let started = false;
    const result = await resealVolunteers(ctx, 'system:cli', {
      batchSize,
      shouldStop: () => stopping,
      onProgress: (converted, total) => {
        if (total < 10 * batchSize) return;
        if (!started) progress.start(total, 0);
        started = true;
        progress.update(Math.min(converted, total));
      },
    });
    progress.stop();
    io.out(
      result.complete
        ? `${result.converted} volunteers resealed (one ciphertext per person) in ${result.seconds.toFixed(1)} s; none left in the per-field form`
        : `${result.converted} of ${result.found} volunteers resealed in ${result.seconds.toFixed(1)} s; stopped before the end: run \`muster reseal\` again to go on`,
    );
    return result.complete ? 0 : 1;
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ctx.database.close();
  }
}
