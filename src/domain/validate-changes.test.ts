import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import type { FieldError } from './field-error.ts';
import { validateVolunteerChanges, type ValidChanges } from './validate-changes.ts';

const drive = loadDrive();

function valid(raw: unknown): ValidChanges {
  const result = validateVolunteerChanges(raw, drive);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errors(raw: unknown): FieldError[] {
  const result = validateVolunteerChanges(raw, drive);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

describe('validateVolunteerChanges', () => {
  it('normalises a valid partial change', () => {
    expect(valid({ phone: '90 12 34 56', roles: [' medical', 'transport', 'medical'], availability: 'within_week' })).toEqual({
      phone: '+22790123456',
      roles: ['medical', 'transport'],
      availability: 'within_week',
    });
  });

  it('returns only the fields that were sent', () => {
    expect(valid({ languages: ['dje', 'fr', 'dje'] })).toEqual({ languages: ['dje', 'fr'] });
    expect(valid({ skills: [] })).toEqual({ skills: [] });
    expect(valid({})).toEqual({});
  });

  it('refuses an empty list of roles', () => {
    expect(errors({ roles: [] })).toEqual([{ field: 'roles', code: 'roles_required' }]);
  });

  it('refuses unknown roles, skills and languages with their position in the request', () => {
    expect(errors({ roles: ['medical', 'astronaut'], skills: ['juggler'], languages: ['fr', 'fr', 'xx'] })).toEqual([
      { field: 'roles.1', code: 'unknown_role', params: { value: 'astronaut' } },
      { field: 'skills.0', code: 'unknown_skill', params: { value: 'juggler' } },
      { field: 'languages.2', code: 'unknown_language', params: { value: 'xx' } },
    ]);
  });

  it('refuses a bad phone and a fixed line', () => {
    expect(errors({ phone: '12' })).toEqual([{ field: 'phone', code: 'invalid_phone' }]);
    expect(errors({ phone: '+227 20 72 34 56' })).toEqual([{ field: 'phone', code: 'not_mobile' }]);
  });

  it('collects errors of several fields', () => {
    expect(errors({ phone: 'abc', roles: [] }).map((e) => e.code).sort()).toEqual(['invalid_phone', 'roles_required']);
  });

  it('refuses fields that cannot be changed this way', () => {
    expect(errors({ givenName: 'Aïcha' })).toEqual([{ field: 'givenName', code: 'unknown_field' }]);
    expect(errors({ phone: '90123456', birthDate: '1994-03-12' })).toEqual([{ field: 'birthDate', code: 'unknown_field' }]);
  });

  it('refuses wrong types and values', () => {
    expect(errors({ roles: 'medical' })).toEqual([{ field: 'roles', code: 'invalid_type' }]);
    expect(errors({ availability: 'never' })).toMatchObject([{ field: 'availability', code: 'invalid_value' }]);
  });
});
