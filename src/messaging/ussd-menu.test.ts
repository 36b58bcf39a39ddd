import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { SMS_LANGUAGES, smsText } from '../i18n/sms-messages.ts';
import { USSD_SCREEN_LIMIT, type ConversationContext } from './registration-conversation.ts';
import { replayUssd, statusScreen, type UssdFacts } from './ussd-menu.ts';

const drive = loadDrive();
const ctx: ConversationContext = { drive, now: new Date('2026-06-15T10:00:00.000Z'), channel: 'ussd', ttlMs: 180_000 };
const nobody: UssdFacts = { volunteer: null, pendingCallup: null };
const registered: UssdFacts = { volunteer: { reference: '7K3Q-9XDM', status: 'active', roles: drive.config.roles.map((r) => r.id), availability: 'within_week' }, pendingCallup: null };
const LANG_CHOICE = { fr: '1', ha: '2', en: '3' } as const;
const niamey = String(drive.children(null).findIndex((a) => a.name === 'Niamey') + 1);

describe('USSD menus', () => {
  it('walks registration to the end and asks for registerVolunteer, with the consent notice sent by SMS', () => {
    const consent = replayUssd(['3', '1', 'Aminatou', 'Moussa', '1994', niamey, '1', '1 2'], nobody, ctx);
    expect(consent).toMatchObject({ end: false, action: { kind: 'consent_notice' }, text: expect.stringContaining('Full notice by SMS') });
    const done = replayUssd(['3', '1', 'Aminatou', 'Moussa', '1994', niamey, '1', '1 2', '1'], nobody, ctx);
    expect(done).toMatchObject({ end: true, action: { kind: 'register', registration: { givenName: 'Aminatou', roles: ['defense', 'medical'], consent: { language: 'en' } } } });
  });

  it('asks a wrong answer again, typos included, and pages long menus with 99', () => {
    expect(replayUssd(['9'], nobody, ctx)).toMatchObject({ end: false, text: expect.stringMatching(/^Choix non valable/) });
    expect(replayUssd(['1', '7'], nobody, ctx)).toMatchObject({ end: false, text: expect.stringContaining('1 M inscrire') });
    const typo = replayUssd(['1', '1', 'Am1natou'], nobody, ctx);
    expect(typo.text).toMatch(/^Des lettres seulement, ex: Moussa\.\nInscription volontaire/);
    const fixed = replayUssd(['1', '1', 'Am1natou', 'Aminatou'], nobody, ctx);
    expect(fixed.text).toContain('nom de famille');
  });

  it('refuses an under-age person and ends', () => {
    expect(replayUssd(['2', '1', 'Aminatou', 'Moussa', '2012'], nobody, ctx)).toMatchObject({ end: true, text: expect.stringContaining('shekara 18') });
  });

  it('cancels with 0 at any point', () => {
    expect(replayUssd(['1', '1', 'Aminatou', '0'], nobody, ctx)).toMatchObject({ end: true, text: expect.stringMatching(/^Inscription annulée/) });
    expect(replayUssd(['1', '0'], nobody, ctx)).toMatchObject({ end: true, text: 'Au revoir.' });
  });

  it('shows my registration, changes availability and withdraws only for a registered number', () => {
    expect(replayUssd(['3', '2'], registered, ctx)).toMatchObject({ end: true, text: expect.stringContaining('Registration 7K3Q-9XDM (active)') });
    expect(replayUssd(['3', '2'], nobody, ctx)).toMatchObject({ end: true, text: expect.stringContaining('not registered') });
    expect(replayUssd(['3', '3', '3'], registered, ctx)).toMatchObject({ end: true, action: { kind: 'set_availability', availability: 'later' } });
    expect(replayUssd(['3', '4', '1'], registered, ctx)).toMatchObject({ end: true, action: { kind: 'withdraw' } });
    expect(replayUssd(['3', '4', '2'], registered, ctx)).toMatchObject({ end: true, text: 'Goodbye.' });
    expect(replayUssd(['3', '4', '2'], registered, ctx).action).toBeUndefined();
    expect(replayUssd(['3', '1'], registered, ctx)).toMatchObject({ end: true, text: expect.stringContaining('already registered') });
    expect(replayUssd(['3', '5'], registered, ctx)).toMatchObject({ end: true, text: 'No call-up is waiting for you.' });
  });

  describe('every screen fits 182 characters', () => {
    /** Every screen reachable in one language: every menu page of every region, each question, each "try again". */
    function screens(language: 'fr' | 'ha' | 'en'): Array<{ path: string[]; text: string }> {
      const out: Array<{ path: string[]; text: string }> = [];
      const show = (path: string[], facts: UssdFacts = nobody) => {
        const reply = replayUssd(path, facts, ctx);
        out.push({ path, text: reply.text });
        return reply;
      };
      const l = LANG_CHOICE[language];
      show([]);
      show(['x']);
      show([l]);
      show([l, 'x']);
      const base = [l, '1', 'Aminatou', 'Moussa', '1994'];
      for (const path of [[l, '1'], [l, '1', '1'], [l, '1', 'Aminatou', '!'], [l, '1', 'Aminatou', 'Moussa'], [l, '1', 'Aminatou', 'Moussa', 'x'], [l, '1', 'Aminatou', 'Moussa', '2008'], [l, '1', 'Aminatou', 'Moussa', '2008', 'x']]) show(path);
      const regions = drive.children(null);
      for (let page = 0; page < 4; page++) {
        show([...base, ...Array<string>(page).fill('99')]);
        show([...base, ...Array<string>(page).fill('99'), 'x']);
      }
      regions.forEach((region, i) => {
        const atRegion = [...base, String(i + 1)];
        for (let page = 0; page < 4; page++) {
          show([...atRegion, ...Array<string>(page).fill('99')]);
          show([...atRegion, ...Array<string>(page).fill('99'), '999']);
        }
        if (drive.children(region.pcode).length === 0) return;
        const atRoles = [...atRegion, '1'];
        for (let page = 0; page < 3; page++) {
          show([...atRoles, ...Array<string>(page).fill('99')]);
          show([...atRoles, ...Array<string>(page).fill('99'), '0 9']);
        }
        show([...atRoles, '1']);
        show([...atRoles, '1', 'x']);
        show([...atRoles, '1', '2']);
      });
      show([l, '1', 'Aminatou', 'Moussa', '2012']);
      for (const path of [[l, '2'], [l, '3'], [l, '3', 'x'], [l, '3', '1'], [l, '4'], [l, '4', 'x'], [l, '4', '1'], [l, '5'], [l, '1'], [l, '0']]) show(path, registered);
      for (const code of ['registered', 'already_registered', 'ussd_expired', 'ussd_not_registered', 'try_later'] as const) out.push({ path: [code], text: smsText(code, language, { reference: '7K3Q-9XDM' }) });
      out.push({ path: ['status, every role'], text: statusScreen(registered.volunteer!, language, { drive }) });
      return out;
    }

    it.each(SMS_LANGUAGES)('in %s', (language) => {
      const all = screens(language);
      expect(all.length).toBeGreaterThan(100);
      const tooLong = all.filter((s) => s.text.length > USSD_SCREEN_LIMIT).map((s) => `${s.path.join('*')} (${s.text.length}): ${s.text}`);
      expect(tooLong).toEqual([]);
      expect(all.every((s) => s.text.trim() !== '')).toBe(true);
    });
  });
});
