import { registryStats } from '../../services/registry-stats.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

export async function statsCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const stats = await registryStats(ctx);
    const { drive } = ctx;
    const lang = drive.config.defaultLanguage;
    io.out(`${ctx.database.location}: ${stats.total} registrations`);
    const section = (title: string, map: Record<string, number>, name: (key: string) => string = (k) => k) => {
      io.out(`\n${title}`);
      for (const [key, n] of Object.entries(map).sort((a, b) => b[1] - a[1])) io.out(`  ${name(key).padEnd(32)} ${String(n).padStart(9)}`);
    };
    section('by status', stats.byStatus);
    section('by channel', stats.byChannel);
    section('active, by region', stats.byRegion, (p) => `${drive.areas.get(p)?.name ?? p} (${p})`);
    section('active, by role', stats.byRole, (r) => drive.label(drive.roles.get(r)?.labels ?? {}, lang) || r);
    return 0;
  } finally {
    await ctx.database.close();
  }
}
