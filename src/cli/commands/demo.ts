import { SingleBar } from 'cli-progress';
import { generateForDrive } from '../../demo/generate-for-drive.ts';
import { bulkRegister, type BulkItem } from '../../services/bulk-register.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

const CHUNK = 2000;

/** Fills the registry with synthetic volunteers, by the same rules as real registrations. */
export async function demoCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const count = Number(values.volunteers);
  if (!Number.isInteger(count) || count < 1) throw new Error('--volunteers N is required (a positive whole number)');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  const duplicateRate = values.duplicates === undefined ? 0 : Number(values.duplicates);
  if (!(duplicateRate >= 0 && duplicateRate < 1)) throw new Error('--duplicates must be a rate between 0 and 1');

  const ctx = await openFromCommand(values);
  const progress = new SingleBar({ format: 'demo [{bar}] {percentage}% | {value}/{total} | {eta}s left', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 });
  const started = Date.now();
  const totals = { created: 0, existing: 0, refused: 0 };
  try {
    progress.start(count, 0);
    let chunk: BulkItem[] = [];
    const flush = async () => {
      const result = await bulkRegister(ctx, chunk, 'demo');
      totals.created += result.created;
      totals.existing += result.existing;
      totals.refused += result.refused.length;
      progress.increment(chunk.length);
      chunk = [];
    };
    for (const volunteer of generateForDrive(ctx.drive, { count, seed, duplicateRate, today: ctx.clock() })) {
      chunk.push({ input: volunteer.input, channel: volunteer.channel });
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    progress.stop();
    const seconds = (Date.now() - started) / 1000;
    io.out(
      `${totals.created} volunteers created in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s); ` +
        `${totals.existing} skipped as already registered, ${totals.refused} refused by the rules`,
    );
    return 0;
  } finally {
    progress.stop();
    await ctx.database.close();
  }
}
