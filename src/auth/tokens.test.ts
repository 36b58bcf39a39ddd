import { describe, expect, it } from 'vitest';
import { hashToken, newEnrolmentCode, newSecretToken, normaliseEnrolmentCode } from './tokens.ts';

describe('secret tokens', () => {
  it('reads <prefix>_<43 base64url characters> (32 bytes)', () => {
    const token = newSecretToken('mst_sess');
    expect(token).toMatch(/^mst_sess_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('mst_sess_'.length), 'base64url')).toHaveLength(32);
  });

  it('never repeats over 10,000 tokens', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => newSecretToken('sess')));
    expect(tokens.size).toBe(10_000);
  });

  it.each(['', '_x', 'a b', 'sess-1', 'é'])('refuses the prefix %j', (prefix) => {
    expect(() => newSecretToken(prefix)).toThrow(RangeError);
  });

  it('hashes to a stable hex SHA-256', () => {
    const token = newSecretToken('sess');
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(newSecretToken('sess')));
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('enrolment codes', () => {
  it('reads XXXX-XXXX-XXXX in Crockford base32', () => {
    for (let i = 0; i < 1_000; i++) {
      expect(newEnrolmentCode()).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}$/);
    }
  });

  it('never repeats over 10,000 codes and uses the whole alphabet', () => {
    const codes = Array.from({ length: 10_000 }, () => newEnrolmentCode());
    expect(new Set(codes).size).toBe(10_000);
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
  });

  it('normalises what people type back to the code', () => {
    for (let i = 0; i < 1_000; i++) {
      const code = newEnrolmentCode();
      const canonical = code.replace(/-/g, '');
      expect(normaliseEnrolmentCode(code)).toBe(canonical);
      expect(normaliseEnrolmentCode(code.toLowerCase().replace(/-/g, ' '))).toBe(canonical);
      expect(normaliseEnrolmentCode(` ${canonical.replace(/0/g, 'o').replace(/1/g, 'l')} `)).toBe(canonical);
    }
  });

  it.each([
    ['7k3q-9xdm-2b4f', '7K3Q9XDM2B4F'],
    ['7K3Q 9XDM 2B4F', '7K3Q9XDM2B4F'],
    ['O0Oo-IiLl-1111', '00001111' + '1111'],
    ['  ab12--cd34\tef56 ', 'AB12CD34EF56'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseEnrolmentCode(input)).toBe(expected);
  });
});
