import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { CALLUP_LETTERS } from '../../callups/answer.ts';
import { callupTextSizes, formatLocalTime, unknownPlaceholders, type CallupTextValues, type TemplateSize } from '../../callups/message.ts';
import { availabilitiesFor, certainlyOfAgeBirthYear, orderCandidates, waveSize } from '../../callups/selection.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../../i18n/sms-messages.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import { openPersonal } from '../../store/personal-fields.ts';
import type { CallupNeedsTable, CallupRecipientsTable, CallupsTable, CallupStatus, RecipientState } from '../../store/schema-callups.ts';
import type { MusterSchema } from '../../store/schema.ts';
import { precompiledInsert } from '../../store/precompiled-insert.ts';
import { statementChunks } from '../../store/statement-chunks.ts';
import { checkedCandidate, countCandidates, LIVE, nextCandidates, reasonsOf, rulesFor, SAME_DATES_MS, type CandidateRow } from './callup-candidates.ts';
import type { CallupDeps } from './callup-deps.ts';

type Executor = Kysely<MusterSchema>;

/** States of a person asked who has not answered yet (a late answer is still taken). */
export const OPEN_STATES: readonly RecipientState[] = ['asked', 'delivered', 'no_answer'];

export const callupInput = z
  .object({
    title: z.string().trim().min(3).max(80),
    needs: z
      .array(z.object({ role: z.string().min(1), skill: z.string().min(1).nullable().default(null), count: z.number().int().min(1).max(100_000) }).strict())
      .min(1)
      .max(20),
    areas: z.array(z.string().min(1)).min(1).max(500),
    reportPlace: z.string().trim().min(2).max(60),
    reportAt: z.string().datetime({ offset: true }),
    answerBy: z.string().datetime({ offset: true }),
    texts: z.record(z.string(), z.string().min(10).max(640)).default({}),
    priority: z.number().int().min(0).max(9).default(1),
    overAsk: z.number().min(1).max(5).optional(),
    waveTimeoutMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
  })
  .strict();
export type CallupInput = z.input<typeof callupInput>;

export class CallupError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_state' | 'invalid_callup',
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export interface Callup {
  id: string;
  title: string;
  status: CallupStatus;
  areas: string[];
  reportPlace: string;
  reportAt: string;
  answerBy: string;
  texts: Record<string, string>;
  priority: number;
  overAsk: number;
  waveTimeoutMinutes: number;
  wave: number;
  createdBy: string;
  createdAt: string;
  needs: { id: string; role: string; skill: string | null; count: number; confirmed: number }[];
}

function present(row: CallupsTable, needs: CallupNeedsTable[]): Callup {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    areas: JSON.parse(row.areas) as string[],
    reportPlace: row.report_place,
    reportAt: row.report_at,
    answerBy: row.answer_by,
    texts: JSON.parse(row.texts) as Record<string, string>,
    priority: row.priority,
    overAsk: row.over_ask,
    waveTimeoutMinutes: row.wave_timeout_minutes,
    wave: row.wave,
    createdBy: row.created_by,
    createdAt: row.created_at,
    needs: needs.sort((a, b) => a.position - b.position).map((n) => ({ id: n.id, role: n.role, skill: n.skill, count: n.count, confirmed: n.confirmed })),
  };
}

