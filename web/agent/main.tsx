import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { compileDrive, type Drive } from '../../src/config/compile-drive.ts';
import type { DriveConfig } from '../../src/config/drive-schema.ts';
import { validateRegistration } from '../../src/domain/validate-registration.ts';
import { errorText, INTERFACE_LANGUAGES, LANGUAGE_NAMES, rememberedLanguage, translator, type InterfaceLanguage } from '../shared/i18n.ts';
import '../shared/app.css';
import { localDay, store, type Enrolment, type OutboxRecord } from './store.ts';
import { syncOutbox } from './sync.ts';

/**
 * The registration point app: works offline for days. Each registration is checked with the same
 * rules as the server (src/domain), gets its client id, and is stored in IndexedDB before anything
 * else; a sync loop sends the outbox in batches whenever the network is there.
 */

const LANG_KEY = 'muster.agent.lang';
const RETRY_MS = 10_000;

interface FormState {
  givenName: string;
  familyName: string;
  birthDate: string;
  birthYear: string;
  age: string;
  sex: string;
  phone: string;
  nationalId: string;
  region: string;
  department: string;
  commune: string;
  roles: string[];
  languages: string[];
  availability: string;
  consent: boolean;
}

const emptyPerson = { givenName: '', familyName: '', birthDate: '', birthYear: '', age: '', sex: '', phone: '', nationalId: '', consent: false };

function newForm(region: string): FormState {
  return { ...emptyPerson, region, department: '', commune: '', roles: [], languages: [], availability: 'immediate' };
}

/** The registration as the API takes it, from the form (empty optional fields left out). */
function toRegistration(form: FormState, drive: Drive, site: string, lang: string, clientId: string, recordedAt: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    clientId,
    givenName: form.givenName,
    familyName: form.familyName,
    phone: form.phone,
    area: form.commune || form.department || form.region,
    site,
    roles: form.roles,
    availability: form.availability,
    recordedAt,
  };
  if (form.birthDate.trim()) raw.birthDate = form.birthDate.trim();
  if (form.birthYear.trim()) raw.birthYear = /^\d+$/.test(form.birthYear.trim()) ? Number(form.birthYear.trim()) : form.birthYear;
  if (form.age.trim()) raw.age = /^\d+$/.test(form.age.trim()) ? Number(form.age.trim()) : form.age;
  if (form.sex) raw.sex = form.sex;
  if (form.nationalId.trim()) raw.nationalId = form.nationalId;
  if (form.languages.length) raw.languages = form.languages;
  if (form.consent) raw.consent = { noticeVersion: drive.config.consent.version, language: lang };
  return raw;
}

