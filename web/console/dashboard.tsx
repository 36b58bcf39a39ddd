import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './main.tsx';
import { api } from './api.ts';
import { NIGER_REGIONS } from './niger-regions.ts';

interface Stats {
  total: number;
  byStatus: Record<string, number>;
  byChannel: Record<string, number>;
  byRegion: Record<string, number>;
  byRole: Record<string, number>;
  byDay: Record<string, number>;
  bySite: Record<string, number>;
}

/** Five shades of green, light to dark; regions with none stay grey. */
const SHADES = ['#d6eedd', '#a4d8b2', '#6dbd84', '#35995a', '#0a6d3c'];

export function shadeFor(count: number, max: number): string {
  if (count <= 0 || max <= 0) return '#eceeec';
  const step = Math.min(SHADES.length - 1, Math.floor((count / max) * SHADES.length - 1e-9));
  return SHADES[Math.max(0, step)] ?? SHADES[0]!;
}

function DayChart({ byDay, label }: { byDay: Record<string, number>; label: string }) {
  // The last 30 days up to the latest day with registrations, empty days included.
  const days = Object.keys(byDay).sort();
  const last = days[days.length - 1];
  if (!last) return null;
  const series: [string, number][] = [];
  const end = new Date(`${last}T00:00:00Z`);
  for (let i = 29; i >= 0; i--) {
    const day = new Date(end.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    series.push([day, byDay[day] ?? 0]);
  }
  const max = Math.max(1, ...series.map(([, n]) => n));
  const width = 600;
  const height = 180;
  const barWidth = width / series.length;
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={label} width="100%">
        {series.map(([day, n], i) => {
          const h = (n / max) * height;
          return (
            <rect key={day} class="bar" x={i * barWidth + 1} y={height - h} width={barWidth - 2} height={h}>
              <title>{`${day}: ${n}`}</title>
            </rect>
          );
        })}
        <text x="0" y={height + 16} font-size="12">
          {series[0]?.[0]}
        </text>
        <text x={width} y={height + 16} font-size="12" text-anchor="end">
          {last}
        </text>
        <text x={width} y="12" font-size="12" text-anchor="end">
          {max}
        </text>
      </svg>
    </figure>
  );
}

function CountTable({ rows, head }: { rows: [string, number][]; head: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th>{head}</th>
          <th>#</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, n]) => (
          <tr key={name}>
            <td>{name}</td>
            <td>{n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard({ t, lang, drive }: ScreenProps) {
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    void api<Stats>('GET', '/api/v1/stats').then((a) => a.ok && setStats(a.body));
  }, []);
  if (!stats) return <p>…</p>;
  const max = Math.max(0, ...Object.values(stats.byRegion));
  const roleRows = Object.entries(stats.byRole)
    .map(([id, n]): [string, number] => [drive.roles.get(id) ? drive.label(drive.roles.get(id)!.labels, lang) : id, n])
    .sort((a, b) => b[1] - a[1]);
  const siteRows = Object.entries(stats.bySite)
    .map(([id, n]): [string, number] => [drive.sites.get(id)?.name ?? '—', n])
    .sort((a, b) => b[1] - a[1]);
  return (
    <>
      <h2 id="total">{t('console_total', { count: stats.total })}</h2>
      <div class="grid2">
        <section class="card">
          <h3>{t('console_per_day')}</h3>
          <DayChart byDay={stats.byDay} label={t('console_per_day')} />
        </section>
        <section class="card">
          <h3>{t('console_by_region')}</h3>
          <svg class="map" viewBox={`0 0 ${NIGER_REGIONS.width} ${NIGER_REGIONS.height}`} width="100%" role="img" aria-labelledby="map-title">
            <title id="map-title">{t('console_by_region')}</title>
            {NIGER_REGIONS.regions.map((region) => {
              const n = stats.byRegion[region.pcode] ?? 0;
              return (
                <path key={region.pcode} d={region.d} fill={shadeFor(n, max)} fill-rule="evenodd" data-pcode={region.pcode} data-count={n}>
                  <title>{`${region.name} (${region.pcode}): ${n}`}</title>
                </path>
              );
            })}
            {NIGER_REGIONS.regions
              .filter((region) => region.pcode === 'NE008')
              .map((region) => (
                // Niamey is a few pixels wide at this scale: a disc of its colour marks it.
                <circle key="niamey" cx={region.cx} cy={region.cy} r="9" fill={shadeFor(stats.byRegion[region.pcode] ?? 0, max)} stroke="#111" data-pcode-marker={region.pcode}>
                  <title>{`${region.name} (${region.pcode}): ${stats.byRegion[region.pcode] ?? 0}`}</title>
                </circle>
              ))}
            {NIGER_REGIONS.regions.map((region) => (
              <text key={`${region.pcode}-label`} x={region.cx} y={region.cy} font-size="14" text-anchor="middle">
                {region.pcode === 'NE008' ? '' : `${region.name} ${stats.byRegion[region.pcode] ?? 0}`}
              </text>
            ))}
          </svg>
          <p class="legend">
            {t('console_map_source')} Niamey: {stats.byRegion.NE008 ?? 0}. Max {max}.
          </p>
        </section>
        <section class="card">
          <h3>{t('console_by_role')}</h3>
          <CountTable rows={roleRows} head={t('console_role')} />
        </section>
        <section class="card">
          <h3>{t('console_by_site')}</h3>
          <CountTable rows={siteRows} head={t('agent_site')} />
        </section>
      </div>
    </>
  );
}
