import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import type { FieldError } from './field-error.ts';
import type { Channel } from './registration-input.ts';
import { validateRegistration, type RegistrationCheck, type ValidRegistration } from './validate-registration.ts';

const drive = loadDrive();
const NOW = new Date('2026-06-15T10:00:00Z');

const CLIENT_ID = '0190F3A2-7C4B-7D1E-9A3F-1B2C3D4E5F60';

/** The documented example registration. */
function example(): Record<string, unknown> {
  return {
    clientId: CLIENT_ID,
    givenName: 'Aïchatou',
    familyName: 'Moussa',
    birthDate: '1994-03-12',
    sex: 'F',
    phone: '+227 90 12 34 56',
    area: 'NE008',
    site: 'niamey-stade',
    roles: ['medical'],
    skills: ['nurse'],
    languages: ['ha', 'fr'],
    availability: 'immediate',
    consent: { noticeVersion: '1', language: 'fr' },
  };
}

function validate(raw: unknown, channel: Channel = 'agent', now: Date = NOW): RegistrationCheck {
  return validateRegistration(raw, drive, { now, channel });
}

function valid(raw: unknown, channel: Channel = 'agent', now: Date = NOW): ValidRegistration {
  const result = validate(raw, channel, now);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errors(raw: unknown, channel: Channel = 'agent', now: Date = NOW): FieldError[] {
  const result = validate(raw, channel, now);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

/** `field:code` pairs, sorted, for compact comparisons. */
function codes(raw: unknown, channel: Channel = 'agent', now: Date = NOW): string[] {
  return errors(raw, channel, now)
    .map((e) => `${e.field}:${e.code}`)
    .sort();
}

function withChanges(changes: Record<string, unknown>, remove: string[] = []): Record<string, unknown> {
  const raw = { ...example(), ...changes };
  for (const key of remove) delete raw[key];
  return raw;
}

describe('validateRegistration: the documented example', () => {
  it('is valid and normalised', () => {
    expect(valid(example())).toEqual({
      clientId: CLIENT_ID.toLowerCase(),
      givenName: 'Aïchatou',
      familyName: 'Moussa',
      sex: 'F',
      birthDate: '1994-03-12',
      birthYear: 1994,
      birthPrecision: 'day',
      phone: '+22790123456',
      nationalId: null,
      area: 'NE008',
      site: 'niamey-stade',
      roles: ['medical'],
      skills: ['nurse'],
      languages: ['ha', 'fr'],
      availability: 'immediate',
      consent: { version: '1', language: 'fr' },
      recordedAt: null,
    } satisfies ValidRegistration);
  });

  it('fills defaults for the optional fields', () => {
    const value = valid(withChanges({}, ['sex', 'skills', 'languages', 'availability', 'site']), 'web');
    expect(value).toMatchObject({ sex: null, site: null, skills: [], languages: [], availability: 'immediate', nationalId: null, recordedAt: null });
  });

  it('normalises names, area, national id and the compact birth date', () => {
    const value = valid(
      withChanges({ givenName: '  Ai\u0308chatou ', familyName: 'N\u2019Diaye', area: ' ne008 ', nationalId: 'ne-123 456', birthDate: '19940312', site: ' niamey-stade ' }),
    );
    expect(value).toMatchObject({ givenName: 'Aïchatou', familyName: "N'Diaye", area: 'NE008', nationalId: 'NE123456', birthDate: '1994-03-12', site: 'niamey-stade' });
  });

  it('treats a blank national id as absent', () => {
    expect(valid(withChanges({ nationalId: '   ' })).nationalId).toBeNull();
  });

  it('records a birth year or an age with its precision', () => {
    expect(valid(withChanges({ birthYear: 1994 }, ['birthDate']))).toMatchObject({ birthDate: null, birthYear: 1994, birthPrecision: 'year' });
    expect(valid(withChanges({ age: 30 }, ['birthDate']))).toMatchObject({ birthDate: null, birthYear: 1996, birthPrecision: 'estimated' });
  });

  it('de-duplicates roles, skills and languages, keeping the first order', () => {
    const value = valid(withChanges({ roles: ['medical', 'transport', 'medical', ' transport '], skills: ['nurse', 'nurse'], languages: ['fr', 'ha', 'fr'] }));
    expect(value.roles).toEqual(['medical', 'transport']);
    expect(value.skills).toEqual(['nurse']);
    expect(value.languages).toEqual(['fr', 'ha']);
  });
});

describe('validateRegistration: structure', () => {
  it('refuses an unknown field, also inside consent', () => {
    expect(errors(withChanges({ nickname: 'Aïcha' }))).toEqual([{ field: 'nickname', code: 'unknown_field' }]);
    expect(codes(withChanges({ consent: { noticeVersion: '1', language: 'fr', signed: true } }))).toEqual(['consent.signed:unknown_field']);
  });

  it('refuses a missing consent as required on "consent"', () => {
    expect(errors(withChanges({}, ['consent']))).toEqual([{ field: 'consent', code: 'required' }]);
  });

  it('reports every missing required field', () => {
    expect(codes(withChanges({}, ['clientId', 'phone', 'roles']))).toEqual(['clientId:required', 'phone:required', 'roles:required']);
  });

  it('refuses wrong types as invalid_type', () => {
    expect(errors(withChanges({ roles: 'medical' }))).toEqual([{ field: 'roles', code: 'invalid_type' }]);
    expect(errors(withChanges({ birthYear: '1994' }, ['birthDate']))).toEqual([{ field: 'birthYear', code: 'invalid_type' }]);
    expect(errors(withChanges({ roles: ['medical', 7] }))).toEqual([{ field: 'roles.1', code: 'invalid_type' }]);
    expect(errors(withChanges({ phone: 90123456 }))).toEqual([{ field: 'phone', code: 'invalid_type' }]);
  });

  it('refuses values that are not objects', () => {
    expect(validate(null).ok).toBe(false);
    expect(validate('registration').ok).toBe(false);
    expect(validate([]).ok).toBe(false);
  });

  it('refuses an enum value outside the list, naming the allowed values', () => {
    const [error] = errors(withChanges({ sex: 'X' }));
    expect(error).toMatchObject({ field: 'sex', code: 'invalid_value' });
    expect(error?.params?.allowed).toBe('F, M');
    expect(codes(withChanges({ availability: 'never' }))).toEqual(['availability:invalid_value']);
  });

  it('refuses a value over the length limit with too_long', () => {
    expect(errors(withChanges({ givenName: 'a'.repeat(201) }))).toEqual([{ field: 'givenName', code: 'too_long', params: { max: 200 } }]);
  });
});

describe('validateRegistration: each wrong field gives its own error', () => {
  it.each<[string, Record<string, unknown>, FieldError]>([
    ['clientId', { clientId: 'not-a-uuid' }, { field: 'clientId', code: 'invalid_client_id' }],
    ['givenName', { givenName: 'Aïcha2' }, { field: 'givenName', code: 'invalid_characters' }],
    ['familyName', { familyName: '  ' }, { field: 'familyName', code: 'required' }],
    ['birthDate', { birthDate: '1994-02-30' }, { field: 'birthDate', code: 'invalid_date' }],
    ['phone', { phone: '90 12' }, { field: 'phone', code: 'invalid_phone' }],
    ['fixed phone', { phone: '20 72 34 56' }, { field: 'phone', code: 'not_mobile' }],
    ['nationalId', { nationalId: 'A#1' }, { field: 'nationalId', code: 'invalid_national_id' }],
    ['area', { area: 'NE999' }, { field: 'area', code: 'unknown_area', params: { value: 'NE999' } }],
    ['site', { site: 'paris' }, { field: 'site', code: 'unknown_site', params: { value: 'paris' } }],
    ['roles', { roles: [] }, { field: 'roles', code: 'roles_required' }],
    ['roles.1', { roles: ['medical', 'astronaut'] }, { field: 'roles.1', code: 'unknown_role', params: { value: 'astronaut' } }],
    ['skills.0', { skills: ['juggler'] }, { field: 'skills.0', code: 'unknown_skill', params: { value: 'juggler' } }],
    ['languages.2', { languages: ['ha', 'fr', 'xx'] }, { field: 'languages.2', code: 'unknown_language', params: { value: 'xx' } }],
    ['consent.noticeVersion', { consent: { noticeVersion: '0', language: 'fr' } }, { field: 'consent.noticeVersion', code: 'unknown_consent_version', params: { current: '1' } }],
    ['consent.language', { consent: { noticeVersion: '1', language: 'de' } }, { field: 'consent.language', code: 'unknown_language', params: { value: 'de' } }],
  ])('%s', (_label, changes, expected) => {
    expect(errors(withChanges(changes))).toEqual([expected]);
  });

  it('collects every error at once, not just the first', () => {
    const raw = withChanges({
      clientId: 'nope',
      givenName: '123',
      familyName: 'Moussa!',
      birthDate: '2010-01-01',
      phone: 'abc',
      nationalId: '#',
      area: 'XX',
      site: 'nowhere',
      roles: ['medical', 'astronaut'],
      skills: ['nurse', 'juggler'],
      languages: ['zz'],
      consent: { noticeVersion: '9', language: 'xx' },
      recordedAt: 'yesterday',
    });
    expect(codes(raw)).toEqual(
      [
        'clientId:invalid_client_id',
        'givenName:invalid_characters',
        'familyName:invalid_characters',
        'birthDate:under_minimum_age',
        'phone:invalid_phone',
        'nationalId:invalid_national_id',
        'area:unknown_area',
        'site:unknown_site',
        'roles.1:unknown_role',
        'skills.1:unknown_skill',
        'languages.0:unknown_language',
        'consent.noticeVersion:unknown_consent_version',
        'consent.language:unknown_language',
        'recordedAt:invalid_datetime',
      ].sort(),
    );
  });

  it('points at the position in the request even after removing duplicates', () => {
    // "astronaut" is at index 2 of what was sent; the path must let a form highlight that entry.
    expect(errors(withChanges({ roles: ['medical', 'medical', 'astronaut'] }))).toEqual([
      { field: 'roles.2', code: 'unknown_role', params: { value: 'astronaut' } },
    ]);
    expect(codes(withChanges({ languages: ['fr', 'fr', 'xx', 'xx'] }))).toEqual(['languages.2:unknown_language']);
  });

  it('refuses roles that are only spaces', () => {
    expect(codes(withChanges({ roles: ['  '] }))).toEqual(['roles.0:unknown_role']);
  });
});

describe('validateRegistration: channel and site', () => {
  it('requires a site for an agent', () => {
    expect(errors(withChanges({}, ['site']), 'agent')).toEqual([{ field: 'site', code: 'site_required' }]);
    expect(errors(withChanges({ site: '  ' }), 'agent')).toEqual([{ field: 'site', code: 'site_required' }]);
  });

  it('does not require a site on the web', () => {
    expect(valid(withChanges({}, ['site']), 'web').site).toBeNull();
  });

  it('still checks a site given on the web', () => {
    expect(codes(withChanges({ site: 'nowhere' }), 'web')).toEqual(['site:unknown_site']);
  });
});

describe('validateRegistration: recordedAt (offline registrations)', () => {
  it('accepts a time in the past and keeps it in UTC', () => {
    expect(valid(withChanges({ recordedAt: '2026-06-10T09:30:00+01:00' })).recordedAt).toBe('2026-06-10T08:30:00.000Z');
    expect(valid(withChanges({ recordedAt: '2026-06-14T09:00:00.000Z' })).recordedAt).toBe('2026-06-14T09:00:00.000Z');
    expect(valid(withChanges({ recordedAt: '2026-06-14T10:00-0100' })).recordedAt).toBe('2026-06-14T11:00:00.000Z');
  });

  it('tolerates ten minutes of clock skew, not more', () => {
    expect(valid(withChanges({ recordedAt: '2026-06-15T10:09:00Z' })).recordedAt).toBe('2026-06-15T10:09:00.000Z');
    expect(errors(withChanges({ recordedAt: '2026-06-15T10:11:00Z' }))).toEqual([{ field: 'recordedAt', code: 'future_date' }]);
    expect(codes(withChanges({ recordedAt: '2027-01-01T00:00:00Z' }))).toEqual(['recordedAt:future_date']);
  });

  it('refuses a registration more than 90 days old', () => {
    expect(valid(withChanges({ recordedAt: '2026-03-18T10:00:00Z' })).recordedAt).toBe('2026-03-18T10:00:00.000Z'); // 89 days
    expect(errors(withChanges({ recordedAt: '2026-03-16T09:00:00Z' }))).toEqual([{ field: 'recordedAt', code: 'too_old', params: { days: 90 } }]);
  });

  it('honours a configured maximum offline age', () => {
    const result = validateRegistration(withChanges({ recordedAt: '2026-06-01T10:00:00Z' }), drive, { now: NOW, channel: 'agent', maxOfflineDays: 7 });
    expect(result).toEqual({ ok: false, errors: [{ field: 'recordedAt', code: 'too_old', params: { days: 7 } }] });
  });

  it.each([
    'yesterday',
    '',
    '2026-06-14',
    '14/06/2026 10:00',
    '2026-06-14T25:00:00Z',
    '2026-06-14Tnoon',
    // Not a real day (Date would roll it over to 1 July / 2 March).
    '2026-06-31T10:00:00Z',
    '2026-02-30T10:00:00Z',
    // No offset: the instant would depend on the server's time zone.
    '2026-06-14T10:00:00',
    '2026-06-14T10:00:00 trailing',
  ])('refuses the malformed time %j', (recordedAt) => {
    expect(errors(withChanges({ recordedAt }))).toEqual([{ field: 'recordedAt', code: 'invalid_datetime' }]);
  });

  describe('counts the age on the day the registration was made', () => {
    // 18th birthday on 2026-06-15 (Niamey); synced on 2026-06-15 or later.
    const teen = { birthDate: '2008-06-15' };

    it('refuses a registration made the day before the 18th birthday, even when synced after it', () => {
      expect(errors(withChanges({ ...teen, recordedAt: '2026-06-14T12:00:00Z' }))).toEqual([
        { field: 'birthDate', code: 'under_minimum_age', params: { min: 18 } },
      ]);
      expect(codes(withChanges({ ...teen, recordedAt: '2026-06-14T12:00:00Z' }), 'agent', new Date('2026-07-01T10:00:00Z'))).toEqual([
        'birthDate:under_minimum_age',
      ]);
    });

    it('accepts a registration made on the birthday', () => {
      expect(valid(withChanges({ ...teen, recordedAt: '2026-06-15T08:00:00Z' }), 'agent', new Date('2026-06-20T10:00:00Z')).birthDate).toBe('2008-06-15');
    });

    it('uses the day in Niamey, not in UTC', () => {
      // 23:30 UTC on 14 June is 00:30 on 15 June in Niamey: already the birthday.
      expect(valid(withChanges({ ...teen, recordedAt: '2026-06-14T23:30:00Z' })).recordedAt).toBe('2026-06-14T23:30:00.000Z');
      expect(codes(withChanges({ ...teen, recordedAt: '2026-06-14T22:30:00Z' }))).toEqual(['birthDate:under_minimum_age']);
    });

    it('uses the server day when there is no recordedAt', () => {
      expect(valid(withChanges(teen)).birthDate).toBe('2008-06-15');
      expect(codes(withChanges(teen), 'agent', new Date('2026-06-14T12:00:00Z'))).toEqual(['birthDate:under_minimum_age']);
    });
  });
});
