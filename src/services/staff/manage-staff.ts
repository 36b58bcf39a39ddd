import { STAFF_ROLES, type StaffRole } from '../../access/principal.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { newEnrolmentCode } from '../../auth/tokens.ts';
import type { FieldError } from '../../domain/field-error.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import { sessionStore } from '../../store/session-store.ts';
import type { StaffUser } from '../../store/staff-store.ts';
import type { StaffDeps } from './staff-deps.ts';

export interface NewStaffUser {
  username: string;
  displayName?: string | undefined;
  role: string;
  areas?: readonly string[] | undefined;
  site?: string | null | undefined;
}

/** Checks role, scope and username; coordinators and officers need areas, agents a site. */
export function staffUserProblems(input: NewStaffUser, deps: Pick<StaffDeps, 'drive'>): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[a-z][a-z0-9._-]{2,31}$/.test(input.username)) errors.push({ field: 'username', code: 'invalid_username' });
  if (!(STAFF_ROLES as readonly string[]).includes(input.role)) errors.push({ field: 'role', code: 'invalid_value', params: { allowed: STAFF_ROLES.join(', ') } });
  const areas = input.areas ?? [];
  areas.forEach((area, i) => {
    if (!deps.drive.areas.has(area)) errors.push({ field: `areas.${i}`, code: 'unknown_area', params: { value: area } });
  });
  if ((input.role === 'coordinator' || input.role === 'officer') && areas.length === 0) errors.push({ field: 'areas', code: 'areas_required' });
  if (input.site && !deps.drive.sites.has(input.site)) errors.push({ field: 'site', code: 'unknown_site', params: { value: input.site } });
  if (input.role === 'agent' && !input.site) errors.push({ field: 'site', code: 'site_required' });
  return errors;
}

/** A one-time password: long, random, easy to read out; it must be changed at first sign-in. */
function oneTimePassword(): string {
  return `${newEnrolmentCode()}-${newEnrolmentCode()}`;
}

export type CreateStaffOutcome = { status: 'created'; user: StaffUser; oneTimePassword: string } | { status: 'refused'; errors: FieldError[] } | { status: 'exists' };

export async function createStaffUser(deps: StaffDeps, input: NewStaffUser, actor: string, ip: string | null = null): Promise<CreateStaffOutcome> {
  const normalised = { ...input, username: input.username.trim().toLowerCase() };
  const errors = staffUserProblems(normalised, deps);
  if (errors.length > 0) return { status: 'refused', errors };
  const password = oneTimePassword();
  const at = deps.clock().toISOString();
  const user: StaffUser = {
    id: uuidv7(),
    username: normalised.username,
    displayName: normalised.displayName?.trim() || normalised.username,
    role: normalised.role as StaffRole,
    areas: [...(normalised.areas ?? [])],
    site: normalised.site ?? null,
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
    passwordChangedAt: at,
    totpSecret: null,
    totpLastStep: 0,
    lockedUntil: null,
    disabledAt: null,
    createdAt: at,
    updatedAt: at,
  };
  const inserted = await deps.database.write(async (trx) => {
    if (!(await deps.staff.insert(trx, user))) return false;
    await recordAudit(trx, { at, actor, action: 'user.create', details: { userId: user.id, username: user.username, role: user.role, areas: user.areas, site: user.site }, ip });
    return true;
  });
  return inserted ? { status: 'created', user, oneTimePassword: password } : { status: 'exists' };
}

export type StaffChange =
  | { kind: 'disable' }
  | { kind: 'enable' }
  | { kind: 'reset_password' }
  | { kind: 'reset_totp' }
  | { kind: 'set_scope'; role: string; areas: readonly string[]; site: string | null };

export type ChangeStaffOutcome = { status: 'done'; user: StaffUser; oneTimePassword?: string } | { status: 'not_found' } | { status: 'refused'; errors: FieldError[] };

/**
 * Administrative changes to an account. Each ends the user's sessions where the old ones should not
 * survive it (disabled, new password, second factor reset, permissions changed), and is audited.
 */
export async function changeStaffUser(deps: StaffDeps, userId: string, change: StaffChange, actor: string, ip: string | null = null): Promise<ChangeStaffOutcome> {
  const user = await deps.staff.byId(deps.database.db, userId);
  if (!user) return { status: 'not_found' };
  const at = deps.clock().toISOString();
  let oneTime: string | undefined;
  let changes: Parameters<StaffDeps['staff']['update']>[2];
  switch (change.kind) {
    case 'disable':
      changes = { disabledAt: at };
      break;
    case 'enable':
      changes = { disabledAt: null, lockedUntil: null };
      break;
    case 'reset_password':
      oneTime = oneTimePassword();
      changes = { passwordHash: await hashPassword(oneTime), mustChangePassword: true, passwordChangedAt: at, lockedUntil: null };
      break;
    case 'reset_totp':
      changes = { totpSecret: null, totpLastStep: 0 };
      break;
    case 'set_scope': {
      const errors = staffUserProblems({ username: user.username, role: change.role, areas: change.areas, site: change.site }, deps);
      if (errors.length > 0) return { status: 'refused', errors };
      changes = { role: change.role as StaffRole, areas: [...change.areas], site: change.site };
      break;
    }
  }
  await deps.database.write(async (trx) => {
    await deps.staff.update(trx, user.id, changes, at);
    const ended = change.kind === 'enable' ? 0 : await sessionStore.revokeAllOf(trx, user.id, at);
    await recordAudit(trx, {
      at,
      actor,
      action: change.kind === 'set_scope' ? 'user.permissions_changed' : `user.${change.kind}`,
      details: { userId: user.id, sessionsEnded: ended, ...(change.kind === 'set_scope' ? { role: change.role, areas: change.areas, site: change.site } : {}) },
      ip,
    });
  });
  const updated = await deps.staff.byId(deps.database.db, user.id);
  if (!updated) return { status: 'not_found' };
  return oneTime ? { status: 'done', user: updated, oneTimePassword: oneTime } : { status: 'done', user: updated };
}
