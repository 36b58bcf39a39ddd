import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * Cryptographically secure random bytes, drawn from a pool refilled 8 KB at a time: one call into
 * the system generator serves hundreds of IVs and ids instead of one each. The returned view is only
 * valid until the next call: use it at once (cipher IVs are copied by createCipheriv) or copy it.
 */
export function randomView(size: number): Buffer {
  if (size > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} random bytes at a time`);
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const view = pool.subarray(offset, offset + size);
  offset += size;
  return view;
}

/** A fresh buffer of random bytes (a copy, safe to keep). */
export function randomBuffer(size: number): Buffer {
  return Buffer.from(randomView(size));
}
