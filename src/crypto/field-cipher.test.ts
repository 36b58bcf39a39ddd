import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFieldCipher } from './field-cipher.ts';
import { keyIdOf, keyringFromMasters, loadKeyring, rotateKeyFile } from './keyring.ts';

const OLD_MASTER = Buffer.alloc(32, 1);
const NEW_MASTER = Buffer.alloc(32, 2);
const INDEX_MASTER = Buffer.alloc(32, 3);

const cipher = createFieldCipher(keyringFromMasters([OLD_MASTER], INDEX_MASTER));
const CONTEXT = 'volunteers.given_name:0190f3a2-7c4b-7d1e-9a3f-1b2c3d4e5f60';

/** The sealed text with one byte of the binary body flipped. */
function flipByte(sealed: string, index: number): string {
  const dot = sealed.indexOf('.');
  const body = Buffer.from(sealed.slice(dot + 1), 'base64url');
  const at = ((index % body.length) + body.length) % body.length;
  body[at] = (body[at] ?? 0) ^ 0x01;
  return `${sealed.slice(0, dot)}.${body.toString('base64url')}`;
}

describe('field encryption', () => {
  it.each([
    ['a French name', 'Aïchatou'],
    ['Hausa hooked letters', 'Ɓaƙo Ɗanƙwairo ƴaƴa ɓ ɗ ƙ ƴ'],
    ['a phone number', '+22790123456'],
    ['emoji', '🙂 volontaire 🇳🇪'],
    ['an empty string', ''],
    ['a long text', 'x'.repeat(10_000)],
  ])('round-trips %s', (_label, plain) => {
    const sealed = cipher.encrypt(plain, CONTEXT);
    expect(cipher.decrypt(sealed, CONTEXT)).toBe(plain);
  });

  it('writes the key id in front of the ciphertext', () => {
    expect(cipher.encrypt('Moussa', CONTEXT)).toMatch(new RegExp(`^${keyIdOf(OLD_MASTER)}\\.[A-Za-z0-9_-]+$`));
    expect(keyIdOf(OLD_MASTER)).toMatch(/^k[0-9a-f]{8}$/);
  });

  it('gives a different ciphertext each time (random IV)', () => {
    const a = cipher.encrypt('Moussa', CONTEXT);
    const b = cipher.encrypt('Moussa', CONTEXT);
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a, CONTEXT)).toBe(cipher.decrypt(b, CONTEXT));
  });

  it('does not contain the plaintext, in clear or in base64', () => {
    const plain = 'Aichatou Moussa +22790123456';
    const sealed = cipher.encrypt(plain, CONTEXT);
    expect(sealed).not.toContain('Aichatou');
    expect(sealed).not.toContain('22790123456');
    const body = Buffer.from(sealed.slice(sealed.indexOf('.') + 1), 'base64url');
    expect(body.includes(Buffer.from('Aichatou'))).toBe(false);
    expect(body.includes(Buffer.from('22790123456'))).toBe(false);
  });

  it('refuses to decrypt in another context (field or record)', () => {
    const sealed = cipher.encrypt('Moussa', 'volunteers.family_name:rec-1');
    expect(() => cipher.decrypt(sealed, 'volunteers.given_name:rec-1')).toThrow();
    expect(() => cipher.decrypt(sealed, 'volunteers.family_name:rec-2')).toThrow();
    expect(cipher.decrypt(sealed, 'volunteers.family_name:rec-1')).toBe('Moussa');
  });

  it('refuses a ciphertext with a flipped byte (IV, data or tag)', () => {
    const sealed = cipher.encrypt('Moussa', CONTEXT);
    for (const index of [0, 5, 12, 14, -1, -16]) {
      expect(() => cipher.decrypt(flipByte(sealed, index), CONTEXT), `byte ${index}`).toThrow();
    }
  });

  it('refuses truncated, unknown-key and malformed ciphertexts', () => {
    const sealed = cipher.encrypt('Moussa', CONTEXT);
    expect(() => cipher.decrypt(sealed.slice(0, 20), CONTEXT)).toThrow();
    expect(() => cipher.decrypt(`kdeadbeef${sealed.slice(sealed.indexOf('.'))}`, CONTEXT)).toThrow(/no key/);
    expect(() => cipher.decrypt('no-dot-at-all', CONTEXT)).toThrow();
    expect(() => cipher.decrypt('', CONTEXT)).toThrow();
  });

  it('cannot be opened with another master key', () => {
    const other = createFieldCipher(keyringFromMasters([randomBytes(32)], INDEX_MASTER));
    expect(() => other.decrypt(cipher.encrypt('Moussa', CONTEXT), CONTEXT)).toThrow();
  });
});

describe('key rotation', () => {
  const before = createFieldCipher(keyringFromMasters([OLD_MASTER], INDEX_MASTER));
  const after = createFieldCipher(keyringFromMasters([OLD_MASTER, NEW_MASTER], INDEX_MASTER));

  it('still opens data sealed with the old key', () => {
    const sealed = before.encrypt('Aïchatou', CONTEXT);
    expect(sealed.startsWith(`${keyIdOf(OLD_MASTER)}.`)).toBe(true);
    expect(after.decrypt(sealed, CONTEXT)).toBe('Aïchatou');
  });

  it('seals new data with the new key', () => {
    expect(after.currentKeyId).toBe(keyIdOf(NEW_MASTER));
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    const sealed = after.encrypt('Aïchatou', CONTEXT);
    expect(sealed.startsWith(`${keyIdOf(NEW_MASTER)}.`)).toBe(true);
    // The old keyring does not know the new key.
    expect(() => before.decrypt(sealed, CONTEXT)).toThrow();
  });

  it('keeps blind indexes unchanged (same index master)', () => {
    expect(after.blindIndex('phone', '+22790123456')).toBe(before.blindIndex('phone', '+22790123456'));
    expect(after.fingerprint('request')).toBe(before.fingerprint('request'));
  });

  it('refuses an empty keyring', () => {
    expect(() => keyringFromMasters([], INDEX_MASTER)).toThrow();
  });
});

