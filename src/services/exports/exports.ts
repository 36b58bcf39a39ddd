import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { visibleFields } from '../../access/policy.ts';
import type { AppContext } from '../../app/app-context.ts';
import { EXPORT_PURPOSE_IDS, exportColumns, exportFields, isAgeRecipient, personalFields, type ExportField, type ExportPurpose } from '../../domain/export-request.ts';
import type { FieldError } from '../../domain/field-error.ts';
import { AVAILABILITIES } from '../../domain/registration-input.ts';
import { openFileSink } from '../../exports/encrypted-file.ts';
import { openRosterConnection } from '../../exports/roster-connection.ts';
import { readRosterRows, ROSTER_PAGE, type RosterFilter } from '../../exports/roster-reader.ts';
import { adaptiveRenderer, inlineRenderer } from '../../exports/render-pool.ts';
import { rosterColumns, type PageSpec, type RenderedPage } from '../../exports/roster-page.ts';
import { tableWriter, type TableFormat } from '../../exports/table-writers.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import type { ExportRequestsTable } from '../../store/schema-io.ts';
import { areasWithinScope, callerActor, scopeOf, type Caller } from '../access-context.ts';

export type ExportDeps = Pick<AppContext, 'database' | 'drive' | 'cipher' | 'clock' | 'dataDir' | 'keyring'>;

export const exportRequestSchema = z
  .object({
    purpose: z.enum(EXPORT_PURPOSE_IDS as [ExportPurpose, ...ExportPurpose[]]),
    /** Why this export is needed, in the requester's words (kept in the audit log). */
    justification: z.string().trim().min(10).max(500),
    /** Who receives the file (a service, a person). */
    recipient: z.string().trim().min(3).max(200),
    /** The recipient's age public key (age1...). Required unless the drive allows unencrypted files and `encrypt` is false. */
    recipientKey: z.string().trim().max(100).optional(),
    encrypt: z.boolean().default(true),
    format: z.enum(['csv', 'xlsx', 'pdf']).default('csv'),
    fields: z.array(z.string().max(40)).max(30).optional(),
    filters: z
      .object({
        area: z.string().max(32).optional(),
        role: z.string().max(64).optional(),
        skill: z.string().max(64).optional(),
        status: z.enum(['active', 'withdrawn', 'suspended']).optional(),
        availability: z.enum(AVAILABILITIES).optional(),
      })
      .strict()
      .default({}),
    /** PDF: one section per area or per role. */
    groupBy: z.enum(['area', 'role']).optional(),
  })
  .strict();
export type ExportRequestInput = z.infer<typeof exportRequestSchema>;

/** An export as its requester and approvers see it (never the file's content). */
export interface ExportView {
  id: string;
  purpose: string;
  recipient: string;
  encrypted: boolean;
  format: string;
  fields: string[];
  filters: Record<string, unknown>;
  groupBy: string | null;
  state: ExportRequestsTable['state'];
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  refusedBy: string | null;
  refusedReason: string | null;
  expiresAt: string;
  rowCount: number | null;
  fileSha256: string | null;
  downloads: number;
}

export type ExportProblem =
  | { status: 'invalid'; errors: FieldError[] }
  /** The caller's sign-in is older than the drive allows for this action. */
  | { status: 'fresh_sign_in_required'; minutes: number }
  | { status: 'not_found' }
  | { status: 'own_request' }
  | { status: 'invalid_state'; state: string }
  | { status: 'expired' };

/** How recently a caller signed in (staff: the session's sign-in; the command line counts as now). */
export interface SignInFreshness {
  authenticatedAt: string | null;
}

const PENDING_DAYS = 7;

