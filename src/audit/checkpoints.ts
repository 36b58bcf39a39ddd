import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Keyring } from '../crypto/keyring.ts';
import { stableJson } from './audit-chain.ts';

/**
 * Signed checkpoints of the audit chain: "the log had `count` entries and entry `count` had hash
 * `head`", signed with Ed25519 and appended to a file outside the database. Whoever can rewrite the
 * database but not sign cannot truncate the log or recompute its hashes without contradicting a
 * checkpoint. (The signing key comes from the keyring, so the file and the key should not both be
 * within an attacker's reach: keep the key in MUSTER_KEY or ship the file off the host.)
 */

export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface CheckpointContent {
  count: number;
  head: string;
  at: string;
}

export interface SignedCheckpoint extends CheckpointContent {
  /** Base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** Base64 Ed25519 signature over the canonical JSON of {count, head, at}. */
  signature: string;
}

export interface CheckpointLine {
  /** 1-based line number in the file, for messages. */
  line: number;
  checkpoint: SignedCheckpoint;
}

// DER framing of an Ed25519 private key (PKCS#8) and public key (SPKI) around the raw 32 bytes.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX_LENGTH = 12;

/** The same keyring always gives the same key: checkpoints stay verifiable across restarts. */
export function deriveAuditSigningKey(keyring: Keyring): AuditSigningKey {
  if (keyring.auditSeed.length !== 32) throw new Error('the audit signing seed must be 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, keyring.auditSeed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Base64 of the raw 32-byte public key, as written in checkpoints. */
export function rawPublicKeyBase64(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_ED25519_PREFIX_LENGTH).toString('base64');
}

function signedBytes(c: CheckpointContent): Buffer {
  return Buffer.from(stableJson({ count: c.count, head: c.head, at: c.at }), 'utf8');
}

export function signCheckpoint(content: CheckpointContent, key: AuditSigningKey): SignedCheckpoint {
  const signature = sign(null, signedBytes(content), key.privateKey).toString('base64');
  return { count: content.count, head: content.head, at: content.at, publicKey: rawPublicKeyBase64(key.publicKey), signature };
}

/** True when `cp` was signed by the private half of `publicKey` and not changed since. */
export function verifyCheckpoint(cp: SignedCheckpoint, publicKey: KeyObject): boolean {
  // The key named in the checkpoint must be ours: a checkpoint signed with any other key proves nothing.
  if (cp.publicKey !== rawPublicKeyBase64(publicKey)) return false;
  const signature = Buffer.from(cp.signature, 'base64');
  if (signature.length !== 64) return false;
  try {
    return verify(null, signedBytes(cp), publicKey, signature);
  } catch {
    return false;
  }
}

/** Where checkpoints go unless configured: MUSTER_AUDIT_CHECKPOINTS, else beside the data. */
export function defaultCheckpointFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.MUSTER_AUDIT_CHECKPOINTS || join(dataDir, 'audit-checkpoints.jsonl');
}

/**
 * Appends one checkpoint as a JSON line and makes it durable before returning. The file is created
 * with mode 0600 (and its directory if needed); a last line left incomplete by a crash is closed first
 * so the new checkpoint does not merge into it.
 */
export async function appendCheckpointFile(path: string, cp: SignedCheckpoint): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  const handle = await open(path, 'a+', 0o600);
  try {
    await handle.chmod(0o600);
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    // One write call in append mode: concurrent appenders never interleave inside a line.
    await handle.write(`${prefix}${JSON.stringify(cp)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (!existed) {
    // A new file's directory entry must be durable too, or the whole file can vanish on power loss.
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/**
 * Reads every checkpoint in the file. A missing file has none. A line that is not a well-formed
 * checkpoint is reported in `problems` (a checkpoint file is never edited, so such a line means
 * tampering or an interrupted write; either way the operator must know).
 */
export async function readCheckpointFile(path: string): Promise<{ checkpoints: CheckpointLine[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], problems: [] };
    throw error;
  }
  const checkpoints: CheckpointLine[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  // The text ends with a newline, so the last piece is empty unless the last write was cut short.
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((content, index) => {
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      problems.push(`checkpoint file ${path} line ${line}: not valid JSON (interrupted write or edited?)`);
      return;
    }
    if (!isSignedCheckpoint(parsed)) {
      problems.push(`checkpoint file ${path} line ${line}: not a checkpoint (expected count, head, at, publicKey, signature)`);
      return;
    }
    checkpoints.push({ line, checkpoint: parsed });
  });
  return { checkpoints, problems };
}

function isSignedCheckpoint(value: unknown): value is SignedCheckpoint {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.count === 'number' &&
    Number.isSafeInteger(v.count) &&
    v.count >= 1 &&
    typeof v.head === 'string' &&
    /^[0-9a-f]{64}$/.test(v.head) &&
    typeof v.at === 'string' &&
    typeof v.publicKey === 'string' &&
    typeof v.signature === 'string'
  );
}
