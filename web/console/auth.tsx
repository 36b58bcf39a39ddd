import { useState } from 'preact/hooks';
import { api, problemText, type Problem } from './api.ts';

type T = (code: string, params?: Record<string, string | number>) => string;

export function SignIn({ t, onSignedIn }: { t: T; onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const answer = await api<Problem>('POST', '/api/v1/auth/sign-in', { username, password, ...(totp.trim() ? { totp: totp.trim() } : {}) });
    setBusy(false);
    if (answer.ok) {
      setError('');
      onSignedIn();
    } else setError(problemText(answer.body));
  };
  return (
    <form class="card" style={{ maxWidth: '26rem' }} onSubmit={(e) => void submit(e)}>
      <h2>{t('console_sign_in')}</h2>
      <div class="f">
        <label for="username">{t('console_username')}</label>
        <input id="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
      </div>
      <div class="f">
        <label for="password">{t('console_password')}</label>
        <input id="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
      </div>
      <div class="f">
        <label for="totp">{t('console_totp')}</label>
        <input id="totp" inputMode="numeric" autocomplete="one-time-code" value={totp} onInput={(e) => setTotp(e.currentTarget.value)} />
      </div>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      <button disabled={busy}>{t('console_sign_in')}</button>
    </form>
  );
}

export function ChangePassword({ t, onDone }: { t: T; onDone: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await api<Problem>('POST', '/api/v1/auth/password', { currentPassword: current, newPassword: next });
    if (answer.ok) onDone();
    else setError(problemText(answer.body));
  };
  return (
    <form class="card" style={{ maxWidth: '26rem' }} onSubmit={(e) => void submit(e)}>
      <h2>{t('password_change_required')}</h2>
      <div class="f">
        <label for="current">{t('console_password')}</label>
        <input id="current" type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </div>
      <div class="f">
        <label for="new">{t('console_new_password')}</label>
        <input id="new" type="password" autocomplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </div>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      <button>{t('console_change_password')}</button>
    </form>
  );
}

export function SetUpTotp({ t, onDone }: { t: T; onDone: () => void }) {
  const [proposal, setProposal] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const propose = async () => {
    const answer = await api<{ secret: string; uri: string } & Problem>('POST', '/api/v1/auth/totp/setup');
    if (answer.ok) setProposal(answer.body);
    else setError(problemText(answer.body));
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!proposal) return;
    const answer = await api<Problem>('POST', '/api/v1/auth/totp/confirm', { secret: proposal.secret, code: code.trim() });
    if (answer.ok) onDone();
    else setError(problemText(answer.body));
  };
  return (
    <form class="card" style={{ maxWidth: '32rem' }} onSubmit={(e) => void confirm(e)}>
      <h2>{t('totp_setup_required')}</h2>
      {proposal ? (
        <>
          <p>{t('console_totp_setup')}</p>
          <p class="secret" id="totp-secret">
            {proposal.secret}
          </p>
          <p>
            <a href={proposal.uri}>{proposal.uri}</a>
          </p>
          <div class="f">
            <label for="code">{t('console_totp')}</label>
            <input id="code" inputMode="numeric" autocomplete="one-time-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </div>
          <button>{t('console_confirm')}</button>
        </>
      ) : (
        <button type="button" onClick={() => void propose()}>
          {t('console_confirm')}
        </button>
      )}
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
