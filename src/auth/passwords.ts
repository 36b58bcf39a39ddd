import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

/**
 * `Algorithm` is declared as an ambient `const enum`, which `isolatedModules`/`verbatimModuleSyntax`
 * forbid us to read at runtime (and the package exports it as an empty object anyway), so the
 * numeric value is written out: 2 is `Algorithm.Argon2id` in @node-rs/argon2 2.x. The type
 * annotation makes the compiler check that 2 still is a member, and a test checks that hashes begin
 * with `$argon2id$`.
 */
const ARGON2ID: Algorithm = 2;

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 passes, 1 lane. */
const HASH_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Passwords are normalised to NFC before hashing and verifying: the same "é" typed on a phone and
 * on a laptop may arrive precomposed or as "e" + combining accent, and must give the same hash.
 */
function normalise(password: string): string {
  return password.normalize('NFC');
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalise(password), HASH_OPTIONS);
}

/** False for a wrong password and also for a malformed or unsupported hash: never throws. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, normalise(password));
  } catch {
    return false;
  }
}

let dummyHashPromise: Promise<string> | undefined;

/**
 * A valid argon2id hash, with the same parameters as real ones, of a random string nobody knows.
 * Computed on first use (not at import, so commands that never sign anyone in pay nothing) and then
 * shared. It is a memoised promise rather than a string constant because hashing is asynchronous.
 */
export function dummyHash(): Promise<string> {
  if (!dummyHashPromise) {
    const pending = hash(randomBytes(32).toString('base64url'), HASH_OPTIONS);
    dummyHashPromise = pending;
    // A failed computation must not be cached for ever: forget it so the next sign-in retries.
    pending.catch(() => {
      if (dummyHashPromise === pending) dummyHashPromise = undefined;
    });
  }
  return dummyHashPromise;
}

/**
 * Runs a full argon2id verification for a sign-in with an unknown username, so that it takes as long
 * as one with a known username and the response time does not reveal which usernames exist.
 * Always false: the dummy's plain text is random and discarded.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(await dummyHash(), password);
  return false;
}

export type PasswordProblem =
  | 'password_too_short'
  | 'password_too_long'
  | 'password_common'
  | 'password_contains_username'
  | 'password_repetitive';

export interface PasswordContext {
  username: string;
  displayName?: string;
}

let commonPasswords: Set<string> | undefined;

/**
 * The ~49k common passwords of zxcvbn-ts, lower-cased, in a Set. Loaded synchronously on first use
 * (createRequire, since the package is CommonJS) so that `passwordProblem` stays synchronous and
 * modules that import this file without checking passwords do not load the list.
 */
function commonPasswordSet(): Set<string> {
  if (!commonPasswords) {
    const require = createRequire(import.meta.url);
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    commonPasswords = new Set(dictionary.passwords.map((word) => word.toLowerCase()));
  }
  return commonPasswords;
}

/** Trailing digits, punctuation, symbols and spaces: the "1", "2024!" people add to a common word. */
const TRAILING_DECORATION = /[\p{N}\p{P}\p{S}\p{Z}]+$/u;
/** Below this, the stripped stem is too short a word to judge ("abc" + digits is not "abc"). */
const MIN_COMMON_STEM = 6;

function isCommon(lower: string): boolean {
  const common = commonPasswordSet();
  if (common.has(lower)) return true;
  const stem = lower.replace(TRAILING_DECORATION, '');
  return stem !== lower && [...stem].length >= MIN_COMMON_STEM && common.has(stem);
}

/** The code point after `codePoint` in an obvious sequence: next letter or digit, with "9" followed by "0". */
function successor(codePoint: number): number {
  return codePoint === 0x39 /* 9 */ ? 0x30 /* 0 */ : codePoint + 1;
}

/**
 * A single character repeated ("aaaaaaaaaaaa"), a short block repeated ("abcabcabcabc",
 * "121212121212"), or a run of consecutive letters or digits up or down ("abcdefghij",
 * "1234567890", "9876543210"): patterns guessers try first, whatever their length.
 */
function isRepetitive(codePoints: readonly string[]): boolean {
  const n = codePoints.length;
  for (let block = 1; block <= 3 && block < n; block++) {
    if (codePoints.every((c, i) => i < block || c === codePoints[i - block])) return true;
  }
  const values = codePoints.map((c) => c.codePointAt(0) ?? 0);
  const isAlnum = codePoints.every((c) => /^[a-z0-9]$/.test(c));
  if (!isAlnum || n < 2) return false;
  const ascending = values.every((v, i) => i === 0 || v === successor(values[i - 1] ?? -1));
  const descending = values.every((v, i) => i === 0 || successor(v) === values[i - 1]);
  return ascending || descending;
}

/** Name parts shorter than this are not searched for: "Ali" or "Ada" occur inside too many words. */
const MIN_NAME_PART = 4;
const MIN_USERNAME = 3;

function containsPersonalName(lower: string, context: PasswordContext): boolean {
  const username = normalise(context.username).toLowerCase().trim();
  if ([...username].length >= MIN_USERNAME && lower.includes(username)) return true;
  const nameParts = normalise(context.displayName ?? '')
    .toLowerCase()
    .split(/[\s\p{P}]+/u)
    .filter((part) => [...part].length >= MIN_NAME_PART);
  return nameParts.some((part) => lower.includes(part));
}

/**
 * Checks a new password against the policy (NIST SP 800-63B style: length and a blocklist, no
 * composition rules). Returns the first problem found, in this order: length, repetition, common,
 * personal name; or null when the password is acceptable. Pure apart from loading the common list once.
 */
export function passwordProblem(password: string, context: PasswordContext): PasswordProblem | null {
  const normalised = normalise(password);
  const codePoints = [...normalised];
  if (codePoints.length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (codePoints.length > PASSWORD_MAX_LENGTH) return 'password_too_long';
  const lower = normalised.toLowerCase();
  if (isRepetitive([...lower])) return 'password_repetitive';
  if (isCommon(lower)) return 'password_common';
  if (containsPersonalName(lower, context)) return 'password_contains_username';
  return null;
}
