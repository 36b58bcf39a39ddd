import { useEffect, useState } from 'preact/hooks';
import type { Drive } from '../../src/config/compile-drive.ts';
import type { ScreenProps } from './main.tsx';
import { api, problemText, type Problem } from './api.ts';

/** A volunteer as the API shows it to the caller: personal fields are absent for roles that may not see them. */
export interface VolunteerView {
  id: string;
  reference: string;
  status: string;
  givenName?: string | null;
  familyName?: string | null;
  sex?: string | null;
  birthDate?: string | null;
  birthYear?: number | null;
  phone?: string | null;
  nationalId?: string | null;
  area: string;
  site?: string | null;
  channel?: string;
  roles?: string[];
  skills?: string[];
  languages?: string[];
  availability?: string;
  consent?: { version: string; language: string; at: string; capturedBy: string };
  recordedAt?: string | null;
  createdAt?: string;
  updatedAt?: string;
  withdrawnAt?: string | null;
}

export function areaName(drive: Drive, pcode: string): string {
  const chain = drive.ancestorsOf(pcode);
  if (chain.length === 0) return pcode;
  return chain.map((p) => drive.areas.get(p)?.name ?? p).join(', ');
}

export function fullName(v: VolunteerView, hidden: string): string {
  if (v.givenName === undefined && v.familyName === undefined) return hidden;
  return `${v.givenName ?? ''} ${v.familyName ?? ''}`.trim() || '—';
}

interface Filters {
  /** A reference ("7K3Q-9XDM") or a phone number, as typed. */
  q: string;
  area: string;
  role: string;
  skill: string;
  availability: string;
  status: string;
}

