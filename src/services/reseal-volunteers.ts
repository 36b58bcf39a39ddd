import type { Database } from '../store/database.ts';
import { recordAudit } from '../store/audit-pending.ts';
import { LEGACY_COLUMNS } from '../store/personal-fields.ts';
import type { VolunteerStore } from '../store/volunteer-store.ts';

export interface ResealDeps {
  database: Database;
  volunteers: Pick<VolunteerStore, 'legacyRows' | 'resealRows'>;
  clock: () => Date;
}

export interface ResealOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** After each batch: rows converted so far, and rows found to convert at the start. */
  onProgress?: (converted: number, total: number) => void;
  /** Asked after each batch: true stops there (what was converted stays converted). */
  shouldStop?: () => boolean;
}

export interface ResealResult {
  /** Rows converted by this run. */
  converted: number;
  /** Rows in the per-field form when the run started. */
  found: number;
  /** False when stopped before the end (run again to go on). */
  complete: boolean;
  seconds: number;
}

export const RESEAL_BATCH = 500;

/**
 * `muster reseal`: turns rows written before migration 0008 (one ciphertext per personal field) into
 * the sealed form (one per person, store/personal-fields.ts), a batch per transaction, in id order.
 * Safe to stop at any point and to run again: a converted row no longer matches, so a second run
 * changes nothing, and an interrupted one goes on where the first stopped. Rows changed meanwhile by
 * someone else (a withdrawal, a new phone) keep that change. Audited as one entry with the count.
 */
export async function resealVolunteers(deps: ResealDeps, actor: string, options: ResealOptions = {}): Promise<ResealResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? RESEAL_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('the batch size must be a positive whole number');
  const found = await countLegacy(deps.database);
  let converted = 0;
  let complete = false;
  let after = '';
  try {
    for (;;) {
      const batch = await deps.database.write(async (trx) => {
        const rows = await deps.volunteers.legacyRows(trx, after, batchSize);
        return { last: rows.at(-1)?.id ?? null, changed: await deps.volunteers.resealRows(trx, rows) };
      });
      converted += batch.changed;
      options.onProgress?.(converted, found);
      if (batch.last === null) {
        complete = true;
        break;
      }
      after = batch.last;
      if (options.shouldStop?.()) break;
    }
  } finally {
    // One entry for the whole run, also when it stopped on an error: the rows converted until then were read.
    await deps.database.write((trx) =>
      recordAudit(trx, { at: deps.clock().toISOString(), actor, action: 'volunteer.reseal', details: { converted, found, complete } }),
    );
  }
  return { converted, found, complete, seconds: (performance.now() - started) / 1000 };
}

/** Rows still in the per-field form. */
async function countLegacy(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('volunteers')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('personal_enc', 'is', null)
    .where((eb) =>
      eb.or(Object.values(LEGACY_COLUMNS).map((c) => eb(c, 'is not', null))),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
