import { describe, expect, it } from 'vitest';
import { newReference, uuidv7 } from './ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REFERENCE = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}$/;

/** The 48-bit millisecond timestamp at the start of a UUIDv7. */
const timestampOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

function expectStrictlyIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) {
    const previous = ids[i - 1] ?? '';
    const current = ids[i] ?? '';
    if (!(previous < current)) expect.fail(`id ${i} (${current}) is not after id ${i - 1} (${previous})`);
  }
}

describe('uuidv7', () => {
  it('has the UUID version 7 layout (version 7, variant 10xx)', () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      expect(id).toMatch(UUID_V7);
      const variant = parseInt(id.charAt(19), 16);
      expect(variant >> 2).toBe(0b10);
    }
  });

  it('is strictly increasing with the real clock', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expectStrictlyIncreasing(ids);
    expect(Math.abs(timestampOf(ids[0] ?? '') - Date.now())).toBeLessThan(60_000);
  });

  it('starts with the timestamp it is given', () => {
    const at = Date.UTC(2030, 0, 1);
    const id = uuidv7(at);
    expect(timestampOf(id)).toBe(at);
  });

  it('is strictly increasing with the same timestamp given 10,000 times', () => {
    const at = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(at));
    expectStrictlyIncreasing(ids);
    expect(new Set(ids).size).toBe(10_000);
    // Beyond 4096 ids in one millisecond, the next milliseconds are borrowed, not skipped far ahead.
    expect(timestampOf(ids.at(-1) ?? '')).toBeLessThanOrEqual(at + 3);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('is strictly increasing when the clock goes backwards', () => {
    const at = Date.UTC(2032, 0, 1);
    const ids = [uuidv7(at), uuidv7(at - 1000), uuidv7(at - 60_000), uuidv7(at), uuidv7(at - 1), uuidv7(at + 1), uuidv7(at)];
    expectStrictlyIncreasing(ids);
  });

});

describe('newReference', () => {
  it('reads XXXX-XXXX in Crockford base 32 without I, L, O, U', () => {
    for (let i = 0; i < 10_000; i++) {
      const reference = newReference();
      expect(reference).toMatch(REFERENCE);
      expect(reference).not.toMatch(/[ILOU]/);
    }
  });

  it('uses every letter of the alphabet', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => newReference().replace('-', '')).join(''));
    expect(seen.size).toBe(32);
  });

  it('gives 100,000 references that are almost all different', () => {
    const references = Array.from({ length: 100_000 }, () => newReference());
    const duplicates = references.length - new Set(references).size;
    // 40 bits: about n²/2^41 ≈ 0.005 collisions expected for 100,000 draws; a few are tolerated.
    expect(duplicates).toBeLessThanOrEqual(3);
  });
});