export function Roster({ t, lang, drive, go }: ScreenProps) {
  const [filters, setFilters] = useState<Filters>({ q: '', area: '', role: '', skill: '', availability: '', status: 'active' });
  const [typed, setTyped] = useState('');
  const [region, setRegion] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ items: VolunteerView[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState('');

  const load = async (cursor: string | null) => {
    const query = new URLSearchParams({ limit: '25' });
    for (const [key, value] of Object.entries(filters) as [string, string][]) if (value && key !== 'q') query.set(key, value);
    const q = filters.q.trim();
    if (q) query.set(/^[0-9a-z]{4}-?[0-9a-z]{4}$/i.test(q) ? 'reference' : 'phone', q);
    if (cursor) query.set('cursor', cursor);
    const answer = await api<{ items: VolunteerView[]; nextCursor: string | null } & Problem>('GET', `/api/v1/volunteers?${query.toString()}`);
    if (answer.ok) {
      setPage(answer.body);
      setError('');
    } else setError(problemText(answer.body));
  };
  useEffect(() => {
    setCursors([null]);
    void load(null);
  }, [filters]);

  const hidden = t('console_hidden');
  const select = (id: keyof Filters, label: string, options: [string, string][]) => (
    <div class="f">
      <label for={`filter-${id}`}>{label}</label>
      <select id={`filter-${id}`} value={filters[id]} onChange={(e) => setFilters({ ...filters, [id]: e.currentTarget.value })}>
        <option value="">{t('console_any')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const regions = drive.children(null);
  const departments = region ? drive.children(region) : [];

  return (
    <>
      <h2>{t('console_roster')}</h2>
      <form
        class="card filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...filters, q: typed });
        }}
      >
        <div class="f">
          <label for="filter-q">{t('console_search_hint')}</label>
          <input id="filter-q" type="search" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </div>
        <button type="submit">{t('console_search')}</button>
        <div class="f">
          <label for="filter-region">{t('console_area')}</label>
          <select
            id="filter-region"
            value={region}
            onChange={(e) => {
              setRegion(e.currentTarget.value);
              setFilters({ ...filters, area: e.currentTarget.value });
            }}
          >
            <option value="">{t('console_any')}</option>
            {regions.map((a) => (
              <option key={a.pcode} value={a.pcode}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        {departments.length > 0 &&
          select(
            'area',
            drive.label(drive.config.areaLevels.find((l) => l.level === 2)?.labels ?? {}, lang) || 'Department',
            [[region, `${drive.areas.get(region)?.name ?? region} (${t('console_any')})`], ...departments.map((a): [string, string] => [a.pcode, a.name])],
          )}
        {select('role', t('console_role'), drive.config.roles.map((r) => [r.id, drive.label(r.labels, lang)]))}
        {select('skill', t('console_skill'), drive.config.skills.map((s) => [s.id, drive.label(s.labels, lang)]))}
        {select('availability', t('web_availability'), (['immediate', 'within_week', 'later'] as const).map((a) => [a, t(`web_avail_${a}`)]))}
        {select('status', t('console_status'), [
          ['active', 'active'],
          ['withdrawn', 'withdrawn'],
          ['merged', 'merged'],
        ])}
      </form>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      {page &&
        (page.items.length === 0 ? (
          <p>{t('console_no_results')}</p>
        ) : (
          <table id="roster">
            <thead>
              <tr>
                <th>{t('console_reference')}</th>
                <th>{t('console_name')}</th>
                <th>{t('console_area')}</th>
                <th>{t('console_role')}</th>
                <th>{t('console_registered_at')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((v) => (
                <tr key={v.id}>
                  <td>
                    <a href={`#/volunteer/${v.id}`}>{v.reference}</a>
                  </td>
                  <td>{fullName(v, hidden)}</td>
                  <td>{areaName(drive, v.area)}</td>
                  <td>{(v.roles ?? []).map((r) => (drive.roles.get(r) ? drive.label(drive.roles.get(r)!.labels, lang) : r)).join(', ')}</td>
                  <td>{v.createdAt?.slice(0, 10) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <p>
        {cursors.length > 1 && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setCursors([null]);
              void load(null);
            }}
          >
            {t('console_first_page')}
          </button>
        )}{' '}
        {page?.nextCursor && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setCursors([...cursors, page.nextCursor]);
              void load(page.nextCursor);
            }}
          >
            {t('console_next_page')}
          </button>
        )}
      </p>
      <p class="legend">
        <button type="button" class="link" onClick={() => go('#/dashboard')}>
          {t('console_dashboard')}
        </button>
      </p>
    </>
  );
}

export function VolunteerPage({ t, lang, drive, id }: ScreenProps & { id: string }) {
  const [volunteer, setVolunteer] = useState<VolunteerView | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    void api<VolunteerView & Problem>('GET', `/api/v1/volunteers/${encodeURIComponent(id)}`).then((a) => (a.ok ? setVolunteer(a.body) : setError(problemText(a.body))));
  }, [id]);
  if (error)
    return (
      <p class="err" role="alert">
        {error}
      </p>
    );
  if (!volunteer) return <p>…</p>;
  const hidden = t('console_hidden');
  const show = (value: string | number | null | undefined) => (value === undefined ? <em>{hidden}</em> : value === null ? '—' : String(value));
  const labels = (ids: string[] | undefined, map: ReadonlyMap<string, { labels: Record<string, string> }>) =>
    ids === undefined ? <em>{hidden}</em> : ids.map((x) => (map.get(x) ? drive.label(map.get(x)!.labels, lang) : x)).join(', ') || '—';
  const rows: [string, preact.ComponentChildren][] = [
    [t('console_reference'), volunteer.reference],
    [t('console_status'), volunteer.status],
    [t('web_given_name'), show(volunteer.givenName)],
    [t('web_family_name'), show(volunteer.familyName)],
    [t('web_birth_date'), volunteer.birthDate === undefined && volunteer.birthYear === undefined ? <em>{hidden}</em> : show(volunteer.birthDate ?? volunteer.birthYear)],
    [t('web_sex'), show(volunteer.sex)],
    [t('web_phone'), show(volunteer.phone)],
    [t('web_national_id'), show(volunteer.nationalId)],
    [t('console_area'), areaName(drive, volunteer.area)],
    [t('agent_site'), volunteer.site ? (drive.sites.get(volunteer.site)?.name ?? volunteer.site) : '—'],
    [t('console_channel'), volunteer.channel ?? <em>{hidden}</em>],
    [t('console_role'), labels(volunteer.roles, drive.roles)],
    [t('console_skill'), labels(volunteer.skills, drive.skills)],
    [t('web_languages'), volunteer.languages === undefined ? <em>{hidden}</em> : volunteer.languages.join(', ') || '—'],
    [t('web_availability'), volunteer.availability ? t(`web_avail_${volunteer.availability}`) : <em>{hidden}</em>],
  ];
  const history: [string, string][] = [];
  if (volunteer.recordedAt) history.push([volunteer.recordedAt, `recorded on the device (${volunteer.channel ?? ''})`]);
  if (volunteer.createdAt) history.push([volunteer.createdAt, `${t('console_registered_at')} (${volunteer.channel ?? ''})`]);
  if (volunteer.consent) history.push([volunteer.consent.at, `consent v${volunteer.consent.version} (${volunteer.consent.language}), ${volunteer.consent.capturedBy}`]);
  if (volunteer.updatedAt && volunteer.updatedAt !== volunteer.createdAt) history.push([volunteer.updatedAt, 'updated']);
  if (volunteer.withdrawnAt) history.push([volunteer.withdrawnAt, 'withdrawn']);
  history.sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <>
      <h2 id="volunteer-title">
        {fullName(volunteer, hidden)} · {volunteer.reference}
      </h2>
      <div class="grid2">
        <table class="card">
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <section class="card">
          <h3>{t('console_history')}</h3>
          <ol>
            {history.map(([at, what]) => (
              <li key={`${at}${what}`}>
                {at.replace('T', ' ').slice(0, 16)} — {what}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