function exportsDir(deps: ExportDeps): string {
  const dir = join(deps.dataDir, 'exports');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function isFresh(deps: ExportDeps, caller: Caller, freshness: SignInFreshness): boolean {
  if (caller.principal.kind === 'system') return true;
  if (caller.principal.kind !== 'staff' || !caller.principal.strongAuth || freshness.authenticatedAt === null) return false;
  const age = deps.clock().getTime() - Date.parse(freshness.authenticatedAt);
  return age <= deps.drive.config.exports.freshSignInMinutes * 60_000;
}

/** The areas an export may cover: what the filter asks, within the requester's scope. */
function rosterFilter(deps: ExportDeps, caller: Caller, filters: ExportRequestInput['filters']): RosterFilter | null {
  const scope = scopeOf(caller, deps.clock());
  let areas: readonly string[] | undefined = filters.area ? deps.drive.descendantsOf(filters.area.trim().toUpperCase()) : undefined;
  switch (scope.kind) {
    case 'all':
      break;
    case 'areas':
      areas = areasWithinScope(scope.areas, deps.drive, areas);
      break;
    // Agents and devices see only their own recent registrations: no exports.
    case 'captured':
    case 'none':
      return null;
  }
  return { areas, role: filters.role, skill: filters.skill, status: filters.status, availability: filters.availability };
}

/**
 * Asks for an export. Checks the purpose allows each field and the requester may see it, that the file
 * will be encrypted to the recipient's key (unless the drive allows otherwise), and a fresh sign-in.
 * With approval required (the default), the request waits for a second person; otherwise the file is
 * made at once.
 */
export async function requestExport(deps: ExportDeps, caller: Caller, freshness: SignInFreshness, input: ExportRequestInput): Promise<ExportView | ExportProblem> {
  const config = deps.drive.config.exports;
  if (!isFresh(deps, caller, freshness)) return { status: 'fresh_sign_in_required', minutes: config.freshSignInMinutes };
  const errors: FieldError[] = [];
  const fields = exportFields(input.purpose, input.fields, visibleFields(caller.principal));
  if (!fields.ok) errors.push(...fields.errors);
  let recipientKey: string | null = null;
  if (input.encrypt) {
    if (!input.recipientKey) errors.push({ field: 'recipientKey', code: 'recipient_key_required' });
    else if (!isAgeRecipient(input.recipientKey)) errors.push({ field: 'recipientKey', code: 'invalid_age_recipient' });
    else recipientKey = input.recipientKey;
  } else if (!config.allowUnencrypted) errors.push({ field: 'encrypt', code: 'unencrypted_not_allowed' });
  if (input.filters.area && !deps.drive.areas.has(input.filters.area.trim().toUpperCase())) errors.push({ field: 'filters.area', code: 'unknown_area', params: { value: input.filters.area } });
  if (input.filters.role && !deps.drive.roles.has(input.filters.role)) errors.push({ field: 'filters.role', code: 'unknown_role', params: { value: input.filters.role } });
  if (input.filters.skill && !deps.drive.skills.has(input.filters.skill)) errors.push({ field: 'filters.skill', code: 'unknown_skill', params: { value: input.filters.skill } });
  const filter = rosterFilter(deps, caller, input.filters);
  if (!filter) errors.push({ field: 'filters', code: 'area_out_of_scope', params: { value: input.filters.area ?? '' } });
  if (errors.length > 0 || !fields.ok || !filter) return { status: 'invalid', errors };

  const now = deps.clock();
  const at = now.toISOString();
  const actor = callerActor(caller);
  const approvalNeeded = config.requireApproval;
  const row: ExportRequestsTable = {
    id: uuidv7(),
    purpose: input.purpose,
    recipient: input.recipient,
    recipient_key: recipientKey,
    format: input.format,
    fields: JSON.stringify(fields.fields),
    filters: JSON.stringify({ ...input.filters, justification: input.justification, areas: filter.areas ?? null }),
    group_by: input.groupBy ?? null,
    requested_by: actor,
    requested_at: at,
    approved_by: approvalNeeded ? null : actor,
    approved_at: approvalNeeded ? null : at,
    refused_by: null,
    refused_reason: null,
    state: approvalNeeded ? 'pending' : 'approved',
    // A request nobody approves lapses; an approved one expires `expiryHours` after its file is made.
    expires_at: new Date(now.getTime() + (approvalNeeded ? PENDING_DAYS * 24 : config.expiryHours) * 3600_000).toISOString(),
    row_count: null,
    file_name: null,
    file_sha256: null,
    downloads: 0,
    created_at: at,
    updated_at: at,
  };
  await deps.database.write(async (trx) => {
    await trx.insertInto('export_requests').values(row).execute();
    await recordAudit(trx, {
      at,
      actor,
      action: 'export.request',
      details: {
        exportId: row.id,
        purpose: row.purpose,
        reason: input.justification,
        recipient: row.recipient,
        encrypted: recipientKey !== null,
        format: row.format,
        fields: fields.fields,
        filters: input.filters,
        approvalRequired: approvalNeeded,
      },
      ip: caller.ip,
    });
  });
  if (!approvalNeeded) return generateExport(deps, caller, row.id);
  return viewOf(row);
}

/** A second person approves: the file is made at once (streamed, encrypted) and the request becomes "ready". */
export async function approveExport(deps: ExportDeps, caller: Caller, freshness: SignInFreshness, id: string): Promise<ExportView | ExportProblem> {
  if (!isFresh(deps, caller, freshness)) return { status: 'fresh_sign_in_required', minutes: deps.drive.config.exports.freshSignInMinutes };
  const actor = callerActor(caller);
  const at = deps.clock().toISOString();
  const outcome = await deps.database.write(async (trx): Promise<ExportProblem | null> => {
    const row = await trx.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayDecide(deps, caller, row)) return { status: 'not_found' };
    if (row.requested_by === actor) return { status: 'own_request' };
    if (row.state !== 'pending') return { status: 'invalid_state', state: row.state };
    if (row.expires_at <= at) return { status: 'expired' };
    await trx.updateTable('export_requests').set({ state: 'approved', approved_by: actor, approved_at: at, updated_at: at }).where('id', '=', id).execute();
    await recordAudit(trx, { at, actor, action: 'export.approve', details: { exportId: id, requestedBy: row.requested_by, purpose: row.purpose, recipient: row.recipient }, ip: caller.ip });
    return null;
  });
  if (outcome) return outcome;
  return generateExport(deps, caller, id);
}

