import { ChainVerifier, GENESIS_HASH } from '../audit/audit-chain.ts';
import { deriveAuditSigningKey, rawPublicKeyBase64, readCheckpointFile, verifyCheckpoint, type CheckpointLine } from '../audit/checkpoints.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { streamAuditRows } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';

export interface VerifyAuditDeps {
  database: Pick<Database, 'db'>;
  keyring: Keyring;
  checkpointFile: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows read from the log. */
  entries: number;
  /** Hash of the last row read (the genesis hash for an empty log). */
  head: string;
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  /**
   * Entries vouched for by the highest checkpoint that matches the log. Entries after it are
   * protected by the chain only: their truncation or full rewrite would go unnoticed.
   */
  checkpointed: number;
  problems: string[];
  /** The first entry known or suspected to be bad, when the problem lies in the log itself. */
  firstBadSeq?: number;
}

type CheckpointFinding = { line: CheckpointLine; kind: 'truncated' | 'missing' | 'mismatch' };

/**
 * `muster audit verify`: re-checks the hash chain entry by entry (streamed, so any length fits in
 * memory), checks every checkpoint's signature, and checks that the log still holds what each
 * checkpoint vouched for: at least `count` entries, entry `count` with hash `head`. The chain catches
 * edits, deletions, reordering and insertions; the checkpoints catch truncation of the tail and a
 * chain recomputed from some entry onwards.
 */
export async function verifyAudit(deps: VerifyAuditDeps): Promise<AuditVerification> {
  const problems: string[] = [];
  const key = deriveAuditSigningKey(deps.keyring);
  const ourKey = rawPublicKeyBase64(key.publicKey);
  const file = await readCheckpointFile(deps.checkpointFile);

  const signed: CheckpointLine[] = [];
  for (const line of file.checkpoints) {
    const where = `checkpoint file line ${line.line} (count ${line.checkpoint.count}, signed ${line.checkpoint.at})`;
    if (line.checkpoint.publicKey !== ourKey) problems.push(`${where}: signed by another key`);
    else if (!verifyCheckpoint(line.checkpoint, key.publicKey)) problems.push(`${where}: signature does not verify (edited?)`);
    else signed.push(line);
  }

  // Stream the chain, remembering only the stored hashes at the positions checkpoints name.
  const wanted = new Set(signed.map((l) => l.checkpoint.count));
  const storedAt = new Map<number, string>();
  const verifier = new ChainVerifier();
  let maxSeq = 0;
  let lastHash = GENESIS_HASH;
  for await (const row of streamAuditRows(deps.database.db)) {
    verifier.push(row);
    if (wanted.has(row.seq)) storedAt.set(row.seq, row.hash);
    maxSeq = Math.max(maxSeq, row.seq);
    lastHash = row.hash;
  }
  const chain = verifier.result();
  if (!chain.ok) problems.unshift(chain.reason);

  // Checkpoints in count order: the first that the log contradicts bounds where the damage starts.
  signed.sort((a, b) => a.checkpoint.count - b.checkpoint.count || a.line - b.line);
  let goodBelow = 0;
  let firstFinding: CheckpointFinding | null = null;
  let goodBelowFirstFinding = 0;
  for (const line of signed) {
    const { count, head } = line.checkpoint;
    const stored = storedAt.get(count);
    const where = `checkpoint of ${line.checkpoint.at} (file line ${line.line})`;
    let kind: CheckpointFinding['kind'] | null = null;
    if (stored === undefined && count > maxSeq) {
      kind = 'truncated';
      problems.push(`${where} vouches for ${count} entries but the log has only ${maxSeq} (entries removed from the end?)`);
    } else if (stored === undefined) {
      kind = 'missing';
      problems.push(`${where} vouches for entry ${count}, which is missing`);
    } else if (stored !== head) {
      kind = 'mismatch';
      problems.push(`${where}: entry ${count} should have hash ${head.slice(0, 16)}…, the log has ${stored.slice(0, 16)}… (entries ${goodBelow + 1} to ${count} rewritten?)`);
    } else {
      goodBelow = Math.max(goodBelow, count);
    }
    if (kind && !firstFinding) {
      firstFinding = { line, kind };
      goodBelowFirstFinding = goodBelow;
    }
  }

  const firstBadSeq = locateFirstBad(chain.ok ? undefined : chain.firstBadSeq, firstFinding, goodBelowFirstFinding, maxSeq);
  const result: AuditVerification = {
    ok: problems.length === 0 && file.problems.length === 0,
    entries: chain.count,
    head: lastHash,
    checkpoints: signed.length,
    checkpointed: goodBelow,
    problems: [...problems, ...file.problems],
  };
  if (firstBadSeq !== undefined) result.firstBadSeq = firstBadSeq;
  return result;
}

/**
 * Where the damage starts. A break in the chain names its entry exactly (an inserted entry shows as
 * the broken link just after it). A contradicted checkpoint only says "somewhere after the last
 * checkpoint that still matches, up to this one": the earliest such entry is reported when the chain
 * itself is intact up to there, which is the signature of a recomputed chain.
 */
function locateFirstBad(chainBad: number | undefined, finding: CheckpointFinding | null, goodBelow: number, maxSeq: number): number | undefined {
  if (!finding) return chainBad;
  const count = finding.line.checkpoint.count;
  // A break at most one past the checkpointed entry explains the contradiction (entry `count` itself
  // inserted, deleted or moved): the break is the better answer.
  if (chainBad !== undefined && chainBad <= count + 1) return chainBad;
  if (finding.kind === 'truncated') return maxSeq + 1;
  return goodBelow + 1;
}
