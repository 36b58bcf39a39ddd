import type { Drive } from '../config/load-drive.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { FieldError } from '../domain/field-error.ts';
import type { Channel } from '../domain/registration-input.ts';
import { validateRegistration, type ValidRegistration } from '../domain/validate-registration.ts';
import type { Database } from '../store/database.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import { recordAudit } from '../store/audit-pending.ts';
import { currentDedupModel } from './dedup/dedup-model.ts';
import { flagPossibleDuplicates, isAwaitingReview, personRecordOf } from './dedup/flag-duplicates.ts';
import { newReference, uuidv7 } from '../store/ids.ts';
import type { VolunteerStore } from '../store/volunteer-store.ts';
import type { Transaction } from 'kysely';
import type { MusterSchema } from '../store/schema.ts';

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
}

export type RegistrationOutcome =
  /** `awaitingReview`: the registration is kept, and a possible duplicate of it is in the review queue. */
  | { status: 'created'; id: string; reference: string; replayed: boolean; awaitingReview: boolean }
  | { status: 'already_registered'; id: string; reference: string; matchedOn: 'phone' | 'nationalId' }
  | { status: 'refused'; errors: FieldError[] }
  /** The client id was already used with a different registration. */
  | { status: 'conflict' };

export interface RegisterOptions {
  /**
   * Runs in the registration's own transaction once the outcome is known (not for refusals, which
   * store nothing): what the registration causes, such as the SMS that confirms it, is written
   * atomically with it. Throwing undoes the registration.
   */
  within?: (trx: Transaction<MusterSchema>, outcome: Exclude<RegistrationOutcome, { status: 'refused' }>) => Promise<void>;
}

/**
 * Registers one volunteer, from any channel. Refusals store nothing. The same phone or ID number
 * never makes a second record. Retrying with the same client id and the same content returns the
 * first answer; the same client id with other content is a conflict.
 */
export async function registerVolunteer(deps: RegisterDeps, raw: unknown, source: RegistrationSource, options: RegisterOptions = {}): Promise<RegistrationOutcome> {
  const now = deps.clock();
  const check = validateRegistration(raw, deps.drive, { now, channel: source.channel, maxOfflineDays: source.maxOfflineDays, site: source.site });
  if (!check.ok) return { status: 'refused', errors: check.errors };
  const registration = check.value;
  const requestHash = requestFingerprint(deps.cipher, registration);
  const id = uuidv7(now.getTime());
  const model = await currentDedupModel(deps.database);

  return deps.database.write(async (trx) => {
    const outcome = await registerWithin(trx, deps, registration, source, { id, requestHash, now, model });
    if (options.within) await options.within(trx, outcome);
    return outcome;
  });
}

async function registerWithin(
  trx: Transaction<MusterSchema>,
  deps: RegisterDeps,
  registration: ValidRegistration,
  source: RegistrationSource,
  { id, requestHash, now, model }: { id: string; requestHash: string; now: Date; model: Awaited<ReturnType<typeof currentDedupModel>> },
): Promise<Exclude<RegistrationOutcome, { status: 'refused' }>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // Insert first: most registrations are new, and the unique keys (client id, phone, ID number,
    // reference) decide collisions atomically, on both databases, under any concurrency.
    const reference = newReference();
    const inserted = await deps.volunteers.insert(trx, {
      id,
      reference,
      requestHash,
      registration,
      channel: source.channel,
      capturedBy: source.capturedBy,
      now: now.toISOString(),
    });
    if (inserted) {
      await recordAudit(trx, {
        at: now.toISOString(),
        actor: source.capturedBy,
        action: 'volunteer.create',
        details: { volunteerId: id, channel: source.channel, site: registration.site, area: registration.area },
        ip: source.ip ?? null,
        deviceTime: registration.recordedAt,
      });
      const flagged = await flagPossibleDuplicates(trx, deps, model, personRecordOf({ ...registration, id }), now.toISOString());
      return { status: 'created', id, reference, replayed: false, awaitingReview: flagged > 0 };
    }

    const existing = await deps.volunteers.findExisting(trx, {
      clientId: registration.clientId,
      phone: registration.phone,
      nationalId: registration.nationalId,
    });
    const sameClient = existing.find((e) => e.matchedOn === 'clientId');
    if (sameClient) {
      return sameClient.requestHash === requestHash
        ? { status: 'created', id: sameClient.id, reference: sameClient.reference, replayed: true, awaitingReview: await isAwaitingReview(trx, sameClient.id) }
        : { status: 'conflict' as const };
    }
    const other = existing[0];
    if (other) return { status: 'already_registered', id: other.id, reference: other.reference, matchedOn: other.matchedOn === 'nationalId' ? 'nationalId' : 'phone' };
    // Nothing collided on client id, phone or ID number: the random reference did (rare). Again.
  }
  throw new Error('could not register after several attempts (reference collisions)');
}

/**
 * What makes two submissions "the same registration" for idempotency: the validated content, except
 * the device time of an offline registration. Keyed, so the stored hash reveals nothing.
 */
export function requestFingerprint(cipher: FieldCipher, registration: ValidRegistration): string {
  const { recordedAt: _recordedAt, ...rest } = registration;
  return cipher.fingerprint(canonicalJson(rest));
}
