import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { randomView } from './random-pool.ts';
import type { Keyring } from './keyring.ts';

/**
 * Encrypts one personal field with AES-256-GCM. The ciphertext reads `<keyId>.<base64url(iv|data|tag)>`
 * and is bound (as additional authenticated data) to the field and record it belongs to, so a
 * ciphertext copied into another row or column fails to decrypt instead of showing the wrong person.
 */
export interface FieldCipher {
  encrypt(plain: string, context: string): string;
  decrypt(sealed: string, context: string): string;
  /** The same sealing for bytes (several fields laid out together: see store/personal-fields.ts). */
  encryptBytes(plain: Uint8Array, context: string): string;
  decryptBytes(sealed: string, context: string): Buffer;
  /** Keyed hash for exact lookups (phone, ID number) without storing the value in clear. */
  blindIndex(kind: string, value: string): string;
  /** Keyed hash of any text (request fingerprints): equal inputs give equal hashes, nothing more. */
  fingerprint(text: string): string;
  currentKeyId: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createFieldCipher(keyring: Keyring): FieldCipher {
  const currentKey = keyring.dataKeys.get(keyring.currentKeyId);
  if (!currentKey) throw new Error('the current key is missing from the keyring');
  return {
    currentKeyId: keyring.currentKeyId,
    encrypt(plain, context) {
      const iv = Buffer.from(randomView(IV_BYTES));
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${keyring.currentKeyId}.${body.toString('base64url')}`;
    },
    encryptBytes(plain, context) {
      const iv = Buffer.from(randomView(IV_BYTES));
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return `${keyring.currentKeyId}.${body.toString('base64url')}`;
    },
    decrypt: fieldDecrypter(keyring.dataKeys),
    decryptBytes: bytesDecrypter(keyring.dataKeys),
    blindIndex(kind, value) {
      return createHmac('sha256', keyring.indexKey).update(`${kind}\u0000${value}`).digest('base64url').slice(0, 32);
    },
    fingerprint(text) {
      return createHmac('sha256', keyring.indexKey).update(`fingerprint\u0000${text}`).digest('base64url');
    },
  };
}

/**
 * Decryption alone, from the data keys alone: what a worker thread that reads exported fields needs
 * (it never holds the index key).
 */
export function fieldDecrypter(dataKeys: ReadonlyMap<string, Buffer>): (sealed: string, context: string) => string {
  const open = bytesDecrypter(dataKeys);
  return (sealed, context) => open(sealed, context).toString('utf8');
}

/** Decryption to bytes, from the data keys alone (see fieldDecrypter). */
export function bytesDecrypter(dataKeys: ReadonlyMap<string, Buffer>): (sealed: string, context: string) => Buffer {
  return (sealed, context) => {
    const dot = sealed.indexOf('.');
    const key = dot > 0 ? dataKeys.get(sealed.slice(0, dot)) : undefined;
    if (!key) throw new Error(`no key to decrypt ${context} (key id ${sealed.slice(0, Math.max(dot, 0))})`);
    const body = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new Error(`corrupt ciphertext for ${context}`);
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const first = decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES));
    const last = decipher.final();
    return last.length === 0 ? first : Buffer.concat([first, last]);
  };
}
