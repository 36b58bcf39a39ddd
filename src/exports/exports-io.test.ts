import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../crypto/field-cipher.ts';
import { keyringFromMasters } from '../crypto/keyring.ts';
import { sealPersonal } from '../store/personal-fields.ts';
import { csvCell, csvLine } from './csv.ts';
import { inlineRenderer, renderPoolSize, startRenderPool } from './render-pool.ts';
import { rosterColumns, type PageSpec } from './roster-page.ts';

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3])).toBe('a,"b,c","say ""hi""",,3\r\n');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+22790123456')).toBe("'+22790123456");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('Ɗan Kano')).toBe('Ɗan Kano');
  });
});

describe('the export render workers', () => {
  it('leave a core to the main thread: one worker on two cores, at least one, at most four', () => {
    expect([1, 2, 3, 8].map((cores) => renderPoolSize(cores))).toEqual([1, 1, 2, 4]);
  });

  it('read exactly what the field cipher writes (any key of the ring), lay out the same rows as the main thread, and refuse a value moved to another record', async () => {
    const old = keyringFromMasters([Buffer.alloc(32, 3)], Buffer.alloc(32, 5));
    const keyring = keyringFromMasters([Buffer.alloc(32, 4), Buffer.alloc(32, 3)], Buffer.alloc(32, 5));
    const fields = ['reference', 'givenName', 'familyName', 'birthDate', 'phone', 'areaName', 'roles', 'languages', 'consent'] as const;
    const spec: PageSpec = { fields, columns: rosterColumns(fields), areaNames: { NE001: 'Agadez' }, output: 'csv' };
    expect(spec.columns).toEqual(['id', 'area', 'reference', 'personal_enc', 'given_name_enc', 'family_name_enc', 'birth_date_enc', 'birth_year', 'phone_enc', 'roles', 'languages', 'consent_version', 'consent_language']);
    const seal = (cipher: ReturnType<typeof createFieldCipher>, field: string, id: string, value: string) => cipher.encrypt(value, `volunteers.${field}:${id}`);
    const current = createFieldCipher(keyring);
    const previous = createFieldCipher(old);
    const rows = [
      ['v1', 'NE001', 'AB12-CD34', null, seal(current, 'given_name', 'v1', 'Aïchatou'), seal(previous, 'family_name', 'v1', 'Ɗan Kano'), null, 1990, seal(current, 'phone', 'v1', '+22790123456'), 'other,medical', '["fr","ha"]', '1', 'fr'],
      ['v2', 'NE999', 'EF56-GH78', null, seal(current, 'given_name', 'v2', 'Moussa, "Mou"'), seal(current, 'family_name', 'v2', 'Issa'), seal(current, 'birth_date', 'v2', '1988-08-08'), 1988, seal(current, 'phone', 'v2', '+22791000000'), null, '[]', '1', 'ha'],
      // Written since migration 0008: the five fields in one ciphertext, the per-field columns empty.
      ['v3', 'NE001', 'JK90-MN12', sealPersonal(previous, 'v3', { givenName: 'Hadiza', familyName: 'Sani', phone: '+22792000000', nationalId: 'NIG1', birthDate: null }), null, null, null, 1999, null, 'medical', '["ha"]', '1', 'ha'],
    ];
    const expected =
      `AB12-CD34,Aïchatou,Ɗan Kano,1990,'+22790123456,Agadez,"medical, other","fr, ha",yes,1,fr\r\n` +
      `EF56-GH78,"Moussa, ""Mou""",Issa,1988-08-08,'+22791000000,,,,yes,1,ha\r\n` +
      `JK90-MN12,Hadiza,Sani,1999,'+22792000000,Agadez,medical,ha,yes,1,ha\r\n`;
    const pool = await startRenderPool(keyring, spec, 2);
    try {
      const pages = await Promise.all([pool.render(rows), pool.render(rows.slice(1))]);
      expect(pages[0]).toEqual({ rows: 3, csv: expected });
      expect(pages[1]).toEqual({ rows: 2, csv: expected.split('\r\n').slice(1).join('\r\n') });
      expect(await inlineRenderer(keyring, spec).render(rows)).toEqual(pages[0]);
      // v1's phone in v2's row: bound to v1, it does not decrypt there.
      const moved = [[...(rows[1] ?? [])]];
      (moved[0] as unknown[])[8] = rows[0]?.[8];
      await expect(pool.render(moved)).rejects.toThrow();
      // v3's sealed fields in v1's row: bound to v3, they do not decrypt there either.
      const movedBlob = [[...(rows[0] ?? [])]];
      (movedBlob[0] as unknown[])[3] = rows[2]?.[3];
      await expect(pool.render(movedBlob)).rejects.toThrow();
    } finally {
      await pool.close();
    }
    const cells = await inlineRenderer(keyring, { ...spec, output: 'cells' }).render(rows);
    expect(cells).toMatchObject({ rows: 3, areas: ['NE001', 'NE999', 'NE001'] });
  });
});
