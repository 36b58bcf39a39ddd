import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain. Each entry's hash covers the previous entry's hash and the entry's own
 * canonical content, so editing, deleting, reordering or inserting an entry breaks the chain at that
 * point. What the chain alone cannot show is truncation of its tail or a wholesale recomputation of
 * every hash after an edit: signed checkpoints kept outside the database catch those (checkpoints.ts).
 *
 * Pure: no I/O, so it can be tested exhaustively and reused by any reader of the log.
 */

/** The previous hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry says, with `details` as a value. */
export interface AuditContent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  ip: string | null;
  deviceTime: string | null;
}

/** An entry as read from the table: `details` is the stored JSON text. */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  ip: string | null;
  deviceTime: string | null;
  prevHash: string;
  hash: string;
}

/**
 * JSON with object keys sorted at every depth and no whitespace. It follows JSON.stringify for
 * everything else (undefined properties dropped, undefined in arrays and non-finite numbers become
 * null, toJSON honoured), so a value and its JSON round trip give the same text: the hash computed
 * when appending is the hash recomputed from the stored text.
 */
export function stableJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

function stringify(value: unknown): string | undefined {
  const v = hasToJson(value) ? value.toJSON() : value;
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'bigint') throw new TypeError('audit content cannot hold a bigint (JSON has no such type)');
  if (typeof v !== 'object') return undefined; // undefined, functions, symbols: dropped, as JSON does
  if (Array.isArray(v)) return `[${v.map((item) => stringify(item) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  // Code-unit order, as the default sort: the same on every platform and in every locale.
  for (const key of Object.keys(v).sort()) {
    const text = stringify((v as Record<string, unknown>)[key]);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** The canonical text of an entry's content; only the content fields count, whatever else `c` has. */
export function canonicalAuditContent(c: AuditContent): string {
  return stableJson({
    seq: c.seq,
    at: c.at,
    actor: c.actor,
    action: c.action,
    details: c.details,
    ip: c.ip,
    deviceTime: c.deviceTime,
  });
}

/** Hex SHA-256 of the previous hash, a newline and the canonical content. */
export function hashAuditEntry(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalAuditContent(content)}`, 'utf8').digest('hex');
}

export type ChainResult =
  | { ok: true; count: number; head: string }
  | { ok: false; firstBadSeq: number; reason: string; count: number };

export interface VerifyChainOptions {
  /**
   * The last entry already trusted, when verification resumes in the middle of the log; by default
   * the chain starts at entry 1 after the genesis hash.
   */
  after?: { seq: number; hash: string };
}

/**
 * Checks entries one at a time, in seq order, holding only the previous entry's seq and hash, so a
 * log of any length can be streamed through it. The first problem is kept; later rows are only
 * counted (everything after a break is suspect anyway).
 */
export class ChainVerifier {
  private lastSeq: number;
  private lastHash: string;
  private count = 0;
  private failure: { firstBadSeq: number; reason: string } | null = null;

  constructor(options: VerifyChainOptions = {}) {
    this.lastSeq = options.after?.seq ?? 0;
    this.lastHash = options.after?.hash ?? GENESIS_HASH;
  }

  push(row: AuditRow): void {
    this.count++;
    if (this.failure) return;
    const expected = this.lastSeq + 1;
    if (row.seq !== expected) {
      if (Number.isSafeInteger(row.seq) && row.seq > expected) {
        const where = expected === 1 ? 'at the start of the log' : `after ${expected - 1}`;
        this.fail(expected, `entry ${expected} missing ${where} (deleted?)`);
      } else {
        this.fail(expected, `entry ${String(row.seq)} found where entry ${expected} should be (reordered or duplicated?)`);
      }
      return;
    }
    // The link first: a moved or inserted entry usually also fails its own hash (seq is hashed),
    // and "link broken" names the likelier cause.
    if (row.prevHash !== this.lastHash) {
      this.fail(row.seq, `entry ${row.seq}: previous-hash link broken (reordered or inserted?)`);
      return;
    }
    const details = parseDetails(row.details);
    if (!details) {
      this.fail(row.seq, `entry ${row.seq}: details are not a JSON object (edited?)`);
      return;
    }
    const content: AuditContent = {
      seq: row.seq,
      at: row.at,
      actor: row.actor,
      action: row.action,
      details,
      ip: row.ip,
      deviceTime: row.deviceTime,
    };
    if (hashAuditEntry(row.prevHash, content) !== row.hash) {
      this.fail(row.seq, `entry ${row.seq}: content does not match its hash (edited?)`);
      return;
    }
    this.lastSeq = row.seq;
    this.lastHash = row.hash;
  }

  result(): ChainResult {
    if (this.failure) return { ok: false, ...this.failure, count: this.count };
    return { ok: true, count: this.count, head: this.lastHash };
  }

  private fail(firstBadSeq: number, reason: string): void {
    this.failure = { firstBadSeq, reason };
  }
}

/** Verifies a whole chain held in memory (or any iterable); see ChainVerifier to stream. */
export function verifyChain(rows: Iterable<AuditRow>, options: VerifyChainOptions = {}): ChainResult {
  const verifier = new ChainVerifier(options);
  for (const row of rows) verifier.push(row);
  return verifier.result();
}

function parseDetails(text: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}