export async function loadCallup(db: Executor, id: string): Promise<Callup | null> {
  const row = await db.selectFrom('callups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const needs = await db.selectFrom('callup_needs').selectAll().where('callup_id', '=', id).execute();
  return present(row, needs);
}

async function mustLoad(db: Executor, id: string): Promise<Callup> {
  const callup = await loadCallup(db, id);
  if (!callup) throw new CallupError('not_found');
  return callup;
}

export function textValues(deps: CallupDeps, c: Pick<Callup, 'title' | 'reportPlace' | 'reportAt' | 'answerBy'>, role: string, language: SmsLanguage): CallupTextValues {
  const tz = deps.drive.config.timezone;
  const roleLabel = deps.drive.roles.get(role);
  return {
    title: c.title,
    place: c.reportPlace,
    time: formatLocalTime(new Date(c.reportAt), tz),
    deadline: formatLocalTime(new Date(c.answerBy), tz),
    role: roleLabel ? deps.drive.label(roleLabel.labels, language) : role,
  };
}

/** The SMS languages of the drive. */
function languagesOf(deps: CallupDeps): SmsLanguage[] {
  return [...deps.drive.completeLanguages].filter(isSmsLanguage);
}

/** Checks a call-up against the drive (roles, skills, areas, dates, texts); throws invalid_callup. */
function validate(deps: CallupDeps, input: z.output<typeof callupInput>, now: Date): void {
  const problems: string[] = [];
  for (const need of input.needs) {
    if (!deps.drive.roles.has(need.role)) problems.push(`unknown role ${need.role}`);
    if (need.skill !== null && !deps.drive.skills.has(need.skill)) problems.push(`unknown skill ${need.skill}`);
  }
  const keys = input.needs.map((n) => `${n.role}/${n.skill ?? ''}`);
  if (new Set(keys).size !== keys.length) problems.push('the same role and skill twice');
  for (const area of input.areas) if (!deps.drive.areas.has(area)) problems.push(`unknown area ${area}`);
  const reportAt = new Date(input.reportAt);
  const answerBy = new Date(input.answerBy);
  if (answerBy.getTime() <= now.getTime()) problems.push('answerBy is in the past');
  if (answerBy.getTime() > reportAt.getTime()) problems.push('answerBy is after reportAt');
  for (const [language, template] of Object.entries(input.texts)) {
    if (!isSmsLanguage(language)) problems.push(`unknown language ${language}`);
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) problems.push(`unknown placeholders in ${language}: ${unknown.join(', ')}`);
  }
  if (problems.length === 0) {
    for (const need of input.needs) {
      for (const size of sizesFor(deps, { title: input.title, reportPlace: input.reportPlace, reportAt: input.reportAt, answerBy: input.answerBy, texts: input.texts }, need.role)) {
        if (!size.ok) problems.push(`the ${size.language} message needs ${size.segments} SMS parts (at most 3)`);
      }
    }
  }
  if (problems.length > 0) throw new CallupError('invalid_callup', { problems: [...new Set(problems)] });
}

function sizesFor(deps: CallupDeps, c: Pick<Callup, 'title' | 'reportPlace' | 'reportAt' | 'answerBy' | 'texts'>, role: string): TemplateSize[] {
  return languagesOf(deps).map((language) => callupTextSizes(c.texts, [language], textValues(deps, c, role, language), deps.settings.smart)[0] as TemplateSize);
}

