import type { Drive } from '../config/load-drive.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { FieldError } from '../domain/field-error.ts';
import type { Channel } from '../domain/registration-input.ts';
import { validateRegistration, type ValidRegistration } from '../domain/validate-registration.ts';
import type { Database } from '../store/database.ts';
import type { Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import { recordAuditMany, type AuditInput } from '../store/audit-pending.ts';
import { currentDedupModel } from './dedup/dedup-model.ts';
import { flagPossibleDuplicatesMany, isAwaitingReview, personRecordOf, registrationKeys } from './dedup/flag-duplicates.ts';
import { newReference, uuidv7 } from '../store/ids.ts';
import type { NewVolunteer } from '../store/volunteer-rows.ts';
import type { MusterSchema } from '../store/schema.ts';
import type { VolunteerStore } from '../store/volunteer-store.ts';

export interface RegisterDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
  cipher: FieldCipher;
  clock: () => Date;
}

export interface RegistrationSource {
  channel: Channel;
  /** Who captured the consent: "self" for a person registering themselves, else a staff or device id. */
  capturedBy: string;
  maxOfflineDays?: number | undefined;
  /** Site of the registering device or agent. */
  site?: string | null | undefined;
  /** Where the request came from, for the audit log. */
  ip?: string | null | undefined;
  /** Who acts, for the audit log, when not the one who captured the consent (an import of paper forms). */
  actor?: string | undefined;
  /** Added to each creation's audit entry (ids and codes only, never personal data). */
  auditDetails?: Record<string, string | number> | undefined;
}

export type RegistrationOutcome =
  /** `awaitingReview`: the registration is kept, and a possible duplicate of it is in the review queue. */
  | { status: 'created'; id: string; reference: string; replayed: boolean; awaitingReview: boolean }
  | { status: 'already_registered'; id: string; reference: string; matchedOn: 'phone' | 'nationalId' }
  | { status: 'refused'; errors: FieldError[] }
  /** The client id was already used with a different registration. */
  | { status: 'conflict' };

/**
 * Registers one volunteer, from any channel. Refusals store nothing. The same phone or ID number
 * never makes a second record. Retrying with the same client id and the same content returns the
 * first answer; the same client id with other content is a conflict.
 */
export async function registerVolunteer(deps: RegisterDeps, raw: unknown, source: RegistrationSource, options: RegisterOptions = {}): Promise<RegistrationOutcome> {
  const within = options.within;
  const after: AfterRegistrations | undefined = within
    ? async (trx, outcomes) => {
        const outcome = outcomes[0];
        if (outcome && outcome.status !== 'refused') await within(trx, outcome);
      }
    : undefined;
  const [outcome] = await registerVolunteers(deps, [raw], source, after ? { after } : {});
  if (!outcome) throw new Error('no outcome for a registration');
  return outcome;
}

export interface RegisterOptions {
  /**
   * Runs in the registration's own transaction once the outcome is known (not for refusals, which
   * store nothing): what the registration causes, such as the SMS that confirms it, is written
   * atomically with it. Throwing undoes the registration.
   */
  within?: (trx: Transaction<MusterSchema>, outcome: Exclude<RegistrationOutcome, { status: 'refused' }>) => Promise<void>;
}

/** Work done in the registrations' own transaction, after them (an import records its progress). */
export type AfterRegistrations = (trx: Transaction<MusterSchema>, outcomes: readonly RegistrationOutcome[]) => Promise<void>;

/**
 * Registers several volunteers in one write transaction: the path of `registerVolunteer` (which calls
 * it with one), so every rule, the duplicate check and the audit are the same; a batch only saves
 * transactions and round trips. Outcomes come in the order of `raws`, each as `registerVolunteer`
 * would have answered it had the registrations arrived one after the other in that order.
 */
export async function registerVolunteers(
  deps: RegisterDeps,
  raws: readonly unknown[],
  source: RegistrationSource,
  options: BatchOptions = {},
): Promise<RegistrationOutcome[]> {
  const now = deps.clock();
  return registerChecked(
    deps,
    raws.map((raw) => checkRegistration(deps, raw, source, now)),
    source,
    { ...options, now },
  );
}

export interface BatchOptions {
  /** Who captured each one's consent, when not the same for all (paper forms collected by several agents). */
  capturedBy?: readonly string[];
  after?: AfterRegistrations;
}

/**
 * The part of a registration that needs neither the database nor the data keys: validation, the
 * request fingerprint and the duplicate-check keys (computed once here, used by the duplicate check).
 * An import checks its next batch while the previous one is being written, then `registerChecked`.
 */
export type CheckedRegistration = { ok: true; registration: ValidRegistration; requestHash: string; dedupKeys: string[] } | { ok: false; errors: FieldError[] };

export function checkRegistration(
  deps: { drive: Drive; cipher: Pick<FieldCipher, 'blindIndex' | 'fingerprint'> },
  raw: unknown,
  source: Pick<RegistrationSource, 'channel' | 'maxOfflineDays' | 'site'>,
  now: Date,
): CheckedRegistration {
  const check = validateRegistration(raw, deps.drive, { now, channel: source.channel, maxOfflineDays: source.maxOfflineDays, site: source.site });
  if (!check.ok) return { ok: false, errors: check.errors };
  const registration = check.value;
  return { ok: true, registration, requestHash: requestFingerprint(deps.cipher, registration), dedupKeys: registrationKeys(deps.cipher, deps.drive, registration) };
}