export async function refuseExport(deps: ExportDeps, caller: Caller, id: string, reason: string): Promise<ExportView | ExportProblem> {
  const actor = callerActor(caller);
  const at = deps.clock().toISOString();
  return deps.database.write(async (trx): Promise<ExportView | ExportProblem> => {
    const row = await trx.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayDecide(deps, caller, row)) return { status: 'not_found' };
    if (row.requested_by === actor) return { status: 'own_request' };
    if (row.state !== 'pending') return { status: 'invalid_state', state: row.state };
    await trx.updateTable('export_requests').set({ state: 'refused', refused_by: actor, refused_reason: reason, updated_at: at }).where('id', '=', id).execute();
    await recordAudit(trx, { at, actor, action: 'export.refuse', details: { exportId: id, requestedBy: row.requested_by, reason }, ip: caller.ip });
    return viewOf({ ...row, state: 'refused', refused_by: actor, refused_reason: reason, updated_at: at });
  });
}

/**
 * An approver must be able to see every person the export would hold: an admin, or a coordinator
 * whose areas cover the export's areas. Whoever may not decide sees "not found".
 */
function mayDecide(deps: ExportDeps, caller: Caller, row: ExportRequestsTable): boolean {
  const scope = scopeOf(caller, deps.clock());
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'areas') return false;
  const areas = (JSON.parse(row.filters) as { areas: string[] | null }).areas;
  if (areas === null) return false;
  const allowed = new Set(scope.areas.flatMap((a) => deps.drive.descendantsOf(a)));
  return areas.every((a) => allowed.has(a));
}

const EXTENSIONS: Record<TableFormat, string> = { csv: 'csv', xlsx: 'xlsx', pdf: 'pdf' };

/** Makes the file of an approved export, streamed from the registry to the (encrypted) file. Audited with count, fields, recipient and approver. */
export async function generateExport(deps: ExportDeps, caller: Caller, id: string): Promise<ExportView | ExportProblem> {
  const row = await deps.database.db.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return { status: 'not_found' };
  if (row.state !== 'approved') return { status: 'invalid_state', state: row.state };
  const fields = JSON.parse(row.fields) as ExportField[];
  const stored = JSON.parse(row.filters) as { areas: string[] | null; role?: string; skill?: string; status?: RosterFilter['status']; availability?: RosterFilter['availability'] };
  const filter: RosterFilter = { areas: stored.areas ?? undefined, role: stored.role, skill: stored.skill, status: stored.status, availability: stored.availability };
  const fileName = `${row.id}-${randomBytes(6).toString('hex')}.${EXTENSIONS[row.format]}${row.recipient_key ? '.age' : ''}`;
  const path = join(exportsDir(deps), fileName);
  let count = 0;
  let sha: string;
  try {
    ({ count, sha256: sha } = await writeRosterFile(deps, row, fields, filter, path));
  } catch (error) {
    rmSync(path, { force: true });
    const at = deps.clock().toISOString();
    await deps.database.write(async (trx) => {
      await trx.updateTable('export_requests').set({ state: 'failed', updated_at: at }).where('id', '=', id).execute();
      await recordAudit(trx, { at, actor: callerActor(caller), action: 'export.fail', details: { exportId: id, error: (error as Error).message.slice(0, 200) }, ip: caller.ip });
    });
    throw error;
  }
  const at = deps.clock();
  const expires = new Date(at.getTime() + deps.drive.config.exports.expiryHours * 3600_000).toISOString();
  const updated: ExportRequestsTable = { ...row, state: 'ready', row_count: count, file_name: fileName, file_sha256: sha, expires_at: expires, updated_at: at.toISOString() };
  await deps.database.write(async (trx) => {
    await trx
      .updateTable('export_requests')
      .set({ state: 'ready', row_count: count, file_name: fileName, file_sha256: sha, expires_at: expires, updated_at: at.toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      at: at.toISOString(),
      actor: callerActor(caller),
      action: 'export.create',
      details: {
        exportId: id,
        count,
        fields,
        recipient: row.recipient,
        encrypted: row.recipient_key !== null,
        purpose: row.purpose,
        requestedBy: row.requested_by,
        approvedBy: row.approved_by,
        format: row.format,
        fileSha256: sha,
        expiresAt: expires,
      },
      ip: caller.ip,
    });
  });
  return viewOf(updated);
}

