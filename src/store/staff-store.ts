import type { Kysely } from 'kysely';
import type { StaffRole } from '../access/principal.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { MusterSchema } from './schema.ts';
import type { StaffUsersTable } from './schema-staff.ts';

type Executor = Kysely<MusterSchema>;

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  areas: string[];
  site: string | null;
  passwordHash: string;
  mustChangePassword: boolean;
  passwordChangedAt: string;
  /** Base32 TOTP secret, decrypted; null until the user set up a second factor. */
  totpSecret: string | null;
  totpLastStep: number;
  lockedUntil: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Staff accounts. TOTP secrets are encrypted like personal data: they open accounts. */
export function createStaffStore(cipher: FieldCipher) {
  const context = (id: string) => `staff_users.totp_secret:${id}`;

  function open(row: StaffUsersTable): StaffUser {
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role as StaffRole,
      areas: JSON.parse(row.areas) as string[],
      site: row.site,
      passwordHash: row.password_hash,
      mustChangePassword: row.must_change_password === 1,
      passwordChangedAt: row.password_changed_at,
      totpSecret: row.totp_secret_enc === null ? null : cipher.decrypt(row.totp_secret_enc, context(row.id)),
      totpLastStep: Number(row.totp_last_step),
      lockedUntil: row.locked_until,
      disabledAt: row.disabled_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  return {
    async insert(db: Executor, user: StaffUser): Promise<boolean> {
      const result = await db
        .insertInto('staff_users')
        .values({
          id: user.id,
          username: user.username,
          display_name: user.displayName,
          role: user.role,
          areas: JSON.stringify(user.areas),
          site: user.site,
          password_hash: user.passwordHash,
          must_change_password: user.mustChangePassword ? 1 : 0,
          password_changed_at: user.passwordChangedAt,
          totp_secret_enc: user.totpSecret === null ? null : cipher.encrypt(user.totpSecret, context(user.id)),
          totp_last_step: user.totpLastStep,
          locked_until: user.lockedUntil,
          disabled_at: user.disabledAt,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async byUsername(db: Executor, username: string): Promise<StaffUser | null> {
      const row = await db.selectFrom('staff_users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
      return row ? open(row) : null;
    },

    async byId(db: Executor, id: string): Promise<StaffUser | null> {
      const row = await db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? open(row) : null;
    },

    async list(db: Executor): Promise<StaffUser[]> {
      const rows = await db.selectFrom('staff_users').selectAll().orderBy('username').execute();
      return rows.map(open);
    },

    async update(
      db: Executor,
      id: string,
      changes: Partial<Pick<StaffUser, 'passwordHash' | 'mustChangePassword' | 'passwordChangedAt' | 'totpSecret' | 'totpLastStep' | 'lockedUntil' | 'disabledAt' | 'role' | 'areas' | 'site'>>,
      now: string,
    ): Promise<void> {
      const set: Partial<StaffUsersTable> = { updated_at: now };
      if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
      if (changes.mustChangePassword !== undefined) set.must_change_password = changes.mustChangePassword ? 1 : 0;
      if (changes.passwordChangedAt !== undefined) set.password_changed_at = changes.passwordChangedAt;
      if (changes.totpSecret !== undefined) set.totp_secret_enc = changes.totpSecret === null ? null : cipher.encrypt(changes.totpSecret, context(id));
      if (changes.totpLastStep !== undefined) set.totp_last_step = changes.totpLastStep;
      if (changes.lockedUntil !== undefined) set.locked_until = changes.lockedUntil;
      if (changes.disabledAt !== undefined) set.disabled_at = changes.disabledAt;
      if (changes.role !== undefined) set.role = changes.role;
      if (changes.areas !== undefined) set.areas = JSON.stringify(changes.areas);
      if (changes.site !== undefined) set.site = changes.site;
      await db.updateTable('staff_users').set(set).where('id', '=', id).execute();
    },

    /**
     * Accepts a TOTP step only if it is newer than the last one accepted, atomically: two requests
     * racing with the same code cannot both succeed.
     */
    async claimTotpStep(db: Executor, id: string, step: number): Promise<boolean> {
      const result = await db.updateTable('staff_users').set({ totp_last_step: step }).where('id', '=', id).where('totp_last_step', '<', step).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type StaffStore = ReturnType<typeof createStaffStore>;
