/** Five wrong passwords within 15 minutes lock the account for 15 minutes (OWASP-style throttling). */
export const LOCKOUT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

/**
 * Called after a failed sign-in, with this user's recent failure times including the new one.
 * Returns the `locked_until` to store when at least `maxFailures` of them happened less than
 * `windowMs` before `now`, else null. Failures dated after `now` (clock steps back) still count:
 * when in doubt we lock rather than allow more guesses.
 */
export function lockoutAfterFailure(failureTimes: readonly Date[], now: Date): Date | null {
  const nowMs = now.getTime();
  const recent = failureTimes.filter((time) => nowMs - time.getTime() < LOCKOUT.windowMs).length;
  return recent >= LOCKOUT.maxFailures ? new Date(nowMs + LOCKOUT.lockMs) : null;
}

/**
 * Whether an account is locked at `now`. An unreadable `locked_until` counts as locked (fail closed):
 * it can only come from a bug or tampering, and an administrator can clear it.
 */
export function isLocked(lockedUntil: string | null, now: Date): boolean {
  if (lockedUntil === null) return false;
  const until = Date.parse(lockedUntil);
  if (Number.isNaN(until)) return true;
  return now.getTime() < until;
}
