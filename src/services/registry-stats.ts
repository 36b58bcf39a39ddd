import { sql } from 'kysely';
import type { Drive } from '../config/load-drive.ts';
import type { Database } from '../store/database.ts';

export interface RegistryStats {
  total: number;
  byStatus: Record<string, number>;
  byChannel: Record<string, number>;
  /** Active volunteers per region P-code. */
  byRegion: Record<string, number>;
  /** Active volunteers per role. */
  byRole: Record<string, number>;
  /** Registrations per day (UTC date of creation). */
  byDay: Record<string, number>;
  /** Active volunteers per registration site ("none" for registrations made without a site). */
  bySite: Record<string, number>;
}

/** Aggregates only: no personal data, safe for dashboards and reports. */
export async function registryStats(deps: { database: Database; drive: Drive }): Promise<RegistryStats> {
  const { db } = deps.database;
  const [areaRows, roleRows, dayRows, siteRows] = await Promise.all([
    db
      .selectFrom('volunteers')
      .select(['area', 'status', 'channel', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['area', 'status', 'channel'])
      .execute(),
    db
      .selectFrom('volunteer_roles as r')
      .innerJoin('volunteers as v', 'v.id', 'r.volunteer_id')
      .where('v.status', '=', 'active')
      .select(['r.role', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('r.role')
      .execute(),
    db
      .selectFrom('volunteers')
      .select([sql<string>`substr(created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(sql`substr(created_at, 1, 10)`)
      .execute(),
    db
      .selectFrom('volunteers')
      .where('status', '=', 'active')
      .select(['site', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('site')
      .execute(),
  ]);
  const stats: RegistryStats = { total: 0, byStatus: {}, byChannel: {}, byRegion: {}, byRole: {}, byDay: {}, bySite: {} };
  const add = (map: Record<string, number>, key: string, n: number) => {
    map[key] = (map[key] ?? 0) + n;
  };
  for (const row of areaRows) {
    const n = Number(row.n);
    stats.total += n;
    add(stats.byStatus, row.status, n);
    add(stats.byChannel, row.channel, n);
    if (row.status === 'active') add(stats.byRegion, deps.drive.regionOf(row.area)?.pcode ?? row.area, n);
  }
  for (const row of roleRows) stats.byRole[row.role] = Number(row.n);
  for (const row of dayRows) stats.byDay[row.day] = Number(row.n);
  for (const row of siteRows) stats.bySite[row.site ?? 'none'] = Number(row.n);
  return stats;
}