export async function createCallup(deps: CallupDeps, actor: string, raw: unknown): Promise<Callup> {
  const parsed = callupInput.safeParse(raw);
  if (!parsed.success) throw new CallupError('invalid_callup', { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  const input = parsed.data;
  const now = deps.clock();
  validate(deps, input, now);
  const id = uuidv7(now.getTime());
  const at = now.toISOString();
  await deps.database.write(async (trx) => {
    await trx
      .insertInto('callups')
      .values({
        id,
        title: input.title,
        status: 'draft',
        areas: JSON.stringify(input.areas),
        report_place: input.reportPlace,
        report_at: new Date(input.reportAt).toISOString(),
        answer_by: new Date(input.answerBy).toISOString(),
        texts: JSON.stringify(input.texts),
        priority: input.priority,
        over_ask: input.overAsk ?? deps.settings.overAsk,
        wave_timeout_minutes: input.waveTimeoutMinutes ?? deps.settings.waveTimeoutMinutes,
        wave: 0,
        wave_started_at: null,
        created_by: actor,
        created_at: at,
        updated_at: at,
        started_at: null,
        filled_at: null,
        closed_at: null,
        cancelled_at: null,
      })
      .execute();
    await trx
      .insertInto('callup_needs')
      .values(input.needs.map((n, position) => ({ id: uuidv7(now.getTime()), callup_id: id, position, role: n.role, skill: n.skill, count: n.count, confirmed: 0 })))
      .execute();
    await recordAudit(trx, { at, actor, action: 'callup.create', details: { callupId: id, needs: input.needs.map((n) => ({ role: n.role, skill: n.skill, count: n.count })), areas: input.areas } });
  });
  return mustLoad(deps.database.db, id);
}

/**
 * Everyone who may be asked for one need now, in rotation order, decided by the pure rules over the
 * whole candidate set. The query narrows (role, skill, areas, availability, birth year, not opted out,
 * not asked, not confirmed elsewhere on the same dates); the pure rules then decide for each one and
 * order them. The reference that tests hold nextCandidates and countCandidates (callup-candidates.ts)
 * to: asking and the preview use those, which count, order and limit in the database.
 */
export async function candidatesFor(deps: CallupDeps, db: Executor, c: Callup, need: Callup['needs'][number], now: Date, exclude: ReadonlySet<string>) {
  const rules = rulesFor(deps, c, now);
  const areas = [...new Set(c.areas.flatMap((a) => deps.drive.descendantsOf(a)))];
  const oldest = certainlyOfAgeBirthYear(rules.reportDay, rules.minimumAge) + 1;
  const reportMs = new Date(c.reportAt).getTime();
  const from = new Date(reportMs - SAME_DATES_MS).toISOString();
  const to = new Date(reportMs + SAME_DATES_MS).toISOString();
  let q = db
    .selectFrom('volunteers as v')
    .innerJoin('volunteer_roles as vr', (j) => j.onRef('vr.volunteer_id', '=', 'v.id').on('vr.role', '=', need.role))
    .leftJoin('callup_rotation as r', 'r.volunteer_id', 'v.id')
    .select([
      'v.id', 'v.status', 'v.merged_into', 'v.consent_version', 'v.birth_year', 'v.birth_precision', 'v.personal_enc', 'v.birth_date_enc', 'v.area', 'v.availability',
      'v.phone_hash', 'v.languages', 'v.consent_language', 'r.last_asked_at', 'r.last_served_at',
    ])
    .where('v.status', '=', 'active')
    .where('v.merged_into', 'is', null)
    .where('v.phone_hash', 'is not', null)
    .where('v.availability', 'in', [...availabilitiesFor(rules.hoursUntilReport)])
    .where('v.birth_year', '<=', oldest)
    .where('v.consent_version', 'in', [...rules.consentVersions])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('opt_outs as o').select('o.phone_hash').whereRef('o.phone_hash', '=', 'v.phone_hash'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('callup_recipients as cr').select('cr.id').whereRef('cr.volunteer_id', '=', 'v.id').where('cr.callup_id', '=', c.id))))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('callup_recipients as cy')
            .innerJoin('callups as c2', 'c2.id', 'cy.callup_id')
            .select('cy.id')
            .whereRef('cy.volunteer_id', '=', 'v.id')
            .where('cy.state', '=', 'yes')
            .where('c2.status', 'in', [...LIVE])
            .where('c2.id', '<>', c.id)
            .where('c2.report_at', '>', from)
            .where('c2.report_at', '<', to),
        ),
      ),
    );
  if (need.skill !== null) {
    const skill = need.skill;
    q = q.where((eb) => eb.exists(eb.selectFrom('volunteer_skills as vs').select('vs.volunteer_id').whereRef('vs.volunteer_id', '=', 'v.id').where('vs.skill', '=', skill)));
  }
  // Long lists of areas are split so that no statement has too many parameters.
  const rows = [];
  for (const chunk of statementChunks(areas, 900)) {
    // Not push(...rows): a national call-up reads hundreds of thousands of candidates, more than a call's arguments.
    for (const row of await q.where('v.area', 'in', chunk).execute()) rows.push(row);
  }
  const eligible: CandidateRow[] = [];
  for (const row of rows) {
    if (exclude.has(row.id)) continue;
    const candidate = checkedCandidate(deps, row, need, rules, oldest);
    if (candidate !== null) eligible.push(candidate);
  }
  return orderCandidates(
    eligible.map((e) => ({ ...e, area: e.callupArea, homeArea: e.area })),
    c.areas,
  );
}

