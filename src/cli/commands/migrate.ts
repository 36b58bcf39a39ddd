import { migrate } from '../../store/database.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

export async function migrateCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values, { migrate: false });
  try {
    const applied = await migrate(ctx.database);
    io.out(applied.length > 0 ? `applied: ${applied.join(', ')}` : `${ctx.database.location}: up to date`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}
