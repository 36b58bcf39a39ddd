import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../crypto/field-cipher.ts';
import { keyringFromMasters } from '../crypto/keyring.ts';
import { csvCell, csvLine } from './csv.ts';
import { createDecryptPool } from './decrypt-pool.ts';

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3])).toBe('a,"b,c","say ""hi""",,3\r\n');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+22790123456')).toBe("'+22790123456");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('Ɗan Kano')).toBe('Ɗan Kano');
  });
});

describe('the decryption workers', () => {
  it('read exactly what the field cipher writes, and refuse a value moved to another record', async () => {
    const keyring = keyringFromMasters([Buffer.alloc(32, 3), Buffer.alloc(32, 4)], Buffer.alloc(32, 5));
    const cipher = createFieldCipher(keyring);
    const values = ['Aïchatou', 'Ɗan Kano', '+22790123456', ''];
    const contexts = values.map((_, i) => `volunteers.given_name:${i}`);
    const sealed = values.map((v, i) => cipher.encrypt(v, contexts[i] ?? ''));
    const pool = createDecryptPool(keyring, 2);
    try {
      expect(await pool.decrypt([...sealed, null], [...contexts, 'x'])).toEqual([...values, null]);
      await expect(pool.decrypt([sealed[0] ?? ''], ['volunteers.given_name:1'])).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });
});