async function writeRosterFile(
  deps: ExportDeps,
  row: ExportRequestsTable,
  fields: ExportField[],
  filter: RosterFilter,
  path: string,
): Promise<{ count: number; sha256: string }> {
  const sink = await openFileSink(path, row.recipient_key);
  const columns = exportColumns(fields);
  const writer = await tableWriter(row.format, sink.stream, {
    title: `Muster — ${deps.drive.label(deps.drive.config.name, deps.drive.config.defaultLanguage)}`,
    subtitle: [`${row.purpose} — ${row.recipient}`, `${row.requested_at.slice(0, 10)} · ${row.id}`],
    headers: columns,
  });
  let count = 0;
  const spec: PageSpec = {
    fields,
    columns: rosterColumns(fields),
    areaNames: Object.fromEntries([...deps.drive.areas].map(([code, area]) => [code, area.name])),
    output: row.format === 'csv' ? 'csv' : 'cells',
  };
  // Decryption is most of an export's cost: worker threads do it (and the layout) beside the reads.
  const renderer = personalFields(fields).length > 0 ? adaptiveRenderer(deps.keyring, spec, ROSTER_PAGE) : inlineRenderer(deps.keyring, spec);
  const connection = await openRosterConnection(deps.database);
  try {
    count = await writeRows();
  } catch (error) {
    sink.stream.destroy();
    throw error;
  } finally {
    await renderer.close();
    await connection.close();
  }
  await writer.end();
  const { sha256 } = await sink.done;
  return { count, sha256 };

  /** The rendered pages of a roster, in order, with a few pages rendering ahead while the file is written. */
  async function* pages(of: RosterFilter, byArea = false): AsyncGenerator<RenderedPage> {
    const ahead: Array<Promise<RenderedPage>> = [];
    for await (const rows of readRosterRows(connection, of, spec.columns, { byArea, pageSize: ROSTER_PAGE })) {
      const rendered = renderer.render(rows);
      // Awaited below, in order; this only keeps a failure of a later page from going unnoticed meanwhile.
      rendered.catch(() => undefined);
      ahead.push(rendered);
      if (ahead.length >= RENDER_AHEAD) yield await (ahead.shift() as Promise<RenderedPage>);
    }
    for (const rendered of ahead.splice(0)) yield await rendered;
  }

  async function writeRows(): Promise<number> {
    let written = 0;
    const emit = async (page: RenderedPage) => {
      if ('csv' in page) await writer.csv(page.csv);
      else await writer.rows(page.cells);
      written += page.rows;
    };
    if (row.format === 'pdf' && row.group_by === 'role') {
      // One section per role (a person with two roles is in both sections).
      for (const role of deps.drive.config.roles) {
        if (filter.role && filter.role !== role.id) continue;
        let opened = false;
        for await (const page of pages({ ...filter, role: role.id })) {
          if (!opened) await writer.section(deps.drive.label(role.labels, deps.drive.config.defaultLanguage));
          opened = true;
          await emit(page);
        }
      }
    } else if (row.format === 'pdf' && row.group_by === 'area') {
      let current: string | null = null;
      for await (const page of pages(filter, true)) {
        if (!('cells' in page)) throw new Error('a PDF export is laid out in cells');
        let chunk: string[][] = [];
        for (let i = 0; i < page.cells.length; i++) {
          const area = page.areas[i] ?? '';
          if (area !== current) {
            if (chunk.length > 0) await emit({ rows: chunk.length, cells: chunk, areas: [] });
            chunk = [];
            current = area;
            const known = deps.drive.areas.get(current);
            await writer.section(known ? `${known.name} (${known.pcode})` : current);
          }
          chunk.push(page.cells[i] ?? []);
        }
        if (chunk.length > 0) await emit({ rows: chunk.length, cells: chunk, areas: [] });
      }
    } else {
      for await (const page of pages(filter)) await emit(page);
    }
    return written;
  }
}

