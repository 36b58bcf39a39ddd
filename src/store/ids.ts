import { randomBuffer, randomView } from '../crypto/random-pool.ts';

let lastMs = 0;
let sequence = 0;

/**
 * UUID version 7: time-ordered, so new rows land at the end of the primary-key index instead of at
 * random places (fewer page splits, faster inserts at a million rows), and listing by id is listing
 * by age. Within one process ids are strictly increasing: the 12 bits after the version are a
 * sequence within the millisecond (RFC 9562, section 6.2, method 1), and a clock that stands still
 * or goes back reuses the last millisecond.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    sequence = 0;
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      sequence = 0;
    }
  }
  const bytes = randomBuffer(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Crockford's base 32 without I, L, O, U: nothing to confuse when read aloud or copied from an SMS. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short random reference such as "7K3Q-9XDM" (40 bits). Uniqueness is enforced by the database. */
export function newReference(): string {
  const bytes = randomView(8);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out += ALPHABET[(bytes[i] ?? 0) & 31];
    if (i === 3) out += '-';
  }
  return out;
}
