import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The keys that protect personal data. They live outside the database: in `MUSTER_KEY` (base64 of 32
 * random bytes) or in a key file created with mode 0600 on first start. Each master key has an id
 * (a fingerprint) written into every ciphertext, so keys can rotate: new data use the current key,
 * old data stay readable with older keys until re-encrypted.
 */
export interface Keyring {
  currentKeyId: string;
  /** AES-256 keys for field encryption, by key id. */
  dataKeys: ReadonlyMap<string, Buffer>;
  /** HMAC key for blind indexes; must not change while data exist, or lookups stop matching. */
  indexKey: Buffer;
  /**
   * Seed of the Ed25519 key that signs audit checkpoints (see audit/checkpoints.ts). Derived from the
   * index master, which never rotates, so old checkpoints stay verifiable after data keys rotate.
   */
  auditSeed: Buffer;
}

interface KeyFile {
  version: 1;
  /** Base64 master keys, oldest first; the last one encrypts new data. */
  keys: string[];
  /** Base64 master of the blind-index key, kept apart so that rotating data keys never breaks lookups. */
  index: string;
}

const DATA_INFO = 'muster/field-encryption/v1';
const INDEX_INFO = 'muster/blind-index/v1';
const AUDIT_SIGNING_INFO = 'muster/audit-signing/v1';

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
}

export function keyIdOf(master: Buffer): string {
  return `k${createHash('sha256').update(master).digest('hex').slice(0, 8)}`;
}

function decodeMaster(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where}: a key must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
  return key;
}

export function keyringFromMasters(masters: Buffer[], indexMaster: Buffer): Keyring {
  const last = masters.at(-1);
  if (!last) throw new Error('a keyring needs at least one key');
  const dataKeys = new Map(masters.map((m) => [keyIdOf(m), derive(m, DATA_INFO)] as const));
  return {
    currentKeyId: keyIdOf(last),
    dataKeys,
    indexKey: derive(indexMaster, INDEX_INFO),
    auditSeed: derive(indexMaster, AUDIT_SIGNING_INFO),
  };
}

/**
 * Loads the keyring from `MUSTER_KEY` when set, otherwise from `keyFile`, creating that file (mode
 * 0600) with a fresh random key when it does not exist yet.
 */
export function loadKeyring(options: { envKey?: string | undefined; keyFile: string }): Keyring {
  if (options.envKey) {
    const master = decodeMaster(options.envKey, 'MUSTER_KEY');
    return keyringFromMasters([master], master);
  }
  const { keyFile } = options;
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    const content: KeyFile = { version: 1, keys: [randomBytes(32).toString('base64')], index: randomBytes(32).toString('base64') };
    // 'wx' refuses to overwrite a key file created meanwhile by another process.
    writeFileSync(keyFile, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${keyFile}: the key file is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${keyFile}`);
  }
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(keyFile, 'utf8')) as KeyFile;
  } catch (error) {
    throw new Error(`${keyFile}: not a valid key file (${(error as Error).message})`);
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.keys) || typeof parsed.index !== 'string') {
    throw new Error(`${keyFile}: not a valid key file (expected {"version":1,"keys":[...],"index":"..."})`);
  }
  return keyringFromMasters(
    parsed.keys.map((k, i) => decodeMaster(k, `${keyFile} keys[${i}]`)),
    decodeMaster(parsed.index, `${keyFile} index`),
  );
}

/** Adds a new current key to a key file; older keys stay so existing data remain readable. */
export function rotateKeyFile(keyFile: string): string {
  const parsed = JSON.parse(readFileSync(keyFile, 'utf8')) as KeyFile;
  const fresh = randomBytes(32);
  parsed.keys.push(fresh.toString('base64'));
  writeFileSync(keyFile, `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o600 });
  return keyIdOf(fresh);
}