/**
 * `registerVolunteers` for registrations already checked (`checkRegistration`, with `now` the time
 * they were checked at, which is also their registration time).
 */
export async function registerChecked(
  deps: RegisterDeps,
  checks: readonly CheckedRegistration[],
  source: RegistrationSource,
  options: BatchOptions & { now: Date },
): Promise<RegistrationOutcome[]> {
  const after = options.after;
  const now = options.now;
  const at = now.toISOString();
  const outcomes: RegistrationOutcome[] = [];
  const pending: Array<{ index: number; row: NewVolunteer; dedupKeys: string[] }> = [];
  checks.forEach((check, index) => {
    if (!check.ok) {
      outcomes[index] = { status: 'refused', errors: check.errors };
      return;
    }
    const registration = check.registration;
    pending.push({
      index,
      row: {
        id: uuidv7(now.getTime()),
        reference: newReference(),
        requestHash: check.requestHash,
        registration,
        channel: source.channel,
        capturedBy: options.capturedBy?.[index] ?? source.capturedBy,
        now: at,
      },
      dedupKeys: check.dedupKeys,
    });
  });
  if (pending.length === 0 && !after) return outcomes;
  const model = pending.length > 0 ? await currentDedupModel(deps.database) : null;

  return deps.database.write(async (trx): Promise<RegistrationOutcome[]> => {
    // Insert first: most registrations are new, and the unique keys (client id, phone, ID number,
    // reference) decide collisions atomically, on both databases, under any concurrency.
    const inserted = await deps.volunteers.insertMany(
      trx,
      pending.map((p) => p.row),
    );
    /** Created in this transaction, in order: their duplicate check runs once for all, below. */
    const created: Array<{ index: number; row: NewVolunteer; dedupKeys: string[] }> = [];
    for (const item of pending) {
      if (inserted.has(item.row.id) || (await resolveCollision(trx, item.index, item.row))) created.push(item);
    }
    await recordAuditMany(
      trx,
      created.map(({ row }) => creationEntry(row)),
    );
    if (created.length > 0) {
      if (!model) throw new Error('duplicate model not loaded');
      const records = created.map(({ row }) => personRecordOf({ ...row.registration, id: row.id }));
      const flagged = await flagPossibleDuplicatesMany(
        trx,
        deps,
        model,
        records,
        at,
        created.map((c) => c.dedupKeys),
      );
      created.forEach(({ index, row }, i) => {
        outcomes[index] = { status: 'created', id: row.id, reference: row.reference, replayed: false, awaitingReview: (flagged[i] ?? 0) > 0 };
      });
    }
    if (after) await after(trx, outcomes);
    return outcomes;
  });

  function creationEntry(row: NewVolunteer): AuditInput {
    const registration = row.registration;
    return {
      at,
      actor: source.actor ?? row.capturedBy,
      action: 'volunteer.create',
      details: { volunteerId: row.id, channel: source.channel, site: registration.site, area: registration.area, ...(source.auditDetails ?? {}) },
      ip: source.ip ?? null,
      deviceTime: registration.recordedAt,
    };
  }

  /**
   * The row was not inserted: records why in `outcomes`, or inserts it with another reference when
   * only the reference collided (then returns true: it is created).
   */
  async function resolveCollision(trx: Transaction<MusterSchema>, index: number, row: NewVolunteer): Promise<boolean> {
    const registration = row.registration;
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await deps.volunteers.findExisting(trx, {
        clientId: registration.clientId,
        phone: registration.phone,
        nationalId: registration.nationalId,
      });
      const sameClient = existing.find((e) => e.matchedOn === 'clientId');
      if (sameClient) {
        outcomes[index] =
          sameClient.requestHash === row.requestHash
            ? { status: 'created', id: sameClient.id, reference: sameClient.reference, replayed: true, awaitingReview: await isAwaitingReview(trx, sameClient.id) }
            : { status: 'conflict' };
        return false;
      }
      const other = existing[0];
      if (other) {
        outcomes[index] = { status: 'already_registered', id: other.id, reference: other.reference, matchedOn: other.matchedOn === 'nationalId' ? 'nationalId' : 'phone' };
        return false;
      }
      // Nothing collided on client id, phone or ID number: the random reference did (rare). Again.
      row.reference = newReference();
      if (await deps.volunteers.insert(trx, row)) return true;
    }
    throw new Error('could not register after several attempts (reference collisions)');
  }
}

/**
 * What makes two submissions "the same registration" for idempotency: the validated content, except
 * the device time of an offline registration. Keyed, so the stored hash reveals nothing.
 */
export function requestFingerprint(cipher: Pick<FieldCipher, 'fingerprint'>, registration: ValidRegistration): string {
  const { recordedAt: _recordedAt, ...rest } = registration;
  return cipher.fingerprint(canonicalJson(rest));
}