export interface PreviewNeed {
  needId: string;
  role: string;
  skill: string | null;
  count: number;
  eligible: number;
  firstWave: number;
  byArea: Record<string, number>;
  /** The first people who would be asked and why they come first (ids only). */
  first: { volunteerId: string; area: string; reasons: string[] }[];
  sizes: TemplateSize[];
}

/**
 * Counts per need and area before anything is sent. The database counts the candidates of each need
 * per call-up area (countCandidates: the filters of nextCandidates); only the first wave is read, in
 * rotation order, through nextCandidates, as starting would choose it. A later need counts and chooses
 * without the people of the earlier needs' first waves, as starting would.
 */
export async function previewCallup(deps: CallupDeps, actor: string, id: string): Promise<{ callup: Callup; needs: PreviewNeed[] }> {
  const now = deps.clock();
  const db = deps.database.db;
  const callup = await mustLoad(db, id);
  const taken: string[] = [];
  const needs: PreviewNeed[] = [];
  for (const [k, need] of callup.needs.entries()) {
    const counts = await countCandidates(deps, db, callup, need, now, taken);
    const byArea: Record<string, number> = Object.fromEntries(callup.areas.map((a) => [a, 0]));
    for (const [pos, n] of counts) {
      const area = callup.areas[pos];
      if (area !== undefined) byArea[area] = (byArea[area] ?? 0) + n;
    }
    const eligible = [...counts.values()].reduce((x, y) => x + y, 0);
    const firstWave = Math.min(eligible, waveSize({ count: need.count, confirmed: need.confirmed, waiting: 0 }, callup.overAsk));
    // The whole first wave only when a later need must leave it out; the last need shows its first ten.
    const last = k === callup.needs.length - 1;
    const ordered = await nextCandidates(deps, db, callup, need, now, last ? Math.min(10, firstWave) : Math.max(10, firstWave), new Set(taken));
    for (const o of ordered.slice(0, firstWave)) taken.push(o.candidate.id);
    needs.push({
      needId: need.id,
      role: need.role,
      skill: need.skill,
      count: need.count,
      eligible,
      firstWave,
      byArea,
      first: ordered.slice(0, 10).map((o) => ({ volunteerId: o.candidate.id, area: o.candidate.homeArea, reasons: reasonsOf(o) })),
      sizes: sizesFor(deps, callup, need.role),
    });
  }
  await deps.database.write((trx) => recordAudit(trx, { at: now.toISOString(), actor, action: 'callup.preview', details: { callupId: id, eligible: needs.map((n) => n.eligible) } }));
  return { callup, needs };
}

/** The call-ups still taking answers, other than `except`. */
export async function liveCallupIds(db: Executor, except: string): Promise<string[]> {
  return (await db.selectFrom('callups').select('id').where('status', 'in', [...LIVE]).where('id', '<>', except).execute()).map((r) => r.id);
}

/**
 * The letters of these people's open questions on the call-ups `callupIds` (the live ones), to give a
 * new call-up a free letter, and to know whom a question must show its letter to.
 */
export async function openLetters(db: Executor, volunteerIds: readonly string[], callupIds: readonly string[]): Promise<Map<string, string[]>> {
  const letters = new Map<string, string[]>();
  if (callupIds.length === 0) return letters;
  for (const chunk of statementChunks([...volunteerIds], 4096 - callupIds.length)) {
    const rows = await db
      .selectFrom('callup_recipients as cr')
      .select(['cr.volunteer_id', 'cr.letter'])
      .where('cr.callup_id', 'in', [...callupIds])
      .where('cr.volunteer_id', 'in', chunk)
      .where('cr.state', 'in', [...OPEN_STATES])
      .execute();
    for (const r of rows) letters.set(r.volunteer_id, [...(letters.get(r.volunteer_id) ?? []), r.letter]);
  }
  return letters;
}

const RECIPIENT_COLUMNS = [
  'id', 'callup_id', 'need_id', 'volunteer_id', 'phone_hash', 'area', 'wave', 'state', 'letter', 'language',
  'outbox_id', 'clarified', 'asked_at', 'delivered_at', 'answered_at', 'updated_at',
] as const satisfies readonly (keyof CallupRecipientsTable)[];
const insertRecipients = precompiledInsert('callup_recipients', RECIPIENT_COLUMNS, { rowsPerStatement: 250 });

