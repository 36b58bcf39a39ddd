import { useEffect, useState } from 'preact/hooks';
import { formatLocalTime } from '../../src/callups/message.ts';
import { api, problemText, type Problem } from './api.ts';
import { takeCreatedNotice } from './callup-form.tsx';
import { isOpen, LIVE_COLUMNS, liveFigure, needLabel, type CallupStatusView, type CallupView, type PreviewNeedView } from './callup-view.ts';
import type { ScreenProps } from './main.tsx';
import { areaName } from './roster.tsx';

/** How many of a need are confirmed, as a bar and as figures. */
function Fill({ confirmed, count }: { confirmed: number; count: number }) {
  return (
    <span class="fill">
      <progress max={count} value={confirmed} /> {confirmed}/{count}
    </span>
  );
}

/** Call-ups, newest first: state, title, fill per need. Writing one needs `callup.manage`. */
export function CallupList({ t, lang, drive, go, permitted }: ScreenProps) {
  const [items, setItems] = useState<CallupView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    void api<{ items: CallupView[] } & Problem>('GET', '/api/v1/callups?limit=100').then((a) => (a.ok ? setItems(a.body.items) : setError(problemText(a.body))));
  }, []);
  const tz = drive.config.timezone;
  return (
    <>
      <h2>{t('console_callups')}</h2>
      {permitted('callup.manage') && (
        <p>
          <button type="button" id="callup-new" onClick={() => go('#/callups/new')}>
            {t('callup_new')}
          </button>
        </p>
      )}
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      {items &&
        (items.length === 0 ? (
          <p>{t('callup_none')}</p>
        ) : (
          <table id="callups">
            <thead>
              <tr>
                <th>{t('console_status')}</th>
                <th>{t('callup_title_field')}</th>
                <th>{t('callup_fill')}</th>
                <th>{t('callup_report_at')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-callup-id={c.id}>
                  <td>
                    <span class={`state c-${c.status}`}>{t(`callup_state_${c.status}`)}</span>
                  </td>
                  <td>
                    <a href={`#/callups/${c.id}`}>{c.title}</a>
                  </td>
                  <td>
                    {c.needs.map((n) => (
                      <div key={n.id}>
                        {needLabel(drive, lang, n, t('callup_any_skill'))}: <Fill confirmed={n.confirmed} count={n.count} />
                      </div>
                    ))}
                  </td>
                  <td>{formatLocalTime(new Date(c.reportAt), tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </>
  );
}

/**
 * The counts pushed by the server (server-sent events) while the page is open. EventSource reconnects
 * by itself after a network error; an answer other than a stream (the session ended: 401) closes it for
 * good, so the page asks once by plain fetch (which signs out on a 401) and opens a new stream later.
 */
function useLiveStatus(id: string): [CallupStatusView | null, boolean, (s: CallupStatusView) => void] {
  const [status, setStatus] = useState<CallupStatusView | null>(null);
  const [connected, setConnected] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const open = status === null || isOpen(status.callup.status);
  useEffect(() => {
    if (!open) return;
    const source = new EventSource(`/api/v1/callups/${id}/events`);
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('status', (event) => setStatus(JSON.parse((event as MessageEvent<string>).data) as CallupStatusView));
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      if (source.readyState !== EventSource.CLOSED) return;
      void api<CallupStatusView>('GET', `/api/v1/callups/${id}`).then((a) => a.ok && setStatus(a.body));
      retry = setTimeout(() => setAttempt((n) => n + 1), 5000);
    };
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [id, open, attempt]);
  return [status, connected, setStatus];
}

export function CallupPage({ t, lang, drive, permitted, id }: ScreenProps & { id: string }) {
  const [status, connected, setStatus] = useLiveStatus(id);
  const [preview, setPreview] = useState<PreviewNeedView[] | null>(null);
  const [message, setMessage] = useState(() => takeCreatedNotice());
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const tz = drive.config.timezone;
  const manage = permitted('callup.manage');

  const refresh = async () => {
    const answer = await api<CallupStatusView & Problem>('GET', `/api/v1/callups/${id}`);
    if (answer.ok) setStatus(answer.body);
    else setError(problemText(answer.body));
  };
  useEffect(() => {
    void refresh();
  }, [id]);

  const loadPreview = async () => {
    setBusy(true);
    const answer = await api<{ needs: PreviewNeedView[] } & Problem>('GET', `/api/v1/callups/${id}/preview`);
    setBusy(false);
    if (answer.ok) {
      setPreview(answer.body.needs);
      setError('');
    } else setError(problemText(answer.body));
  };
  const act = async (verb: 'start' | 'cancel' | 'close', question: string, done: (body: Record<string, unknown>) => string) => {
    if (!window.confirm(question)) return;
    setBusy(true);
    const answer = await api<Record<string, unknown> & Problem>('POST', `/api/v1/callups/${id}/${verb}`);
    setBusy(false);
    if (answer.ok) {
      setMessage(done(answer.body));
      setError('');
      setPreview(null);
    } else setError(problemText(answer.body));
    await refresh();
  };
  const sum = (record: unknown) => Object.values((record ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);

  if (!status) return error ? <p class="err">{error}</p> : <p>…</p>;
  const c = status.callup;
  return (
    <>
      <p>
        <a href="#/callups">{t('callup_all')}</a>
      </p>
      <h2 id="callup-title">
        {c.title} <span class={`state c-${c.status}`} id="callup-state">{t(`callup_state_${c.status}`)}</span>
      </h2>
      <p>
        {t('callup_report', { place: c.reportPlace, time: formatLocalTime(new Date(c.reportAt), tz), deadline: formatLocalTime(new Date(c.answerBy), tz) })}{' '}
        {t('callup_time_zone', { zone: tz })}
      </p>
      <p class="legend">
        {t('callup_areas')}: {c.areas.map((a) => areaName(drive, a)).join(' ; ')} · {t('callup_priority_short')}: {c.priority}
        {c.wave > 0 && ` · ${t('callup_wave', { wave: c.wave })}`}
      </p>
      {message && (
        <p role="status" class="ok" id="callup-message">
          {message}
        </p>
      )}
      {error && (
        <p class="err" role="alert" id="callup-error">
          {error}
        </p>
      )}

      <section class="card">
        <h3>
          {t('callup_fill')}{' '}
          {isOpen(c.status) && c.status !== 'draft' && (
            <span class={connected ? 'state s-registered' : 'state s-review'} id="callup-live">
              {connected ? t('callup_live') : t('callup_live_lost')}
            </span>
          )}
        </h3>
        <table id="callup-counts">
          <thead>
            <tr>
              <th>{t('callup_needs')}</th>
              <th>{t('callup_confirmed')}</th>
              {LIVE_COLUMNS.map(([key, code]) => (
                <th key={key}>{t(code)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {status.needs.map((n) => (
              <tr key={n.needId} data-need-id={n.needId}>
                <td>{needLabel(drive, lang, n, t('callup_any_skill'))}</td>
                <td class="n-confirmed">
                  <Fill confirmed={n.confirmed} count={n.count} />
                </td>
                {LIVE_COLUMNS.map(([key]) => (
                  <td key={key} class={`n-${key}`}>
                    {liveFigure(n, key)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {preview && (
        <section class="card" id="callup-preview">
          <h3>{t('callup_preview')}</h3>
          <p class="legend">{t('callup_preview_intro')}</p>
          <table>
            <thead>
              <tr>
                <th>{t('callup_needs')}</th>
                <th>{t('callup_need_count')}</th>
                <th>{t('callup_eligible')}</th>
                <th>{t('callup_first_wave')}</th>
                <th>{t('callup_by_area')}</th>
                <th>{t('callup_sizes')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((n) => (
                <tr key={n.needId} data-need-id={n.needId}>
                  <td>{needLabel(drive, lang, n, t('callup_any_skill'))}</td>
                  <td>{n.count}</td>
                  <td class="p-eligible">{n.eligible}</td>
                  <td class="p-first-wave">{n.firstWave}</td>
                  <td>
                    {Object.entries(n.byArea).map(([area, count]) => (
                      <div key={area} data-area={area}>
                        {areaName(drive, area)}: {count}
                      </div>
                    ))}
                  </td>
                  <td>
                    {n.sizes.map((s) => (
                      <div key={s.language} class={s.ok ? '' : 'err'}>
                        {s.language}: {t('callup_parts', { segments: s.segments, encoding: s.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2' })}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {manage && isOpen(c.status) && (
        <p class="actions">
          {c.status === 'draft' && (
            <>
              <button type="button" class="secondary" id="callup-preview-button" disabled={busy} onClick={() => void loadPreview()}>
                {t('callup_preview')}
              </button>{' '}
              <button type="button" id="callup-start" disabled={busy} onClick={() => void act('start', t('callup_start_confirm'), (b) => t('callup_started', { count: sum(b.asked) }))}>
                {t('callup_start')}
              </button>{' '}
            </>
          )}
          {c.status !== 'draft' && (
            <>
              <button type="button" class="secondary" id="callup-close" disabled={busy} onClick={() => void act('close', t('callup_close_confirm'), () => t('callup_closed'))}>
                {t('callup_close')}
              </button>{' '}
            </>
          )}
          <button type="button" class="danger" id="callup-cancel" disabled={busy} onClick={() => void act('cancel', t('callup_cancel_confirm'), (b) => t('callup_cancelled', { count: Number(b.told ?? 0) }))}>
            {t('callup_cancel')}
          </button>
        </p>
      )}
      {c.status !== 'draft' && (
        <p>
          <a href={`/api/v1/callups/${id}/confirmed?format=csv`} id="callup-download" download>
            {t('callup_download')}
          </a>{' '}
          <span class="legend">{t('callup_download_note')}</span>
        </p>
      )}
    </>
  );
}

