import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.ts';
import { newTotpSecret, totpUri, verifyTotp } from '../../auth/totp.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { sessionStore } from '../../store/session-store.ts';
import type { StaffUser } from '../../store/staff-store.ts';
import { openSession } from './sign-in.ts';
import type { StaffDeps } from './staff-deps.ts';

export type ChangePasswordOutcome = { status: 'changed'; sessionId: string } | { status: 'wrong_password' } | { status: 'weak'; code: string };

/** Changes one's own password; every session of the user ends and the caller gets a fresh one. */
export async function changeOwnPassword(deps: StaffDeps, user: StaffUser, current: string, next: string, ip: string): Promise<ChangePasswordOutcome> {
  if (!(await verifyPassword(user.passwordHash, current))) return { status: 'wrong_password' };
  const problem = passwordProblem(next, { username: user.username, displayName: user.displayName });
  if (problem) return { status: 'weak', code: problem };
  if (await verifyPassword(user.passwordHash, next)) return { status: 'weak', code: 'password_unchanged' };
  const passwordHash = await hashPassword(next);
  const now = deps.clock();
  const at = now.toISOString();
  await deps.database.write(async (trx) => {
    await deps.staff.update(trx, user.id, { passwordHash, mustChangePassword: false, passwordChangedAt: at }, at);
    await sessionStore.revokeAllOf(trx, user.id, at);
    await recordAudit(trx, { at, actor: `user:${user.id}`, action: 'auth.password_changed', details: {}, ip });
  });
  // The new session must be newer than the password change, which ends every older session.
  const sessionId = await openSession(deps, { ...user, passwordChangedAt: at }, ip, new Date(now.getTime() + 1));
  return { status: 'changed', sessionId };
}

/** A new TOTP secret to show (QR code); nothing is stored until a code from it is confirmed. */
export function proposeTotp(user: StaffUser, issuer: string): { secret: string; uri: string } {
  const secret = newTotpSecret();
  return { secret, uri: totpUri(secret, user.username, issuer) };
}

/** Turns on the second factor once the user proves their app produces codes for this secret. */
export async function confirmTotp(deps: StaffDeps, user: StaffUser, secret: string, code: string, ip: string): Promise<boolean> {
  if (user.totpSecret !== null || !/^[A-Z2-7]{16,64}$/.test(secret)) return false;
  const now = deps.clock();
  const check = verifyTotp(secret, code, 0, now);
  if (!check.ok) return false;
  const at = now.toISOString();
  await deps.database.write(async (trx) => {
    await deps.staff.update(trx, user.id, { totpSecret: secret, totpLastStep: check.step }, at);
    await recordAudit(trx, { at, actor: `user:${user.id}`, action: 'auth.totp_enabled', details: {}, ip });
  });
  return true;
}

export async function signOut(deps: StaffDeps, user: StaffUser, sessionHash: string, ip: string): Promise<void> {
  const at = deps.clock().toISOString();
  await deps.database.write(async (trx) => {
    await sessionStore.revoke(trx, sessionHash, at);
    await recordAudit(trx, { at, actor: `user:${user.id}`, action: 'auth.sign_out', details: {}, ip });
  });
}
