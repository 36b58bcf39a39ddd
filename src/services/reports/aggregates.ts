import { sql } from 'kysely';
import type { Writable } from 'node:stream';
import type { Drive } from '../../config/load-drive.ts';
import { tableWriter } from '../../exports/table-writers.ts';
import { translate } from '../../i18n/translate.ts';
import type { Database } from '../../store/database.ts';

/** Counts of active volunteers, without any personal data: for reports and the press. */
export interface AggregateRow {
  dimension: 'region' | 'department' | 'commune' | 'role' | 'skill' | 'day';
  key: string;
  label: string;
  count: number;
}

export const AGGREGATE_DIMENSIONS = ['region', 'department', 'commune', 'role', 'skill', 'day'] as const;

/**
 * Active volunteers counted by area (each level of the hierarchy), role, skill and day of
 * registration. Counts under `minimumCount` are shown as `<minimumCount` in the files (small
 * numbers in a small place can point at a person); 0 shows every count.
 */
export async function aggregateCounts(deps: { database: Database; drive: Drive }, lang: string): Promise<AggregateRow[]> {
  const { db } = deps.database;
  const [areaRows, roleRows, skillRows, dayRows] = await Promise.all([
    db.selectFrom('volunteers').where('status', '=', 'active').select(['area', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('area').execute(),
    db
      .selectFrom('volunteer_roles as r')
      .innerJoin('volunteers as v', 'v.id', 'r.volunteer_id')
      .where('v.status', '=', 'active')
      .select(['r.role as key', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('r.role')
      .execute(),
    db
      .selectFrom('volunteer_skills as s')
      .innerJoin('volunteers as v', 'v.id', 's.volunteer_id')
      .where('v.status', '=', 'active')
      .select(['s.skill as key', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('s.skill')
      .execute(),
    db
      .selectFrom('volunteers')
      .where('status', '=', 'active')
      .select([sql<string>`substr(created_at, 1, 10)`.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(sql`substr(created_at, 1, 10)`)
      .execute(),
  ]);
  const byLevel = new Map<number, Map<string, number>>();
  for (const row of areaRows) {
    // An area counts in itself and in every area above it.
    for (const pcode of deps.drive.ancestorsOf(row.area)) {
      const level = deps.drive.areas.get(pcode)?.level ?? 0;
      const counts = byLevel.get(level) ?? new Map<string, number>();
      counts.set(pcode, (counts.get(pcode) ?? 0) + Number(row.n));
      byLevel.set(level, counts);
    }
  }
  const out: AggregateRow[] = [];
  const levelNames: Record<number, AggregateRow['dimension']> = { 1: 'region', 2: 'department', 3: 'commune' };
  for (const level of [...byLevel.keys()].sort()) {
    const dimension = levelNames[level];
    if (!dimension) continue;
    const counts = byLevel.get(level) ?? new Map<string, number>();
    for (const [pcode, count] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out.push({ dimension, key: pcode, label: deps.drive.areas.get(pcode)?.name ?? pcode, count });
  }
  const roleLabel = (id: string) => {
    const role = deps.drive.roles.get(id);
    return role ? deps.drive.label(role.labels, lang) : id;
  };
  const skillLabel = (id: string) => {
    const skill = deps.drive.skills.get(id);
    return skill ? deps.drive.label(skill.labels, lang) : id;
  };
  for (const r of [...roleRows].sort((a, b) => (a.key < b.key ? -1 : 1))) out.push({ dimension: 'role', key: r.key, label: roleLabel(r.key), count: Number(r.n) });
  for (const r of [...skillRows].sort((a, b) => (a.key < b.key ? -1 : 1))) out.push({ dimension: 'skill', key: r.key, label: skillLabel(r.key), count: Number(r.n) });
  for (const r of [...dayRows].sort((a, b) => (a.key < b.key ? -1 : 1))) out.push({ dimension: 'day', key: r.key, label: r.key, count: Number(r.n) });
  return out;
}

/** The counts as CSV or PDF (one section per dimension), headers in `lang`. */
export async function writeAggregates(
  deps: { database: Database; drive: Drive },
  format: 'csv' | 'pdf',
  lang: string,
  out: Writable,
  options: { minimumCount?: number; now?: Date } = {},
): Promise<number> {
  const rows = await aggregateCounts(deps, lang);
  const minimum = options.minimumCount ?? 0;
  const shown = (n: number) => (n > 0 && n < minimum ? `<${minimum}` : String(n));
  const headers = [translate('report_dimension', lang), translate('report_key', lang), translate('report_label', lang), translate('report_count', lang)];
  const writer = await tableWriter(format, out, {
    title: `Muster — ${deps.drive.label(deps.drive.config.name, lang)}`,
    subtitle: [translate('report_aggregates', lang, { date: (options.now ?? new Date()).toISOString().slice(0, 10) })],
    headers,
  });
  let section: string | null = null;
  let chunk: string[][] = [];
  for (const row of rows) {
    if (row.dimension !== section) {
      if (chunk.length > 0) await writer.rows(chunk);
      chunk = [];
      section = row.dimension;
      await writer.section(translate(`report_by_${row.dimension}`, lang));
    }
    chunk.push([row.dimension, row.key, row.label, shown(row.count)]);
  }
  if (chunk.length > 0) await writer.rows(chunk);
  await writer.end();
  return rows.length;
}
