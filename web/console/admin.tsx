import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './main.tsx';
import { api, problemText, type Problem } from './api.ts';

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: unknown;
  ip: string | null;
  deviceTime: string | null;
}

/** The audit log, for auditors: filter by who, what and since when; pages of 50. */
export function AuditLog({ t }: ScreenProps) {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [after, setAfter] = useState<number[]>([]);
  const [page, setPage] = useState<{ items: AuditEntry[]; nextAfter: number | null } | null>(null);
  const [error, setError] = useState('');
  const load = async (from: number | undefined) => {
    const query = new URLSearchParams({ limit: '50' });
    if (actor.trim()) query.set('actor', actor.trim());
    if (action.trim()) query.set('action', action.trim());
    if (since.trim()) query.set('since', since.trim());
    if (from !== undefined) query.set('after', String(from));
    const answer = await api<{ items: AuditEntry[]; nextAfter: number | null } & Problem>('GET', `/api/v1/audit?${query.toString()}`);
    if (answer.ok) {
      setPage(answer.body);
      setError('');
    } else setError(problemText(answer.body));
  };
  useEffect(() => {
    void load(undefined);
  }, []);
  const text = (id: string, label: string, value: string, set: (v: string) => void, placeholder?: string) => (
    <div class="f">
      <label for={id}>{label}</label>
      <input id={id} value={value} placeholder={placeholder} onInput={(e) => set(e.currentTarget.value)} />
    </div>
  );
  return (
    <>
      <h2>{t('console_audit')}</h2>
      <form
        class="card filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAfter([]);
          void load(undefined);
        }}
      >
        {text('audit-actor', t('console_actor'), actor, setActor, 'user:…')}
        {text('audit-action', t('console_action'), action, setAction, 'volunteer.read')}
        {text('audit-since', t('console_when'), since, setSince, '2026-01-01')}
        <button>{t('console_filter')}</button>
      </form>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      {page && (
        <table id="audit">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('console_when')}</th>
              <th>{t('console_actor')}</th>
              <th>{t('console_action')}</th>
              <th>{t('console_details')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{entry.at.replace('T', ' ').slice(0, 19)}</td>
                <td>{entry.actor}</td>
                <td>{entry.action}</td>
                <td>
                  <code>{typeof entry.details === 'string' ? entry.details : JSON.stringify(entry.details)}</code>
                  {entry.ip ? ` · ${entry.ip}` : ''}
                  {entry.deviceTime ? ` · device ${entry.deviceTime}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {after.length > 0 && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setAfter([]);
              void load(undefined);
            }}
          >
            {t('console_first_page')}
          </button>
        )}{' '}
        {page?.nextAfter != null && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setAfter([...after, page.nextAfter!]);
              void load(page.nextAfter!);
            }}
          >
            {t('console_next_page')}
          </button>
        )}
      </p>
    </>
  );
}

/**
 * What the accounts and devices screens share: a list read from `path`, a form that creates one item
 * and shows its one-time secret once, and an action per row (disable, revoke) answered by a reload.
 */
function useManagedList<T>(path: string, t: ScreenProps['t']) {
  const [items, setItems] = useState<T[]>([]);
  const [message, setMessage] = useState('');
  const load = async () => {
    const answer = await api<{ items: T[] }>('GET', path);
    if (answer.ok) setItems(answer.body.items);
  };
  useEffect(() => {
    void load();
  }, [path]);
  /** Creates an item; the answer's `secretField` (one-time password, enrolment code) is shown once. */
  const create = async (body: unknown, secretField: string) => {
    const answer = await api<Record<string, string> & Problem>('POST', path, body);
    setMessage(answer.ok ? t('console_one_time_secret', { secret: answer.body[secretField] ?? '' }) : problemText(answer.body));
    await load();
  };
  const act = async (id: string, verb: string) => {
    const answer = await api<Problem>('POST', `${path}/${id}/${verb}`);
    if (!answer.ok) setMessage(problemText(answer.body));
    await load();
  };
  return { items, message, create, act };
}

function Field({ id, label, children }: { id: string; label: string; children: preact.ComponentChildren }) {
  return (
    <div class="f">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

function SiteSelect({ id, drive, value, onChange, optional }: { id: string; drive: ScreenProps['drive']; value: string; onChange: (v: string) => void; optional?: boolean }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {optional && <option value="">—</option>}
      {drive.config.sites.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  );
}

function SecretMessage({ message }: { message: string }) {
  return message ? (
    <p role="status" class="secret">
      {message}
    </p>
  ) : null;
}

interface StaffUser {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  areas: string[];
  site: string | null;
  secondFactor: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  disabledAt: string | null;
}

const ROLES = ['admin', 'coordinator', 'agent', 'officer', 'auditor', 'analyst'];

/** Staff accounts, for admins: list, create (one-time password shown once), disable. */
export function Users({ t, drive }: ScreenProps) {
  const { items: users, message, create, act } = useManagedList<StaffUser>('/api/v1/users', t);
  const [form, setForm] = useState({ username: '', role: 'coordinator', areas: '', site: '' });
  const submit = (event: Event) => {
    event.preventDefault();
    const areas = form.areas
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    void create({ username: form.username, role: form.role, areas, site: form.site || null }, 'oneTimePassword');
  };
  return (
    <>
      <h2>{t('console_users')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('console_username')}</th>
            <th>{t('console_role')}</th>
            <th>{t('console_area')}</th>
            <th>2FA</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.role}</td>
              <td>{[...u.areas.map((a) => drive.areas.get(a)?.name ?? a), u.site ? (drive.sites.get(u.site)?.name ?? u.site) : ''].filter(Boolean).join(', ')}</td>
              <td>{u.secondFactor ? '✓' : '—'}</td>
              <td>
                {u.disabledAt ? (
                  t('console_disabled')
                ) : (
                  <button type="button" class="secondary" onClick={() => void act(u.id, 'disable')}>
                    {t('console_disable')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card filters" onSubmit={submit}>
        <Field id="new-username" label={t('console_username')}>
          <input id="new-username" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        </Field>
        <Field id="new-role" label={t('console_role')}>
          <select id="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field id="new-areas" label={t('console_area_codes')}>
          <input id="new-areas" value={form.areas} placeholder="NE008, NE006" onInput={(e) => setForm({ ...form, areas: e.currentTarget.value })} />
        </Field>
        <Field id="new-site" label={t('agent_site')}>
          <SiteSelect id="new-site" drive={drive} value={form.site} onChange={(site) => setForm({ ...form, site })} optional />
        </Field>
        <button>{t('console_create')}</button>
      </form>
      <SecretMessage message={message} />
    </>
  );
}

interface Device {
  id: string;
  name: string;
  site: string;
  offlineDays: number;
  createdAt: string;
  enrolledAt: string | null;
  revokedAt: string | null;
  state: string;
}

/** Registration devices: prepare one for a site (its one-time enrolment code shown once), revoke. */
export function Devices({ t, drive }: ScreenProps) {
  const { items: devices, message, create, act } = useManagedList<Device>('/api/v1/devices', t);
  const [form, setForm] = useState({ name: '', site: drive.config.sites[0]?.id ?? '', offlineDays: '7' });
  const submit = (event: Event) => {
    event.preventDefault();
    void create({ name: form.name, site: form.site, offlineDays: Number(form.offlineDays) }, 'enrolmentCode');
  };
  return (
    <>
      <h2>{t('console_devices')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('console_name')}</th>
            <th>{t('agent_site')}</th>
            <th>{t('console_status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.id}>
              <td>{d.name}</td>
              <td>{drive.sites.get(d.site)?.name ?? d.site}</td>
              <td>
                {d.state} ({t('console_days', { days: d.offlineDays })})
              </td>
              <td>
                {d.state !== 'revoked' && (
                  <button type="button" class="danger" onClick={() => void act(d.id, 'revoke')}>
                    {t('console_revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card filters" onSubmit={submit}>
        <Field id="device-name" label={t('console_name')}>
          <input id="device-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field id="device-site" label={t('agent_site')}>
          <SiteSelect id="device-site" drive={drive} value={form.site} onChange={(site) => setForm({ ...form, site })} />
        </Field>
        <Field id="device-days" label={t('console_offline_days')}>
          <input id="device-days" inputMode="numeric" value={form.offlineDays} onInput={(e) => setForm({ ...form, offlineDays: e.currentTarget.value })} />
        </Field>
        <button>{t('console_create')}</button>
      </form>
      <SecretMessage message={message} />
    </>
  );
}
