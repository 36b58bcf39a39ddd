import { ROLES_REQUIRING_TOTP, type Principal } from '../../access/principal.ts';
import { sessionState } from '../../auth/session-timeouts.ts';
import { hashToken } from '../../auth/tokens.ts';
import { sessionStore } from '../../store/session-store.ts';
import type { StaffUser } from '../../store/staff-store.ts';
import type { StaffDeps } from './staff-deps.ts';

/** Activity is written at most this often, so that reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

export interface ResolvedSession {
  principal: Extract<Principal, { kind: 'staff' }>;
  user: StaffUser;
  sessionHash: string;
}

export function principalOf(user: StaffUser): Extract<Principal, { kind: 'staff' }> {
  return {
    kind: 'staff',
    userId: user.id,
    role: user.role,
    areas: user.areas,
    site: user.site,
    strongAuth: user.totpSecret !== null,
    pending: user.mustChangePassword ? 'change_password' : user.totpSecret === null && ROLES_REQUIRING_TOTP.has(user.role) ? 'setup_totp' : null,
  };
}

/**
 * The staff principal behind a session id, or null when the session is unknown, revoked, idle for
 * 30 minutes, older than 12 hours, or its user is disabled or changed password since.
 */
export async function resolveSession(deps: StaffDeps, sessionId: string): Promise<ResolvedSession | null> {
  const now = deps.clock();
  const sessionHash = hashToken(sessionId);
  const session = await sessionStore.find(deps.database.db, sessionHash);
  if (!session) return null;
  const state = sessionState({ createdAt: session.created_at, lastSeenAt: session.last_seen_at, revokedAt: session.revoked_at }, now);
  if (state !== 'active') return null;
  const user = await deps.staff.byId(deps.database.db, session.user_id);
  if (!user || user.disabledAt || user.passwordChangedAt > session.created_at) return null;
  if (now.getTime() - Date.parse(session.last_seen_at) > TOUCH_EVERY_MS) {
    await deps.database.write((trx) => sessionStore.touch(trx, sessionHash, now.toISOString()));
  }
  return { principal: principalOf(user), user, sessionHash };
}
