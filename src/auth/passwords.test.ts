import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  dummyHash,
  hashPassword,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.ts';

const context = { username: 'moussa.ibrahim', displayName: 'Moussa Ibrahim' };
const commonList = (createRequire(import.meta.url)('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common'))
  .dictionary.passwords;

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id and the OWASP parameters, verifies the right password only', async () => {
    const hashed = await hashPassword('Tillaberi-lait-7-chameaux');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hashed, 'Tillaberi-lait-7-chameaux')).toBe(true);
    expect(await verifyPassword(hashed, 'tillaberi-lait-7-chameaux')).toBe(false);
    expect(await verifyPassword(hashed, '')).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('Zinder-sultanat-1812')).not.toBe(await hashPassword('Zinder-sultanat-1812'));
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a hash'],
    ['a truncated hash', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ'],
    ['a bcrypt hash', '$2b$10$abcdefghijklmnopqrstuuJ9l5Yl8nKq0mS1Yq5QeYpZ2h5m1Q7m'],
    ['unsupported parameters', '$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHQ$aGFzaGhhc2g'],
  ])('returns false, without throwing, for %s', async (_label, malformed) => {
    expect(await verifyPassword(malformed, 'Tillaberi-lait-7-chameaux')).toBe(false);
  });

  it('normalises to NFC, so precomposed and decomposed accents verify alike', async () => {
    const composed = 'Agadez-\u00e9t\u00e9-2019';
    const decomposed = 'Agadez-e\u0301te\u0301-2019';
    expect(composed).not.toBe(decomposed);
    const hashed = await hashPassword(composed);
    expect(await verifyPassword(hashed, decomposed)).toBe(true);
  });
});

describe('dummy hash', () => {
  it('is a valid argon2id hash computed once, and never verifies', async () => {
    const first = await dummyHash();
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await dummyHash()).toBe(first);
    expect(await verifyAgainstDummy('Tillaberi-lait-7-chameaux')).toBe(false);
  });

  it('costs about as much as verifying a real hash', async () => {
    const real = await hashPassword('Tillaberi-lait-7-chameaux');
    await dummyHash();
    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < 3; i++) await run();
      return performance.now() - start;
    };
    const known = await time(() => verifyPassword(real, 'wrong-password-here'));
    const unknown = await time(() => verifyAgainstDummy('wrong-password-here'));
    // Loose bounds: only a skipped verification (a ~100x difference) should fail this.
    expect(unknown).toBeGreaterThan(known / 4);
    expect(unknown).toBeLessThan(known * 4);
  });
});

describe('passwordProblem', () => {
  it('accepts a good passphrase', () => {
    expect(passwordProblem('Tillaberi-lait-7-chameaux', context)).toBeNull();
    expect(passwordProblem('le fleuve Niger coule vers Gaya', context)).toBeNull();
  });

  it('checks the examples below really are in the common list', () => {
    for (const word of ['password123', 'qwertyuiop', 'motdepasse', 'qwerty', 'bonjour', 'azertyuiop', 'soleil']) {
      expect(commonList).toContain(word);
    }
    // These are only caught by stripping the decoration:
    for (const word of ['motdepasse2024!', 'qwerty2024!', 'bonjour123']) expect(commonList).not.toContain(word);
  });

  it.each([
    ['password_too_short', 'Niamey-227'.slice(0, 9)],
    ['password_too_short', ''],
    ['password_too_long', 'Tillaberi-lait-7-chameaux '.repeat(11)],
    ['password_common', 'Password123'],
    ['password_common', 'qwertyuiop'],
    ['password_common', 'AZERTYUIOP'],
    ['password_common', 'motdepasse2024!'],
    ['password_common', 'qwerty2024!'],
    ['password_common', 'Bonjour123'],
    ['password_common', 'soleil 2024 !!'],
    ['password_repetitive', 'aaaaaaaaaaaa'],
    ['password_repetitive', '1234567890'],
    ['password_repetitive', 'abcdefghij'],
    ['password_repetitive', 'ABCDEFGHIJKL'],
    ['password_repetitive', '9876543210'],
    ['password_repetitive', '12121212121212'],
    ['password_repetitive', 'abcabcabcabc'],
    ['password_repetitive', 'éééééééééééé'],
    ['password_contains_username', 'moussa.ibrahim-2024'],
    ['password_contains_username', 'MOUSSA.IBRAHIM!Niamey'],
    ['password_contains_username', 'Ibrahim-Tahoua-77'],
  ])('reports %s for %j', (problem, password) => {
    expect(passwordProblem(password, context)).toBe(problem);
  });

  it('accepts exactly 10 and 256 code points', () => {
    expect(passwordProblem('Gaya-fleuv', context)).toBeNull();
    const long = 'Tillaberi-lait-7-chameaux '.repeat(10).slice(0, 256);
    expect([...long]).toHaveLength(256);
    expect(passwordProblem(long, context)).toBeNull();
    expect(passwordProblem(long + 'x', context)).toBe('password_too_long');
  });

  it('counts code points, not UTF-16 units: emoji count once', () => {
    // 9 code points, 13 UTF-16 units.
    expect('🐪🐫Gaya!🐪🐫').toHaveLength(13);
    expect(passwordProblem('🐪🐫Gaya!🐪🐫', context)).toBe('password_too_short');
    expect(passwordProblem('🐪🐫 Gaya 🐪🐫 Tahoua', context)).toBeNull();
  });

  it('counts after NFC: decomposed accents do not pad the length', () => {
    const decomposed = 'Dosso-e\u0301te\u0301'; // 11 code points as typed, 9 after NFC
    expect([...decomposed]).toHaveLength(11);
    expect(passwordProblem(decomposed, context)).toBe('password_too_short');
    expect(passwordProblem('Dosso-e\u0301te\u0301-2019', context)).toBeNull();
  });

  it('does not strip decoration down to a stem too short to judge', () => {
    // Stripping the digits leaves "gaya", under 6 characters: not compared with the list.
    expect(passwordProblem('Gaya1234567', context)).toBeNull();
  });

  it('ignores usernames shorter than 3 characters and short name parts', () => {
    expect(passwordProblem('Tillaberi-lait-7-chameaux', { username: 'ti' })).toBeNull();
    expect(passwordProblem('Tillaberi-lait-7-chameaux', { username: 'ali', displayName: 'Ali Til' })).toBeNull();
    expect(passwordProblem('Tillaberi-lait-7-chameaux', { username: 'til' })).toBe('password_contains_username');
  });

  it('matches the username case-insensitively and after NFC', () => {
    expect(passwordProblem('Mon-ami-AÏCHATOU-9', { username: 'ai\u0308chatou' })).toBe('password_contains_username');
  });
});
