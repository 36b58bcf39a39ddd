import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyringFromMasters } from '../crypto/keyring.ts';
import {
  appendCheckpointFile,
  deriveAuditSigningKey,
  rawPublicKeyBase64,
  readCheckpointFile,
  signCheckpoint,
  verifyCheckpoint,
  type SignedCheckpoint,
} from './checkpoints.ts';

const masterA = Buffer.alloc(32, 7);
const masterB = Buffer.alloc(32, 9);
const keyA = deriveAuditSigningKey(keyringFromMasters([masterA], masterA));
const keyB = deriveAuditSigningKey(keyringFromMasters([masterB], masterB));
const content = { count: 25, head: 'ab'.repeat(32), at: '2026-06-15T10:00:00.000Z' };

const dir = mkdtempSync(join(tmpdir(), 'muster-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signing', () => {
  it('signs and verifies, with the raw 32-byte public key in the checkpoint', () => {
    const cp = signCheckpoint(content, keyA);
    expect(cp).toMatchObject(content);
    expect(Buffer.from(cp.publicKey, 'base64')).toHaveLength(32);
    expect(Buffer.from(cp.signature, 'base64')).toHaveLength(64);
    expect(verifyCheckpoint(cp, keyA.publicKey)).toBe(true);
  });

  it('fails when the count, head, time or signature changed', () => {
    const cp = signCheckpoint(content, keyA);
    const flipped = Buffer.from(cp.signature, 'base64');
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    const changed: SignedCheckpoint[] = [
      { ...cp, count: 26 },
      { ...cp, head: 'ac'.repeat(32) },
      { ...cp, at: '2026-06-15T10:00:01.000Z' },
      { ...cp, signature: flipped.toString('base64') },
      { ...cp, signature: 'not base64 at all' },
      { ...cp, signature: '' },
    ];
    for (const c of changed) expect(verifyCheckpoint(c, keyA.publicKey)).toBe(false);
  });

  it('refuses a checkpoint signed by another key, whichever key it names', () => {
    const foreign = signCheckpoint(content, keyB);
    expect(verifyCheckpoint(foreign, keyB.publicKey)).toBe(true);
    expect(verifyCheckpoint(foreign, keyA.publicKey)).toBe(false);
    // Claiming our public key does not help: the signature is checked against it.
    expect(verifyCheckpoint({ ...foreign, publicKey: rawPublicKeyBase64(keyA.publicKey) }, keyA.publicKey)).toBe(false);
  });

  it('derives the same key from the same keyring, a different one from another', () => {
    const again = deriveAuditSigningKey(keyringFromMasters([Buffer.alloc(32, 1), masterA], masterA));
    expect(rawPublicKeyBase64(again.publicKey)).toBe(rawPublicKeyBase64(keyA.publicKey));
    expect(verifyCheckpoint(signCheckpoint(content, again), keyA.publicKey)).toBe(true);
    expect(rawPublicKeyBase64(keyB.publicKey)).not.toBe(rawPublicKeyBase64(keyA.publicKey));
    // Ed25519 signatures are deterministic: the same content and key give the same signature.
    expect(signCheckpoint(content, again).signature).toBe(signCheckpoint(content, keyA).signature);
  });
});

describe('checkpoint file', () => {
  it('reads a missing file as empty', async () => {
    expect(await readCheckpointFile(join(dir, 'nothing', 'here.jsonl'))).toEqual({ checkpoints: [], problems: [] });
  });

  it('round-trips checkpoints as JSON lines in a 0600 file, creating the directory', async () => {
    const file = join(dir, 'sub', 'dir', 'checkpoints.jsonl');
    const first = signCheckpoint(content, keyA);
    const second = signCheckpoint({ ...content, count: 50, head: 'cd'.repeat(32) }, keyA);
    await appendCheckpointFile(file, first);
    await appendCheckpointFile(file, second);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    expect(await readCheckpointFile(file)).toEqual({
      checkpoints: [
        { line: 1, checkpoint: first },
        { line: 2, checkpoint: second },
      ],
      problems: [],
    });
  });

  it('tightens the mode of an existing file', async () => {
    const file = join(dir, 'loose.jsonl');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    await appendCheckpointFile(file, signCheckpoint(content, keyA));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reports corrupt lines instead of dropping them, and keeps the good ones', async () => {
    const file = join(dir, 'corrupt.jsonl');
    const good = signCheckpoint(content, keyA);
    await appendCheckpointFile(file, good);
    appendFileSync(file, '{"count": 50, "head": "cd\n');
    appendFileSync(file, '{"count": 0, "head": "x", "at": 1}\n');
    appendFileSync(file, `${JSON.stringify(good)}\n`);
    const read = await readCheckpointFile(file);
    expect(read.checkpoints.map((c) => c.line)).toEqual([1, 4]);
    expect(read.problems).toHaveLength(2);
    expect(read.problems[0]).toMatch(/line 2: not valid JSON/);
    expect(read.problems[1]).toMatch(/line 3: not a checkpoint/);
  });

  it('closes a line cut short by a crash before appending the next checkpoint', async () => {
    const file = join(dir, 'torn.jsonl');
    const good = signCheckpoint(content, keyA);
    writeFileSync(file, `${JSON.stringify(good)}\n{"count":50,"he`, { mode: 0o600 });
    await appendCheckpointFile(file, good);
    const read = await readCheckpointFile(file);
    expect(read.checkpoints.map((c) => c.line)).toEqual([1, 3]);
    expect(read.problems).toEqual([expect.stringMatching(/line 2: not valid JSON/)]);
  });
});