/**
 * Asks up to `n` more people for one need, inside the caller's transaction. Returns how many. The
 * database picks them (nextCandidates) and each gets a recipient row, in the order chosen (ids are
 * time-ordered); nothing is rendered, decrypted or queued here: the dispatcher turns the next
 * recipients into messages as it has room to send them (callup-sending.ts), checking then that each
 * person may still be contacted.
 */
export async function askMore(deps: CallupDeps, trx: Transaction<MusterSchema>, c: Callup, need: Callup['needs'][number], n: number, wave: number, now: Date): Promise<number> {
  if (n <= 0) return 0;
  const ordered = await nextCandidates(deps, trx, c, need, now, n);
  if (ordered.length === 0) return 0;
  const at = now.toISOString();
  const letters = await openLetters(trx, ordered.map((o) => o.candidate.id), await liveCallupIds(trx, c.id));
  const recipients = ordered.map(({ candidate }): CallupRecipientsTable => {
    const used = letters.get(candidate.id) ?? [];
    return {
      id: uuidv7(now.getTime()),
      callup_id: c.id,
      need_id: need.id,
      volunteer_id: candidate.id,
      phone_hash: candidate.phoneHash,
      area: candidate.homeArea,
      wave,
      state: 'asked',
      letter: [...CALLUP_LETTERS].find((l) => !used.includes(l)) ?? 'Z',
      language: candidate.language,
      outbox_id: null,
      clarified: 0,
      asked_at: at,
      delivered_at: null,
      answered_at: null,
      updated_at: at,
    };
  });
  await insertRecipients.run(trx, recipients);
  // The rotation from the rows just written, in one statement ("where true" lets SQLite read the
  // upsert after a SELECT).
  await sql`
    insert into callup_rotation (volunteer_id, last_asked_at, last_served_at)
    select volunteer_id, ${at}, null from callup_recipients where need_id = ${need.id} and wave = ${wave} and asked_at = ${at} and true
    on conflict (volunteer_id) do update set last_asked_at = excluded.last_asked_at
  `.execute(trx);
  return recipients.length;
}

/** Starts a draft: the first wave's recipients are written in one transaction; the dispatcher sends their questions. */
export async function startCallup(deps: CallupDeps, actor: string, id: string): Promise<{ asked: Record<string, number> }> {
  const now = deps.clock();
  const at = now.toISOString();
  const asked = await deps.database.write(async (trx) => {
    const started = await trx.updateTable('callups').set({ status: 'running', started_at: at, updated_at: at, wave: 1, wave_started_at: at }).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(started.numUpdatedRows) !== 1) {
      const exists = await trx.selectFrom('callups').select('status').where('id', '=', id).executeTakeFirst();
      throw new CallupError(exists ? 'invalid_state' : 'not_found', exists ? { status: exists.status } : {});
    }
    if (new Date((await mustLoad(trx, id)).answerBy).getTime() <= now.getTime()) throw new CallupError('invalid_state', { status: 'answer deadline passed' });
    const callup = await mustLoad(trx, id);
    const counts: Record<string, number> = {};
    // Each need's recipients are written before the next need is chosen: nobody is asked for two.
    for (const need of callup.needs) counts[need.id] = await askMore(deps, trx, callup, need, waveSize({ count: need.count, confirmed: 0, waiting: 0 }, callup.overAsk), 1, now);
    await recordAudit(trx, { at, actor, action: 'callup.start', details: { callupId: id, asked: counts } });
    return counts;
  });
  deps.onQueued();
  return { asked };
}

export type NeedStatus = { needId: string; role: string; skill: string | null; count: number; confirmed: number } & Record<RecipientState | 'waiting' | 'delivered_total', number>;

