import { issueAdminToken } from '../../services/admin-token.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

export async function adminTokenCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const token = await issueAdminToken(ctx.database, ctx.clock());
    io.out(token);
    io.err('This token replaces any earlier one. Send it as "Authorization: Bearer <token>". Keep it secret.');
    return 0;
  } finally {
    await ctx.database.close();
  }
}
