import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
const PREFIX = /^[a-z][a-z0-9_]*$/i;

/**
 * A bearer secret such as a session or API token: `<prefix>_<base64url of 32 random bytes>`.
 * The prefix says what kind of token a leaked string is (secret scanners, logs, support) and is
 * not secret; the 256 random bits are.
 */
export function newSecretToken(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`token prefix must be letters, digits and "_": ${JSON.stringify(prefix)}`);
  return `${prefix}_${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/**
 * The form of a token to store and look up: hex SHA-256. A database leak then does not hand out
 * working tokens. No salt and no slow hash (unlike passwords): those only help when the input is
 * guessable, and a token has 256 random bits, which no amount of fast hashing can enumerate. An
 * unsalted, deterministic hash is also what lets us find the row by the token's hash with an index.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Crockford's base32: no I, L, O or U, so nothing is mistaken for 1, 0 or another letter. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ENROLMENT_LENGTH = 12;
const ENROLMENT_GROUP = 4;

/**
 * A one-time code a person can read out or type: 12 Crockford base32 characters (60 random bits) in
 * groups of 4, e.g. "7K3Q-9XDM-2B4F". Each random byte is reduced modulo 32, which is unbiased since
 * 256 is a multiple of 32. 60 bits suffice for a short-lived, single-use code checked online behind
 * rate limits; store it with `hashToken(normaliseEnrolmentCode(code))`.
 */
export function newEnrolmentCode(): string {
  const bytes = randomBytes(ENROLMENT_LENGTH);
  let code = '';
  for (let i = 0; i < ENROLMENT_LENGTH; i++) {
    if (i > 0 && i % ENROLMENT_GROUP === 0) code += '-';
    code += CROCKFORD.charAt((bytes[i] ?? 0) % CROCKFORD.length);
  }
  return code;
}

/**
 * The canonical form of a typed enrolment code, to compare or hash: upper case, without spaces or
 * dashes, with the letters people confuse with digits read as those digits (O → 0, I and L → 1),
 * as Crockford's decoding rules say. "7k3q 9xdm 2b4f" and "7K3Q-9XDM-2B4F" give "7K3Q9XDM2B4F".
 */
export function normaliseEnrolmentCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]+/gu, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}