/** Live counts per need: asked, delivered, yes, no, no answer, standby. */
export async function callupStatus(deps: CallupDeps, id: string): Promise<{ callup: Callup; needs: NeedStatus[] }> {
  const db = deps.database.db;
  const callup = await mustLoad(db, id);
  const rows = await db
    .selectFrom('callup_recipients')
    .select(['need_id', 'state', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.count<number>('delivered_at').as('d')])
    .where('callup_id', '=', id)
    .groupBy(['need_id', 'state'])
    .execute();
  const needs = callup.needs.map((need) => {
    const s: NeedStatus = { needId: need.id, role: need.role, skill: need.skill, count: need.count, confirmed: need.confirmed, asked: 0, delivered: 0, yes: 0, no: 0, no_answer: 0, standby: 0, cancelled: 0, waiting: 0, delivered_total: 0 };
    for (const r of rows.filter((x) => x.need_id === need.id)) {
      s[r.state] += Number(r.n);
      s.delivered_total += Number(r.d);
    }
    s.waiting = s.asked + s.delivered;
    return s;
  });
  return { callup, needs };
}

/** The newest call-ups the reader may see (`visible`: by the call-up's areas; policy.callupInScope). */
export async function listCallups(deps: CallupDeps, limit = 50, visible: (areas: readonly string[]) => boolean = () => true): Promise<Callup[]> {
  const out: Callup[] = [];
  const page = Math.max(limit, 100);
  for (let offset = 0; out.length < limit; offset += page) {
    const rows = await deps.database.db.selectFrom('callups').select(['id', 'areas']).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page).offset(offset).execute();
    for (const r of rows) if (out.length < limit && visible(JSON.parse(r.areas) as string[])) out.push(await mustLoad(deps.database.db, r.id));
    if (rows.length < page) break;
  }
  return out;
}

/** Cancels queued call-up messages not yet sent to the open recipients of a need or call-up. */
async function withdrawOpenAsks(trx: Transaction<MusterSchema>, where: { callupId: string; needId?: string }, now: Date, state: RecipientState): Promise<number> {
  const at = now.toISOString();
  let open = trx.selectFrom('callup_recipients').select('outbox_id').where('callup_id', '=', where.callupId).where('state', 'in', [...OPEN_STATES]).where('outbox_id', 'is not', null);
  if (where.needId) open = open.where('need_id', '=', where.needId);
  await trx
    .updateTable('outbox')
    .set({ status: 'cancelled', cancelled_at: at })
    .where('status', '=', 'queued')
    .where('id', 'in', open as never)
    .execute();
  let upd = trx.updateTable('callup_recipients').set({ state, updated_at: at }).where('callup_id', '=', where.callupId).where('state', 'in', [...OPEN_STATES]);
  if (where.needId) upd = upd.where('need_id', '=', where.needId);
  const r = await upd.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

async function decryptPhone(deps: CallupDeps, db: Executor, volunteerId: string): Promise<string | null> {
  const v = await db.selectFrom('volunteers').select(['id', 'personal_enc', 'phone_enc', 'status']).where('id', '=', volunteerId).executeTakeFirst();
  if (!v || v.status !== 'active') return null;
  return openPersonal(deps.cipher, v, ['phone']).phone;
}

/** Cancels a call-up: queued asks are withdrawn and everyone who said yes is told. */
export async function cancelCallup(deps: CallupDeps, actor: string, id: string): Promise<{ told: number }> {
  const now = deps.clock();
  const at = now.toISOString();
  const told = await deps.database.write(async (trx) => {
    const r = await trx.updateTable('callups').set({ status: 'cancelled', cancelled_at: at, updated_at: at }).where('id', '=', id).where('status', 'in', ['draft', 'running', 'filled']).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const exists = await trx.selectFrom('callups').select('status').where('id', '=', id).executeTakeFirst();
      throw new CallupError(exists ? 'invalid_state' : 'not_found', exists ? { status: exists.status } : {});
    }
    const callup = await mustLoad(trx, id);
    await withdrawOpenAsks(trx, { callupId: id }, now, 'cancelled');
    const yes = await trx.selectFrom('callup_recipients').select(['id', 'volunteer_id', 'language']).where('callup_id', '=', id).where('state', 'in', ['yes', 'standby']).execute();
    let n = 0;
    for (const person of yes) {
      const phone = await decryptPhone(deps, trx, person.volunteer_id);
      if (phone === null) continue;
      const language = isSmsLanguage(person.language) ? person.language : 'fr';
      const q = await deps.outbox.enqueue(trx, { phone, body: smsText('callup_cancelled', language, { title: callup.title }), priority: 'bulk', kind: 'callup_cancelled', dedupKey: `callup-cancel:${person.id}` }, now);
      if (q.status === 'queued') n += 1;
    }
    await recordAudit(trx, { at, actor, action: 'callup.cancel', details: { callupId: id, told: n } });
    return n;
  });
  deps.onQueued();
  return { told };
}

