import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { can, type Action } from '../../src/access/policy.ts';
import type { Principal, StaffRole } from '../../src/access/principal.ts';
import { compileDrive, type Drive } from '../../src/config/compile-drive.ts';
import type { DriveConfig } from '../../src/config/drive-schema.ts';
import { INTERFACE_LANGUAGES, LANGUAGE_NAMES, rememberedLanguage, translator, type InterfaceLanguage } from '../shared/i18n.ts';
import '../shared/app.css';
import { api, onSignedOut, setApiLanguage } from './api.ts';
import { ChangePassword, SetUpTotp, SignIn } from './auth.tsx';
import { Dashboard } from './dashboard.tsx';
import { AuditLog, Devices, Users } from './admin.tsx';
import { CallupForm } from './callup-form.tsx';
import { CallupList, CallupPage } from './callups.tsx';
import { Reviews } from './reviews.tsx';
import { Roster, VolunteerPage } from './roster.tsx';

/**
 * The console for coordinators, call-up officers, auditors and admins. Screens are addressed by the
 * URL hash (#/roster, #/volunteer/ID...). What a role may do is asked of the same policy module as the
 * server; the server decides anyway (and removes the fields a role may not see).
 */

const LANG_KEY = 'muster.console.lang';

export interface Me {
  id: string;
  username: string;
  displayName: string | null;
  role: StaffRole;
  areas: string[];
  site: string | null;
  pending: Principal extends infer P ? (P extends { kind: 'staff'; pending: infer Q } ? Q : never) : never;
}

export interface ScreenProps {
  t: (code: string, params?: Record<string, string | number>) => string;
  lang: InterfaceLanguage;
  drive: Drive;
  me: Me;
  go: (hash: string) => void;
  /** Whether the policy grants the signed-in user an action (to show or hide what the server would refuse). */
  permitted: (action: Action) => boolean;
}

interface NavItem {
  hash: string;
  label: string;
  action: Action | null;
}

const NAV: NavItem[] = [
  { hash: '#/dashboard', label: 'console_dashboard', action: 'stats.read' },
  { hash: '#/roster', label: 'console_roster', action: 'volunteer.read' },
  { hash: '#/reviews', label: 'console_reviews', action: 'volunteer.update' },
  { hash: '#/callups', label: 'console_callups', action: 'callup.read' },
  { hash: '#/audit', label: 'console_audit', action: 'audit.read' },
  { hash: '#/users', label: 'console_users', action: 'user.manage' },
  { hash: '#/devices', label: 'console_devices', action: 'device.manage' },
];

function principalOf(me: Me): Principal {
  return { kind: 'staff', userId: me.id, role: me.role, areas: me.areas, site: me.site, strongAuth: true, pending: me.pending };
}

function useHash(): [string, (hash: string) => void] {
  const [hash, setHash] = useState(location.hash || '');
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [hash, (next: string) => (location.hash = next)];
}

function App() {
  const [lang, setLang] = useState<InterfaceLanguage>(() => rememberedLanguage(LANG_KEY));
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [driveConfig, setDriveConfig] = useState<DriveConfig | null>(null);
  const [hash, go] = useHash();
  const t = translator(lang);
  const drive = useMemo(() => (driveConfig ? compileDrive(driveConfig) : null), [driveConfig]);

  useEffect(() => {
    localStorage.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);

  const loadMe = async () => {
    const answer = await api<Me>('GET', '/api/v1/auth/me');
    setMe(answer.ok ? answer.body : null);
  };
  useEffect(() => {
    void loadMe();
    void api<DriveConfig>('GET', '/api/v1/drive?all=true').then((a) => a.ok && setDriveConfig(a.body));
    return onSignedOut(() => setMe(null));
  }, []);

  const languageSwitch = (
    <nav class="langs" aria-label={t('web_language')}>
      {INTERFACE_LANGUAGES.map((code) => (
        <button type="button" class="link" aria-pressed={code === lang} key={code} onClick={() => setLang(code)}>
          {LANGUAGE_NAMES[code]}
        </button>
      ))}
    </nav>
  );
  const header = (extra?: preact.ComponentChildren) => (
    <header>
      <h1>{t('console_title')}</h1>
      <div>
        {languageSwitch}
        {extra}
      </div>
    </header>
  );

  if (me === undefined || !drive) return header();
  if (me === null) {
    return (
      <>
        {header()}
        <main>
          <SignIn t={t} onSignedIn={() => void loadMe()} />
        </main>
      </>
    );
  }
  const signOut = async () => {
    await api('POST', '/api/v1/auth/sign-out');
    setMe(null);
  };
  const signOutButton = (
    <button type="button" class="link" onClick={() => void signOut()}>
      {t('console_sign_out')} ({me.username})
    </button>
  );
  if (me.pending === 'change_password') {
    return (
      <>
        {header(signOutButton)}
        <main>
          <ChangePassword t={t} onDone={() => void loadMe()} />
        </main>
      </>
    );
  }
  if (me.pending === 'setup_totp') {
    return (
      <>
        {header(signOutButton)}
        <main>
          <SetUpTotp t={t} onDone={() => void loadMe()} />
        </main>
      </>
    );
  }

  const principal = principalOf(me);
  const allowed = NAV.filter((item) => item.action === null || can(principal, item.action));
  const first = allowed.find((item) => item.action !== null);
  const [route, param] = hash.replace(/^#\//, '').split('/');
  const current = `#/${route ?? ''}`;
  const permitted = (action: Action) => can(principal, action);
  const props: ScreenProps = { t, lang, drive, me, go, permitted };

  let screen: preact.ComponentChildren;
  if (route === 'dashboard' && permitted('stats.read')) screen = <Dashboard {...props} />;
  else if (route === 'roster' && permitted('volunteer.read')) screen = <Roster {...props} />;
  else if (route === 'volunteer' && param && permitted('volunteer.read')) screen = <VolunteerPage {...props} id={param} />;
  else if (route === 'reviews' && permitted('volunteer.update')) screen = <Reviews {...props} />;
  else if (route === 'callups' && param === 'new' && permitted('callup.manage')) screen = <CallupForm {...props} />;
  else if (route === 'callups' && param && param !== 'new' && permitted('callup.read')) screen = <CallupPage {...props} key={param} id={param} />;
  else if (route === 'callups' && permitted('callup.read')) screen = <CallupList {...props} />;
  else if (route === 'audit' && permitted('audit.read')) screen = <AuditLog {...props} />;
  else if (route === 'users' && permitted('user.manage')) screen = <Users {...props} />;
  else if (route === 'devices' && permitted('device.manage')) screen = <Devices {...props} />;
  else if (first) {
    go(first.hash);
    screen = null;
  } else screen = <p class="card">{t('forbidden')}</p>;

  return (
    <>
      {header(signOutButton)}
      <nav class="main" aria-label="Muster">
        {allowed.map((item) => (
          <button
            type="button"
            class="link"
            key={item.hash}
            disabled={item.action === null}
            aria-current={current === item.hash || (item.hash === '#/roster' && route === 'volunteer') ? 'page' : undefined}
            onClick={() => go(item.hash)}
          >
            {t(item.label)}
          </button>
        ))}
      </nav>
      <main>{screen}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
