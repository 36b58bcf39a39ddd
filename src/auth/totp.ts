import { authenticator } from 'otplib';

/** RFC 6238 defaults, which every authenticator app expects: SHA-1, 6 digits, 30-second steps. */
const STEP_SECONDS = 30;
/** One step before and after the current one, for phones whose clock is a little off. */
const DRIFT_STEPS = 1;
/** 160 bits, the key length RFC 4226 recommends (otplib's default is only 80). */
const SECRET_BYTES = 20;

/**
 * An authenticator pinned to `now`. `clone` gives a fresh instance, so the shared `authenticator`
 * singleton (which other code may use) is never mutated, and the global clock is never read:
 * tests and the CLI pass their own time.
 */
function authenticatorAt(now: Date): typeof authenticator {
  return authenticator.clone({ epoch: now.getTime(), step: STEP_SECONDS, window: [DRIFT_STEPS, DRIFT_STEPS] });
}

/** The number of the 30-second step `now` falls in (the TOTP counter). */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / STEP_SECONDS);
}

/** A new random secret, base32 (RFC 4648) as authenticator apps expect it. */
export function newTotpSecret(): string {
  return authenticator.generateSecret(SECRET_BYTES);
}

/** The otpauth:// URI to show as a QR code; account and issuer are URI-encoded by otplib. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return authenticator.keyuri(account, issuer, secret);
}

/** The code an authenticator app shows at `now`. */
export function currentTotp(secret: string, now: Date): string {
  return authenticatorAt(now).generate(secret);
}

export type TotpResult = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Checks a code typed by the user. Accepts the current step's code or its neighbours', and returns
 * the step that matched: the caller stores it as the new `lastAcceptedStep`. A step at or before
 * `lastAcceptedStep` is refused, so a code (seen over a shoulder, or replayed from a captured request)
 * works at most once even while it is still within its window, and after a code was used, older
 * codes are refused too.
 */
export function verifyTotp(secret: string, code: string, lastAcceptedStep: number | null, now: Date): TotpResult {
  // Apps show "123 456"; people also paste it with other spaces. Anything else but 6 digits is wrong.
  const token = code.replace(/\s+/gu, '');
  if (!/^[0-9]{6}$/.test(token)) return { ok: false, reason: 'invalid' };
  let delta: number | null;
  try {
    delta = authenticatorAt(now).checkDelta(token, secret);
  } catch {
    // A secret that is not valid base32 cannot match anything.
    return { ok: false, reason: 'invalid' };
  }
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totpStep(now) + delta;
  if (lastAcceptedStep !== null && step <= lastAcceptedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step };
}
