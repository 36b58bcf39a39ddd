/**
 * A session ends after 30 minutes without a request (a shared or lost phone left signed in) and
 * after 12 hours whatever happens (a stolen session token does not live for ever).
 */
export const SESSION = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 } as const;

export type SessionState = 'active' | 'idle_expired' | 'absolute_expired' | 'revoked';

export interface SessionTimes {
  createdAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
}

/**
 * The state of a session at `now`. Revocation wins, then the absolute limit (which applies even to a
 * session in constant use), then the idle limit; both limits are reached at exactly their duration.
 * An unreadable timestamp counts as expired (fail closed).
 */
export function sessionState(session: SessionTimes, now: Date): SessionState {
  if (session.revokedAt !== null) return 'revoked';
  const nowMs = now.getTime();
  const created = Date.parse(session.createdAt);
  if (Number.isNaN(created) || nowMs - created >= SESSION.absoluteMs) return 'absolute_expired';
  const lastSeen = Date.parse(session.lastSeenAt);
  if (Number.isNaN(lastSeen) || nowMs - lastSeen >= SESSION.idleMs) return 'idle_expired';
  return 'active';
}
