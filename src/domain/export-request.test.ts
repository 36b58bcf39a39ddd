import { describe, expect, it } from 'vitest';
import { visibleFields } from '../access/policy.ts';
import { EXPORT_PURPOSES, exportColumns, exportFields, isAgeRecipient } from './export-request.ts';

const staff = (role: 'admin' | 'coordinator' | 'officer') => visibleFields({ kind: 'staff', userId: 'u', role, areas: [], site: null, strongAuth: true, pending: null });

describe('export fields', () => {
  it('takes by default every field the purpose allows that the requester may see', () => {
    expect(exportFields('planning', undefined, staff('admin'))).toEqual({ ok: true, fields: [...EXPORT_PURPOSES.planning] });
    const verification = exportFields('verification', undefined, staff('coordinator'));
    expect(verification.ok && verification.fields.includes('nationalId')).toBe(false);
    expect(exportFields('verification', undefined, staff('admin'))).toMatchObject({ ok: true, fields: expect.arrayContaining(['nationalId']) as unknown });
  });

  it('refuses a field the purpose does not need, or the requester may not see', () => {
    expect(exportFields('planning', ['area', 'phone'], staff('admin'))).toEqual({ ok: false, errors: [{ field: 'fields.1', code: 'field_not_for_purpose', params: { value: 'phone' } }] });
    expect(exportFields('verification', ['nationalId'], staff('coordinator'))).toEqual({ ok: false, errors: [{ field: 'fields.0', code: 'field_not_allowed', params: { value: 'nationalId' } }] });
    expect(exportFields('call_up', ['shoeSize'], staff('admin'))).toMatchObject({ ok: false, errors: [{ field: 'fields.0', code: 'invalid_value' }] });
  });

  it('keeps the canonical order and splits consent into the columns an import reads', () => {
    expect(exportFields('transfer', ['phone', 'givenName'], staff('admin'))).toEqual({ ok: true, fields: ['givenName', 'phone'] });
    expect(exportColumns(['reference', 'consent'])).toEqual(['reference', 'consent', 'consentVersion', 'consentLanguage']);
  });

  it('recognises age X25519 recipients', () => {
    expect(isAgeRecipient('age1rzzckccjx3n64n7gyryge547m8hjdu2tlcpj9ztq38seyzkekddq3jt7t3')).toBe(true);
    expect(isAgeRecipient('age1rzzckccjx3n64n7gyryge547m8hjdu2tlcpj9ztq38seyzkekddq3jt7t')).toBe(false);
    expect(isAgeRecipient('AGE-SECRET-KEY-1XYZ')).toBe(false);
  });
});