function Enrol({ lang, onEnrolled }: { lang: string; onEnrolled: (e: Enrolment) => void }) {
  const t = translator(lang);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const response = await fetch(`/api/v1/devices/enrol?lang=${lang}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: code.trim() }) });
      const body = (await response.json()) as { token?: string; device?: Enrolment['device']; title?: string };
      if (!response.ok || !body.token || !body.device) throw new Error(body.title ?? t('enrolment_failed'));
      onEnrolled({ token: body.token, device: body.device });
    } catch (e) {
      setError(e instanceof TypeError ? t('agent_need_network') : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={(e) => void submit(e)}>
      <p>{t('agent_enrol_intro')}</p>
      <label for="code">{t('agent_enrol_code')}</label>
      <input id="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} autocomplete="one-time-code" required aria-describedby={error ? 'enrol-err' : undefined} />
      {error && (
        <p class="err" id="enrol-err" role="alert">
          {error}
        </p>
      )}
      <button disabled={busy}>{t('agent_enrol')}</button>
    </form>
  );
}

function stateLabel(record: OutboxRecord, t: (code: string) => string): string {
  switch (record.state) {
    case 'waiting':
      return t('agent_state_waiting');
    case 'sent':
      return t('agent_state_sent');
    case 'registered':
      return t('agent_state_registered');
    case 'already':
      return t('agent_state_already');
    case 'review':
      return t('agent_state_review');
    case 'refused':
      return t('agent_state_refused');
  }
}

function Field(props: { id: string; label: string; value: string; onInput: (v: string) => void; error?: string | undefined; type?: string; inputMode?: string; required?: boolean; autoFocus?: boolean; inputRef?: { current: HTMLInputElement | null } }) {
  return (
    <div class="f">
      <label for={props.id}>
        {props.label}
        {props.required ? ' *' : ''}
      </label>
      <input
        id={props.id}
        ref={props.inputRef}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${props.id}-err` : undefined}
      />
      {props.error && (
        <p class="err" id={`${props.id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

function App() {
  const [lang, setLang] = useState<InterfaceLanguage>(() => rememberedLanguage(LANG_KEY));
  const [enrolment, setEnrolment] = useState<Enrolment | null | undefined>(undefined);
  const [driveConfig, setDriveConfig] = useState<DriveConfig | null>(null);
  const [records, setRecords] = useState<OutboxRecord[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  const [revoked, setRevoked] = useState(false);
  const [form, setForm] = useState<FormState>(newForm(''));
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [saved, setSaved] = useState('');
  const firstField = useRef<HTMLInputElement | null>(null);
  const t = translator(lang);
  const drive = useMemo(() => (driveConfig ? compileDrive(driveConfig) : null), [driveConfig]);

  const refresh = async () => setRecords(await store.all());

  useEffect(() => {
    void (async () => {
      const saved = await store.getKv<Enrolment>('enrolment');
      const config = await store.getKv<DriveConfig>('drive');
      if (config) setDriveConfig(config);
      setEnrolment(saved ?? null);
      await refresh();
    })();
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);

  useEffect(() => {
    localStorage.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang;
  }, [lang]);

  // The drive (roles, skills, consent notice, the areas of the site's region) is fetched once online and kept.
  useEffect(() => {
    if (!enrolment) return;
    void (async () => {
      try {
        const response = await fetch(`/api/v1/drive?site=${encodeURIComponent(enrolment.device.site)}`);
        if (!response.ok) return;
        const config = (await response.json()) as DriveConfig;
        await store.setKv('drive', config);
        setDriveConfig(config);
      } catch {
        // Offline: the copy kept on the device serves.
      }
    })();
  }, [enrolment]);

  // The site's region is the first choice of place.
  useEffect(() => {
    if (!drive || !enrolment || form.region) return;
    const region = drive.regionOf(drive.sites.get(enrolment.device.site)?.area ?? '')?.pcode ?? '';
    setForm((f) => ({ ...f, region }));
  }, [drive, enrolment]);

  // Sync when the network comes back, after each new registration, and every few seconds while anything waits.
  const sync = async () => {
    if (!enrolment || revoked) return;
    // The browser knows it has no network: no point trying (it may think it has one and be wrong: then the
    // request fails and the records go back to "waiting").
    if (!navigator.onLine) {
      setOnline(false);
      return;
    }
    const outcome = await syncOutbox(enrolment, lang, () => void refresh());
    if (outcome.status === 'revoked') setRevoked(true);
    if (outcome.status === 'offline') setOnline(false);
    if (outcome.status === 'done') setOnline(true);
  };
  useEffect(() => {
    if (!enrolment) return;
    void sync();
    const timer = setInterval(() => {
      if (records.some((r) => r.state === 'waiting' || r.state === 'sent')) void sync();
    }, RETRY_MS);
    const onOnline = () => void sync();
    window.addEventListener('online', onOnline);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
    };
  }, [enrolment, records, lang, revoked]);

  const onEnrolled = (e: Enrolment) => {
    void store.setKv('enrolment', e).then(() => setEnrolment(e));
  };

  if (enrolment === undefined) return <p class="card">…</p>;

  const languageSwitch = (
    <nav class="langs" aria-label={t('web_language')}>
      {INTERFACE_LANGUAGES.map((code) => (
        <button type="button" class="link" aria-pressed={code === lang} key={code} onClick={() => setLang(code)}>
          {LANGUAGE_NAMES[code]}
        </button>
      ))}
    </nav>
  );

  if (!enrolment) {
    return (
      <>
        <header>
          <h1>{t('agent_title')}</h1>
          {languageSwitch}
        </header>
        <main>
          <Enrol lang={lang} onEnrolled={onEnrolled} />
        </main>
      </>
    );
  }

  const today = localDay(new Date());
  const todays = records.filter((r) => r.day === today);
  const counts = {
    total: todays.length,
    registered: todays.filter((r) => r.state === 'registered' || r.state === 'review').length,
    waiting: todays.filter((r) => r.state === 'waiting' || r.state === 'sent').length,
    refused: todays.filter((r) => r.state === 'refused' || r.state === 'already').length,
  };
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = (key: 'roles' | 'languages', value: string) =>
    setForm((f) => ({ ...f, [key]: f[key].includes(value) ? f[key].filter((v) => v !== value) : [...f[key], value] }));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!drive) return;
    const now = new Date();
    const clientId = crypto.randomUUID();
    const registration = toRegistration(form, drive, enrolment.device.site, lang, clientId, now.toISOString());
    // The same rules as the server, so that refusals after the sync stay rare.
    const check = validateRegistration(registration, drive, { now, channel: 'agent', site: enrolment.device.site, maxOfflineDays: enrolment.device.offlineDays });
    if (!check.ok) {
      const map = new Map<string, string>();
      for (const error of check.errors) {
        const key = error.field === 'age' ? 'age' : (error.field.split('.')[0] ?? '');
        map.set(key, `${map.get(key) ? `${map.get(key)} ` : ''}${errorText(error, lang)}`);
      }
      setErrors(map);
      setSaved('');
      document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const record: OutboxRecord = {
      clientId,
      createdAt: now.toISOString(),
      day: localDay(now),
      displayName: `${check.value.givenName} ${check.value.familyName}`,
      registration,
      state: 'waiting',
      updatedAt: now.toISOString(),
    };
    await store.add(record);
    setErrors(new Map());
    setSaved(`${record.displayName}: ${t('agent_queued')}`);
    // The next person likely lives nearby and helps the same way: keep the place, clear the person.
    setForm((f) => ({ ...f, ...emptyPerson }));
    firstField.current?.focus();
    await refresh();
    void sync();
  };

  const site = drive?.sites.get(enrolment.device.site);
  const areaSelect = (name: 'region' | 'department' | 'commune', parent: string | null, level: number) => {
    if (!drive || parent === '') return null;
    const options = drive.children(parent);
    if (options.length === 0) return null;
    const levelLabel = drive.config.areaLevels.find((l) => l.level === level);
    const value = form[name];
    const onChange = (v: string) =>
      setForm((f) => (name === 'region' ? { ...f, region: v, department: '', commune: '' } : name === 'department' ? { ...f, department: v, commune: '' } : { ...f, commune: v }));
    return (
      <div class="f">
        <label for={name}>{levelLabel ? drive.label(levelLabel.labels, lang) : name}</label>
        <select id={name} value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-invalid={name === 'region' && errors.has('area') ? 'true' : undefined}>
          <option value="">{t('web_choose')}</option>
          {options.map((a) => (
            <option key={a.pcode} value={a.pcode}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
    );
  };

  return (
    <>
      <header>
        <h1>{t('agent_title')}</h1>
        {languageSwitch}
      </header>
      <p class={`net ${online ? 'on' : 'off'}`} role="status" id="net">
        {online ? t('agent_online') : t('agent_offline')}
        {site ? ` · ${t('agent_site')}: ${site.name}` : ''}
      </p>
      {revoked && (
        <p class="err" role="alert">
          {t('agent_revoked')}
        </p>
      )}
      <p id="counts">{t('agent_today', counts)}</p>
      <main class="agent">
        {drive ? (
          <form class="card" onSubmit={(e) => void submit(e)} noValidate>
            <h2>{t('agent_new')}</h2>
            <Field id="givenName" label={t('web_given_name')} value={form.givenName} onInput={(v) => set('givenName', v)} error={errors.get('givenName')} required inputRef={firstField} />
            <Field id="familyName" label={t('web_family_name')} value={form.familyName} onInput={(v) => set('familyName', v)} error={errors.get('familyName')} required />
            <fieldset>
              <legend>{t('web_birth')} *</legend>
              <Field id="birthDate" label={t('web_birth_date')} value={form.birthDate} onInput={(v) => set('birthDate', v)} error={errors.get('birthDate')} inputMode="numeric" />
              <Field id="birthYear" label={t('web_birth_year')} value={form.birthYear} onInput={(v) => set('birthYear', v)} error={errors.get('birthYear')} inputMode="numeric" />
              <Field id="age" label={t('agent_age')} value={form.age} onInput={(v) => set('age', v)} error={errors.get('age')} inputMode="numeric" />
            </fieldset>
            <fieldset>
              <legend>{t('web_sex')}</legend>
              {(['F', 'M'] as const).map((s) => (
                <label class="c" key={s}>
                  <input type="radio" name="sex" checked={form.sex === s} onChange={() => set('sex', s)} /> {t(s === 'F' ? 'web_sex_f' : 'web_sex_m')}
                </label>
              ))}
            </fieldset>
            <Field id="phone" label={t('web_phone')} type="tel" value={form.phone} onInput={(v) => set('phone', v)} error={errors.get('phone')} inputMode="tel" required />
            <Field id="nationalId" label={`${t('web_national_id')} (${t('web_optional')})`} value={form.nationalId} onInput={(v) => set('nationalId', v)} error={errors.get('nationalId')} />
            <fieldset>
              <legend>{t('web_area')} *</legend>
              {errors.get('area') && <p class="err">{errors.get('area')}</p>}
              {areaSelect('region', null, 1)}
              {areaSelect('department', form.region, 2)}
              {areaSelect('commune', form.department, 3)}
            </fieldset>
            <fieldset aria-invalid={errors.has('roles') ? 'true' : undefined}>
              <legend>{t('web_roles')} *</legend>
              {errors.get('roles') && <p class="err">{errors.get('roles')}</p>}
              {drive.config.roles.map((role) => (
                <label class="c" key={role.id}>
                  <input type="checkbox" name="roles" value={role.id} checked={form.roles.includes(role.id)} onChange={() => toggle('roles', role.id)} /> {drive.label(role.labels, lang)}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t('web_languages')}</legend>
              {drive.config.spokenLanguages.map((l) => (
                <label class="c" key={l.code}>
                  <input type="checkbox" checked={form.languages.includes(l.code)} onChange={() => toggle('languages', l.code)} /> {drive.label(l.labels, lang)}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t('web_availability')}</legend>
              {(['immediate', 'within_week', 'later'] as const).map((a) => (
                <label class="c" key={a}>
                  <input type="radio" name="availability" checked={form.availability === a} onChange={() => set('availability', a)} /> {t(`web_avail_${a}`)}
                </label>
              ))}
            </fieldset>
            <section class="consent">
              <h3>{t('web_consent_title')}</h3>
              <p>{drive.label(drive.config.consent.texts, lang)}</p>
              {errors.get('consent') && <p class="err">{errors.get('consent')}</p>}
              <label class="c">
                <input id="consent" type="checkbox" checked={form.consent} onChange={(e) => set('consent', e.currentTarget.checked)} /> {t('agent_consent')} *
              </label>
            </section>
            <button class="go" type="submit">
              {t('agent_queue')}
            </button>
            {saved && (
              <p role="status" class="ok">
                {saved}
              </p>
            )}
          </form>
        ) : (
          <p class="card">{t('agent_need_network')}</p>
        )}
        <section class="card" aria-labelledby="outbox-h">
          <h2 id="outbox-h">{t('agent_outbox')}</h2>
          <button type="button" onClick={() => void sync()}>
            {t('agent_sync_now')}
          </button>
          {records.length === 0 ? (
            <p>{t('agent_empty')}</p>
          ) : (
            <ol class="outbox" reversed>
              {[...records].reverse().map((r) => (
                <li key={r.clientId} data-state={r.state} data-client-id={r.clientId}>
                  <span class="who">{r.displayName}</span> <span class={`state s-${r.state}`}>{stateLabel(r, t)}</span>
                  {r.reference && <span class="ref"> {r.reference}</span>}
                  {r.errors && (
                    <ul class="why">
                      {r.errors.map((e, i) => (
                        <li key={i}>{e.message}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/agent/sw.js', { scope: '/agent/' }).catch(() => undefined);
}