/** Pages rendered ahead of the one being written: enough to keep every worker busy, few enough to stay small. */
const RENDER_AHEAD = 3;

/**
 * The file of a ready export, for its requester, with a fresh sign-in, before it expires. Every
 * download is audited. An expired export's file is deleted and the download refused.
 */
export async function openExportFile(
  deps: ExportDeps,
  caller: Caller,
  freshness: SignInFreshness,
  id: string,
): Promise<{ status: 'ok'; stream: Readable; fileName: string; encrypted: boolean; format: string } | ExportProblem> {
  await expireExports(deps);
  if (!isFresh(deps, caller, freshness)) return { status: 'fresh_sign_in_required', minutes: deps.drive.config.exports.freshSignInMinutes };
  const actor = callerActor(caller);
  const row = await deps.database.db.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.requested_by !== actor && caller.principal.kind !== 'system')) return { status: 'not_found' };
  if (row.state === 'expired') return { status: 'expired' };
  if (row.state !== 'ready' || !row.file_name) return { status: 'invalid_state', state: row.state };
  const at = deps.clock().toISOString();
  await deps.database.write(async (trx) => {
    await trx.updateTable('export_requests').set((eb) => ({ downloads: eb('downloads', '+', 1), updated_at: at })).where('id', '=', id).execute();
    await recordAudit(trx, { at, actor, action: 'export.download', details: { exportId: id, count: row.row_count, recipient: row.recipient, fileSha256: row.file_sha256 }, ip: caller.ip });
  });
  const stream = createReadStream(join(exportsDir(deps), row.file_name));
  return { status: 'ok', stream, fileName: `muster-export-${row.id}.${EXTENSIONS[row.format]}${row.recipient_key ? '.age' : ''}`, encrypted: row.recipient_key !== null, format: row.format };
}

/** Deletes the files of exports past their expiry and marks them expired (audited). Returns how many. */
export async function expireExports(deps: ExportDeps): Promise<number> {
  const at = deps.clock().toISOString();
  const due = await deps.database.db.selectFrom('export_requests').select(['id', 'file_name', 'state']).where('state', 'in', ['pending', 'approved', 'ready']).where('expires_at', '<=', at).execute();
  for (const row of due) {
    if (row.file_name) rmSync(join(exportsDir(deps), row.file_name), { force: true });
    await deps.database.write(async (trx) => {
      await trx.updateTable('export_requests').set({ state: 'expired', file_name: null, updated_at: at }).where('id', '=', row.id).execute();
      await recordAudit(trx, { at, actor: 'system:exports', action: 'export.expire', details: { exportId: row.id, previousState: row.state, fileDeleted: row.file_name !== null } });
    });
  }
  return due.length;
}

/** Exports the caller asked for, and those waiting for a decision the caller may take. */
export async function listExports(deps: ExportDeps, caller: Caller): Promise<ExportView[]> {
  await expireExports(deps);
  const actor = callerActor(caller);
  const rows = await deps.database.db.selectFrom('export_requests').selectAll().orderBy('id', 'desc').limit(500).execute();
  return rows.filter((r) => r.requested_by === actor || (r.state === 'pending' && mayDecide(deps, caller, r))).map(viewOf);
}

export async function getExport(deps: ExportDeps, caller: Caller, id: string): Promise<ExportView | null> {
  const row = await deps.database.db.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  if (row.requested_by !== callerActor(caller) && !mayDecide(deps, caller, row)) return null;
  return viewOf(row);
}

export function viewOf(row: ExportRequestsTable): ExportView {
  const { areas: _areas, justification: _justification, ...filters } = JSON.parse(row.filters) as Record<string, unknown>;
  return {
    id: row.id,
    purpose: row.purpose,
    recipient: row.recipient,
    encrypted: row.recipient_key !== null,
    format: row.format,
    fields: JSON.parse(row.fields) as string[],
    filters,
    groupBy: row.group_by,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    refusedBy: row.refused_by,
    refusedReason: row.refused_reason,
    expiresAt: row.expires_at,
    rowCount: row.row_count,
    fileSha256: row.file_sha256,
    downloads: row.downloads,
  };
}
