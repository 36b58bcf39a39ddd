import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { validateRegistration } from '../domain/validate-registration.ts';
import { consistentAreas, controlOf, EMPTY_FORM, escapeHtml, readRegisterForm, registrationFromForm, renderRegisterForm } from './register-page.ts';

const drive = loadDrive();
const form = { ...EMPTY_FORM, clientId: '0191d0c4-1111-7000-8000-00000000000a' };

describe('the public form', () => {
  it('reads repeated fields and ignores unknown ones', () => {
    const read = readRegisterForm(new URLSearchParams('givenName=Awa&roles=medical&roles=transport&consent=1&evil=x'));
    expect(read).toMatchObject({ givenName: 'Awa', roles: ['medical', 'transport'], consent: true, familyName: '' });
    expect(read).not.toHaveProperty('evil');
  });

  it('keeps a department or commune only under the chosen region and department', () => {
    expect(consistentAreas({ ...form, region: 'NE006', department: 'NE006008', commune: 'NE006008004' }, drive)).toMatchObject({ department: 'NE006008', commune: 'NE006008004' });
    expect(consistentAreas({ ...form, region: 'NE001', department: 'NE006008', commune: 'NE006008004' }, drive)).toMatchObject({ region: 'NE001', department: '', commune: '' });
    expect(consistentAreas({ ...form, region: 'NE006008', department: '' }, drive).region).toBe('');
  });

  it('builds the registration every channel sends: the deepest place, the consent of the notice shown, numbers as numbers', () => {
    const raw = registrationFromForm(
      { ...form, givenName: 'Awa', familyName: 'Sani', birthYear: '1980', phone: '90 11 22 33', region: 'NE006', department: 'NE006008', roles: ['medical'], consent: true },
      drive,
      'ha',
    );
    expect(raw).toEqual({
      clientId: form.clientId,
      givenName: 'Awa',
      familyName: 'Sani',
      birthYear: 1980,
      phone: '90 11 22 33',
      area: 'NE006008',
      roles: ['medical'],
      consent: { noticeVersion: drive.config.consent.version, language: 'ha' },
    });
    expect(validateRegistration(raw, drive, { now: new Date('2026-06-15T10:00:00Z'), channel: 'web' }).ok).toBe(true);
    // Not ticked: no consent is sent, and the shared rules refuse it.
    expect(registrationFromForm({ ...form, consent: false }, drive, 'fr')).not.toHaveProperty('consent');
    // A year that is not a number is passed on as typed, for the rules to refuse with their message.
    expect(registrationFromForm({ ...form, birthYear: '19x0' }, drive, 'fr').birthYear).toBe('19x0');
  });

  it('ties each refusal to its control', () => {
    expect(controlOf('roles.2')).toBe('roles');
    expect(controlOf('consent.language')).toBe('consent');
    expect(controlOf('area')).toBe('region');
    expect(controlOf('age')).toBe('birthYear');
    expect(controlOf('clientId')).toBe('');
  });

  it('escapes everything typed', () => {
    const html = renderRegisterForm({ drive, lang: 'en', form: { ...form, givenName: '"><script>alert(1)</script>' }, assets: { script: null, styles: [] } });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml('"><script>alert(1)</script>'));
  });
});