/** Closes a call-up: no more answers taken, those not answered counted as no answer. */
export async function closeCallup(deps: CallupDeps, actor: string, id: string): Promise<Callup> {
  const now = deps.clock();
  const at = now.toISOString();
  await deps.database.write(async (trx) => {
    const r = await trx.updateTable('callups').set({ status: 'closed', closed_at: at, updated_at: at }).where('id', '=', id).where('status', 'in', ['running', 'filled']).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const exists = await trx.selectFrom('callups').select('status').where('id', '=', id).executeTakeFirst();
      throw new CallupError(exists ? 'invalid_state' : 'not_found', exists ? { status: exists.status } : {});
    }
    await withdrawOpenAsks(trx, { callupId: id }, now, 'no_answer');
    await recordAudit(trx, { at, actor, action: 'callup.close', details: { callupId: id } });
  });
  return mustLoad(deps.database.db, id);
}

export interface ConfirmedPerson {
  volunteerId: string;
  reference: string;
  givenName: string | null;
  familyName: string | null;
  phone: string | null;
  area: string;
  role: string;
  skill: string | null;
  answeredAt: string | null;
}

/** Who confirmed, within the reader's areas (null: all). Every read is audited. */
export async function confirmedPeople(deps: CallupDeps, actor: string, id: string, scopeAreas: readonly string[] | null): Promise<ConfirmedPerson[]> {
  const now = deps.clock();
  const callup = await mustLoad(deps.database.db, id);
  const rows = await deps.database.db
    .selectFrom('callup_recipients as cr')
    .innerJoin('volunteers as v', 'v.id', 'cr.volunteer_id')
    .innerJoin('callup_needs as n', 'n.id', 'cr.need_id')
    .select(['cr.volunteer_id', 'cr.answered_at', 'v.reference', 'v.personal_enc', 'v.given_name_enc', 'v.family_name_enc', 'v.phone_enc', 'v.area', 'n.role', 'n.skill'])
    .where('cr.callup_id', '=', id)
    .where('cr.state', '=', 'yes')
    .orderBy('n.position')
    .orderBy('cr.answered_at')
    .execute();
  const people = rows
    .filter((r) => scopeAreas === null || scopeAreas.some((a) => deps.drive.ancestorsOf(r.area).includes(a)))
    .map((r) => {
      const personal = openPersonal(deps.cipher, { ...r, id: r.volunteer_id }, ['givenName', 'familyName', 'phone']);
      return {
        volunteerId: r.volunteer_id,
        reference: r.reference,
        givenName: personal.givenName,
        familyName: personal.familyName,
        phone: personal.phone,
        area: r.area,
        role: r.role,
        skill: r.skill,
        answeredAt: r.answered_at,
      };
    });
  await deps.database.write((trx) =>
    recordAudit(trx, { at: now.toISOString(), actor, action: 'callup.read_confirmed', details: { callupId: callup.id, ids: people.map((p) => p.volunteerId), scope: scopeAreas ?? 'all' } }),
  );
  return people;
}

function csvCell(value: string | null): string {
  const v = value ?? '';
  // A leading = + - @ would be read as a formula by a spreadsheet.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function confirmedCsv(people: readonly ConfirmedPerson[]): string {
  const header = ['reference', 'given_name', 'family_name', 'phone', 'area', 'role', 'skill', 'answered_at'];
  const lines = people.map((p) => [p.reference, p.givenName, p.familyName, p.phone, p.area, p.role, p.skill, p.answeredAt].map(csvCell).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

