import { describe, expect, it } from 'vitest';
import { checkMapping, mapRow, normalizeHeader, readDate, rowClientId, type ImportMapping } from './import-mapping.ts';

const mapping: ImportMapping = {
  columns: { givenName: 'Prénom', familyName: 'Nom', birthDate: 'Naissance', phone: 'Téléphone', area: 'Commune', roles: 'Rôles', consent: 'Consentement', sex: 'Sexe' },
  defaults: { consentVersion: '1', capturedBy: 'Agent Issa' },
  listSeparators: ',;',
};
const cells = (values: Record<string, string>) => new Map(Object.entries(values).map(([k, v]) => [normalizeHeader(k), v]));
const row = { Prénom: 'Aïcha', Nom: 'Moussa', Naissance: '12/03/1994', Téléphone: "'+22790123456", Commune: 'ne008', Rôles: 'medical; transport', Consentement: 'Oui', Sexe: 'femme' };

describe('import mapping', () => {
  it('gives every row of a file its own stable client id, a UUID', () => {
    const id = rowClientId('ab'.repeat(32), 7);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rowClientId('ab'.repeat(32), 7)).toBe(id);
    expect(rowClientId('ab'.repeat(32), 8)).not.toBe(id);
    expect(rowClientId('cd'.repeat(32), 7)).not.toBe(id);
  });

  it('reads dates as spreadsheets write them, day first', () => {
    expect(readDate('12/03/1994')).toBe('1994-03-12');
    expect(readDate('1.2.1990')).toBe('1990-02-01');
    expect(readDate('1994-03-12')).toBe('1994-03-12');
    expect(readDate('1994-03-12T00:00:00.000Z')).toBe('1994-03-12');
    expect(readDate('1994')).toBe('1994');
    expect(readDate('March 1994')).toBeNull();
  });

  it('maps a row to the input of the registration service, with the file-wide values', () => {
    const mapped = mapRow(cells(row), mapping, 'id-1', 'fr');
    expect(mapped).toEqual({
      ok: true,
      value: {
        capturedBy: 'Agent Issa',
        input: {
          clientId: 'id-1',
          givenName: 'Aïcha',
          familyName: 'Moussa',
          birthDate: '1994-03-12',
          sex: 'F',
          phone: '+22790123456',
          area: 'ne008',
          roles: ['medical', 'transport'],
          consent: { noticeVersion: '1', language: 'fr' },
        },
      },
    });
    const yearOnly = mapRow(cells({ ...row, Naissance: '1990' }), mapping, 'id-2', 'fr');
    expect(yearOnly.ok && yearOnly.value.input.birthYear).toBe(1990);
  });

  it('refuses a row whose consent box is not ticked, and says which cells are unreadable', () => {
    expect(mapRow(cells({ ...row, Consentement: '' }), mapping, 'x', 'fr')).toEqual({ ok: false, errors: [{ field: 'consent', code: 'consent_missing' }] });
    expect(mapRow(cells({ ...row, Consentement: 'non' }), mapping, 'x', 'fr')).toEqual({ ok: false, errors: [{ field: 'consent', code: 'consent_missing' }] });
    const bad = mapRow(cells({ ...row, Naissance: 'hier', Sexe: '?' }), mapping, 'x', 'fr');
    expect(bad.ok ? [] : bad.errors.map((e) => e.code)).toEqual(['invalid_date', 'invalid_value']);
  });

  it('checks a mapping against the header row of the file', () => {
    expect(checkMapping(mapping, Object.keys(row))).toEqual([]);
    const errors = checkMapping({ ...mapping, columns: { ...mapping.columns, phone: 'Tel' }, defaults: {} }, Object.keys(row));
    expect(errors).toEqual([
      { field: 'columns.phone', code: 'column_not_found', params: { value: 'Tel' } },
      { field: 'defaults.consentVersion', code: 'column_required' },
      { field: 'defaults.capturedBy', code: 'column_required' },
    ]);
  });
});