describe('blind index', () => {
  it('is stable for equal inputs and differs for different ones', () => {
    const a = cipher.blindIndex('phone', '+22790123456');
    expect(cipher.blindIndex('phone', '+22790123456')).toBe(a);
    expect(cipher.blindIndex('phone', '+22790123457')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.toContain('90123456');
  });

  it('differs across kinds', () => {
    expect(cipher.blindIndex('phone', 'NE123456')).not.toBe(cipher.blindIndex('national_id', 'NE123456'));
  });

  it('depends on the index key', () => {
    const other = createFieldCipher(keyringFromMasters([OLD_MASTER], NEW_MASTER));
    expect(other.blindIndex('phone', '+22790123456')).not.toBe(cipher.blindIndex('phone', '+22790123456'));
  });

  it('fingerprints are stable and tell texts apart', () => {
    expect(cipher.fingerprint('x')).toBe(cipher.fingerprint('x'));
    expect(cipher.fingerprint('x')).not.toBe(cipher.fingerprint('y'));
  });
});

describe('loadKeyring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a key file with mode 0600 and loads the same keys again', () => {
    const keyFile = join(dir, 'nested', 'keys.json');
    const first = loadKeyring({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const second = loadKeyring({ keyFile });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect([...second.dataKeys.keys()]).toEqual([...first.dataKeys.keys()]);
    expect(second.indexKey.equals(first.indexKey)).toBe(true);
    // Data sealed after the first load open after the second.
    const sealed = createFieldCipher(first).encrypt('Moussa', CONTEXT);
    expect(createFieldCipher(second).decrypt(sealed, CONTEXT)).toBe('Moussa');
    const content = JSON.parse(readFileSync(keyFile, 'utf8')) as { version: number; keys: string[]; index: string };
    expect(content.version).toBe(1);
    expect(content.keys).toHaveLength(1);
  });

  it('creates different keys in different files', () => {
    const a = loadKeyring({ keyFile: join(dir, 'a.json') });
    const b = loadKeyring({ keyFile: join(dir, 'b.json') });
    expect(a.currentKeyId).not.toBe(b.currentKeyId);
    expect(a.indexKey.equals(b.indexKey)).toBe(false);
  });

  it('refuses a key file readable by others, saying how to fix it', () => {
    const keyFile = join(dir, 'open.json');
    loadKeyring({ keyFile });
    chmodSync(keyFile, 0o644);
    expect(() => loadKeyring({ keyFile })).toThrow(/chmod 600/);
  });

  it('keeps old data readable after rotating the key file', () => {
    const keyFile = join(dir, 'rotate.json');
    const before = loadKeyring({ keyFile });
    const sealed = createFieldCipher(before).encrypt('Aïchatou', CONTEXT);
    const newId = rotateKeyFile(keyFile);
    const after = loadKeyring({ keyFile });
    expect(after.currentKeyId).toBe(newId);
    expect(newId).not.toBe(before.currentKeyId);
    expect(createFieldCipher(after).decrypt(sealed, CONTEXT)).toBe('Aïchatou');
    expect(after.indexKey.equals(before.indexKey)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a key file that is not JSON, not a key file, or holds a short key', () => {
    const write = (name: string, text: string): string => {
      const keyFile = join(dir, name);
      writeFileSync(keyFile, text, { mode: 0o600 });
      return keyFile;
    };
    expect(() => loadKeyring({ keyFile: write('garbage.json', 'not json') })).toThrow(/not a valid key file/);
    expect(() => loadKeyring({ keyFile: write('other.json', '{"version":2,"keys":[],"index":""}') })).toThrow(/not a valid key file/);
    const short = randomBytes(16).toString('base64');
    expect(() => loadKeyring({ keyFile: write('short.json', JSON.stringify({ version: 1, keys: [short], index: short })) })).toThrow(/32 bytes/);
  });

  it('uses MUSTER_KEY when set, and refuses one that is not 32 bytes', () => {
    const key = randomBytes(32).toString('base64');
    const fromEnv = loadKeyring({ envKey: key, keyFile: join(dir, 'unused.json') });
    expect(fromEnv.currentKeyId).toBe(keyIdOf(Buffer.from(key, 'base64')));
    expect(loadKeyring({ envKey: key, keyFile: join(dir, 'unused.json') }).indexKey.equals(fromEnv.indexKey)).toBe(true);
    expect(() => loadKeyring({ envKey: randomBytes(16).toString('base64'), keyFile: join(dir, 'unused.json') })).toThrow(/MUSTER_KEY.*32 bytes/);
    expect(() => loadKeyring({ envKey: randomBytes(33).toString('base64'), keyFile: join(dir, 'unused.json') })).toThrow(/32 bytes/);
    expect(() => loadKeyring({ envKey: 'not base64 at all', keyFile: join(dir, 'unused.json') })).toThrow(/32 bytes/);
  });
});
