import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { GENESIS_HASH, hashAuditEntry, stableJson, type AuditContent, type AuditRow } from '../audit/audit-chain.ts';
import type { AuditLogTable, MusterSchema } from './schema.ts';

export interface AuditEntryInput {
  /** Server time, ISO 8601 UTC. */
  at: string;
  /** Who: "user:<id>", "device:<id>", "self", "system:<command>". */
  actor: string;
  /** What, as "<object>.<verb>". */
  action: string;
  /** Which records, filters, counts, reasons. Ids and codes only: never personal data. */
  details: Record<string, unknown>;
  ip?: string | null;
  /** The device's clock for offline registrations. */
  deviceTime?: string | null;
}

/** An entry as the application sees it: content, link and hash. */
export type AuditRecord = AuditContent & { prevHash: string; hash: string };

/**
 * Key of the PostgreSQL advisory lock that serialises appends. Any fixed number works, as long as no
 * other part of Muster uses it; "MUSTAU" in ASCII, below 2^53 so it is exact in JavaScript.
 */
const AUDIT_APPEND_LOCK = 0x4d5553544155;

/**
 * Appends one entry to the chain inside the caller's transaction, so the entry exists if and only if
 * the audited action was committed. Appends are serialised: two transactions reading the same head
 * would otherwise both claim the next seq (one would then fail on the primary key).
 */
export async function appendAudit(trx: Transaction<MusterSchema>, entry: AuditEntryInput): Promise<AuditRecord> {
  if (!entry.action) throw new Error('an audit entry needs an action');
  if (!entry.actor) throw new Error('an audit entry needs an actor');
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // Held until this transaction ends. Under READ COMMITTED (the default) the head read below takes
    // a fresh snapshot after the lock is granted, so it sees the entry of whoever held it before.
    await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_APPEND_LOCK)})`.execute(trx);
  }
  // SQLite needs nothing more: its writes are already one at a time (the write batcher runs them in
  // turn inside one connection's transaction).
  const head = await readAuditHead(trx);
  const detailsText = stableJson(entry.details);
  // Hash what will be read back, not the caller's object, so verification recomputes the same hash.
  const details = JSON.parse(detailsText) as Record<string, unknown>;
  const content: AuditContent = {
    seq: head.seq + 1,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    details,
    ip: entry.ip ?? null,
    deviceTime: entry.deviceTime ?? null,
  };
  const hash = hashAuditEntry(head.hash, content);
  await trx
    .insertInto('audit_log')
    .values({
      seq: content.seq,
      at: content.at,
      actor: content.actor,
      action: content.action,
      details: detailsText,
      ip: content.ip,
      device_time: content.deviceTime,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  return { ...content, prevHash: head.hash, hash };
}

/** The last entry's seq and hash; seq 0 and the genesis hash when the log is empty. */
export async function readAuditHead(db: Kysely<MusterSchema>): Promise<{ seq: number; hash: string }> {
  const row = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The stored hash of entry `seq`, or null when there is no such entry. */
export async function readAuditHashAt(db: Kysely<MusterSchema>, seq: number): Promise<string | null> {
  const row = await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst();
  return row ? row.hash : null;
}

export interface AuditPageFilter {
  actor?: string;
  action?: string;
  /** Entries at or after this server time (ISO 8601). */
  since?: string;
  /** Entries before this server time (ISO 8601). */
  until?: string;
  /** Cursor: entries after this seq (the `nextAfterSeq` of the previous page). */
  afterSeq?: number;
  limit: number;
}

export const MAX_AUDIT_PAGE = 1000;

/** One page of entries in seq order, with the cursor of the next page (null on the last page). */
export async function readAuditPage(
  db: Kysely<MusterSchema>,
  filter: AuditPageFilter,
): Promise<{ entries: AuditRecord[]; nextAfterSeq: number | null }> {
  const limit = Math.max(1, Math.min(MAX_AUDIT_PAGE, Math.floor(filter.limit) || 1));
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').limit(limit);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('at', '<', filter.until);
  const rows = await query.execute();
  const entries = rows.map((row) => toRecord(row));
  const last = entries.at(-1);
  return { entries, nextAfterSeq: entries.length === limit && last ? last.seq : null };
}

/**
 * Every entry in seq order, read in pages by seq (an index range, never OFFSET), so memory stays
 * bounded whatever the length of the log.
 */
export async function* streamAuditRows(db: Kysely<MusterSchema>, pageSize = 5000): AsyncGenerator<AuditRow> {
  // The first page has no lower bound: rows with seq 0 or below are not the application's, and the
  // verifier must see them.
  let after: number | null = null;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').limit(pageSize);
    if (after !== null) query = query.where('seq', '>', after);
    const rows = await query.execute();
    for (const row of rows) yield toRow(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.seq);
  }
}

function toRow(row: AuditLogTable): AuditRow {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    details: row.details,
    ip: row.ip,
    deviceTime: row.device_time,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toRecord(row: AuditLogTable): AuditRecord {
  const { details, ...rest } = toRow(row);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(details) as Record<string, unknown>;
  } catch {
    // Only tampering produces this; show it rather than fail the whole page (verify names the entry).
    parsed = { unreadable: details };
  }
  return { ...rest, details: parsed };
}
