import { isLocked, lockoutAfterFailure, LOCKOUT } from '../../auth/lockout.ts';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.ts';
import { hashToken, newSecretToken } from '../../auth/tokens.ts';
import { verifyTotp } from '../../auth/totp.ts';
import { SESSION } from '../../auth/session-timeouts.ts';
import { ROLES_REQUIRING_TOTP } from '../../access/principal.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import { authFailureStore, sessionStore } from '../../store/session-store.ts';
import type { StaffUser } from '../../store/staff-store.ts';
import type { StaffDeps } from './staff-deps.ts';

export interface SignInRequest {
  username: string;
  password: string;
  totp?: string | undefined;
  ip: string;
}

export type SignInOutcome =
  | { status: 'signed_in'; sessionId: string; user: StaffUser; pending: 'change_password' | 'setup_totp' | null }
  /** Deliberately the same answer for an unknown user, a wrong password and a locked account. */
  | { status: 'failed' }
  | { status: 'totp_required' };

/**
 * Password, then (when set up) a TOTP code that has never been used. Five failures in fifteen minutes
 * lock the account for fifteen minutes. Every attempt is audited.
 */
export async function signIn(deps: StaffDeps, request: SignInRequest): Promise<SignInOutcome> {
  const now = deps.clock();
  const at = now.toISOString();
  const username = request.username.trim().toLowerCase();
  const user = await deps.staff.byUsername(deps.database.db, username);

  const fail = async (reason: string, countsAsFailure = true): Promise<SignInOutcome> => {
    await deps.database.write(async (trx) => {
      if (countsAsFailure) {
        await authFailureStore.record(trx, { id: uuidv7(now.getTime()), username, ip: request.ip, at });
        if (user && !user.disabledAt) {
          const since = new Date(now.getTime() - LOCKOUT.windowMs).toISOString();
          const failures = (await authFailureStore.since(trx, username, since)).map((t) => new Date(t));
          const lockedUntil = lockoutAfterFailure(failures, now);
          if (lockedUntil) {
            await deps.staff.update(trx, user.id, { lockedUntil: lockedUntil.toISOString() }, at);
            await recordAudit(trx, { at, actor: `user:${user.id}`, action: 'auth.locked', details: { until: lockedUntil.toISOString() }, ip: request.ip });
          }
        }
      }
      await recordAudit(trx, { at, actor: user ? `user:${user.id}` : 'unknown', action: 'auth.sign_in_failed', details: { username, reason }, ip: request.ip });
    });
    return { status: 'failed' };
  };

  if (!user || user.disabledAt) {
    await verifyAgainstDummy(request.password);
    return fail(user ? 'disabled' : 'unknown_user');
  }
  if (isLocked(user.lockedUntil, now)) return fail('locked', false);
  if (!(await verifyPassword(user.passwordHash, request.password))) return fail('wrong_password');

  let usedTotp = false;
  if (user.totpSecret !== null) {
    if (!request.totp) return { status: 'totp_required' };
    const check = verifyTotp(user.totpSecret, request.totp, user.totpLastStep, now);
    if (!check.ok) return fail(`totp_${check.reason}`);
    const claimed = await deps.database.write((trx) => deps.staff.claimTotpStep(trx, user.id, check.step));
    if (!claimed) return fail('totp_replayed');
    usedTotp = true;
  }
  const pending = user.mustChangePassword ? 'change_password' : !usedTotp && ROLES_REQUIRING_TOTP.has(user.role) ? 'setup_totp' : null;
  const sessionId = await openSession(deps, user, request.ip, now);
  await deps.database.write((trx) =>
    recordAudit(trx, { at, actor: `user:${user.id}`, action: 'auth.sign_in', details: { secondFactor: usedTotp, pending }, ip: request.ip }),
  );
  return { status: 'signed_in', sessionId, user, pending };
}

/** A new random session id (never reused across sign-ins); only its hash is stored. */
export async function openSession(deps: StaffDeps, user: StaffUser, ip: string, now: Date): Promise<string> {
  const sessionId = newSecretToken('ses');
  const at = now.toISOString();
  await deps.database.write(async (trx) => {
    await sessionStore.insert(trx, {
      id_hash: hashToken(sessionId),
      user_id: user.id,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(now.getTime() + SESSION.absoluteMs).toISOString(),
      authenticated_at: at,
      ip,
      revoked_at: null,
    });
    if (user.lockedUntil) await deps.staff.update(trx, user.id, { lockedUntil: null }, at);
  });
  return sessionId;
}
