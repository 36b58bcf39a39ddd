import type { Kysely } from 'kysely';
import { openPersonal, personalColumns } from '../../store/personal-fields.ts';
import type { MusterSchema } from '../../store/schema.ts';
import { statementChunks } from '../../store/statement-chunks.ts';
import type { CallupDeps } from './callup-deps.ts';

/** Where a call-up message goes: the person's phone and its blind index. */
export interface VolunteerPhone {
  phone: string;
  phoneHash: string;
}

/**
 * The phones of the people that may be contacted now (active, not merged into another record, with a
 * phone), read and opened at the moment a call-up message is sent. The one place the call-up sender
 * reads and decrypts a volunteer's phone: how personal fields are sealed may change, and only this
 * function then changes with it. People missing from the result must not be contacted.
 */
export async function volunteerPhones(deps: Pick<CallupDeps, 'cipher'>, db: Kysely<MusterSchema>, ids: readonly string[]): Promise<Map<string, VolunteerPhone>> {
  const phones = new Map<string, VolunteerPhone>();
  for (const chunk of statementChunks([...ids], 500)) {
    const rows = await db
      .selectFrom('volunteers')
      .select(['id', 'status', 'merged_into', 'phone_hash', ...personalColumns(['phone'])])
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) {
      if (row.status !== 'active' || (row.merged_into ?? null) !== null || row.phone_hash === null) continue;
      const phone = openPersonal(deps.cipher, row, ['phone']).phone;
      if (phone !== null) phones.set(row.id, { phone, phoneHash: row.phone_hash });
    }
  }
  return phones;
}
