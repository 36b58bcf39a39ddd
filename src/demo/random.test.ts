import { describe, expect, it } from 'vitest';
import { createPermutation, createRandom } from './random.ts';

describe('createRandom', () => {
  it('is deterministic and stays in range', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const first = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(first);
    const other = createRandom(124);
    expect(Array.from({ length: 100 }, () => other.uint32())).not.toEqual(first);
    const r = createRandom(5);
    for (let i = 0; i < 10_000; i++) {
      const v = r.int(3, 9);
      expect(v >= 3 && v <= 9 && Number.isInteger(v)).toBe(true);
    }
  });

  it('weighted draws follow the weights', () => {
    const r = createRandom(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[r.weightedPick(['a', 'b', 'c'] as const, [1, 2, 0])] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(1.8);
    expect(counts.b / counts.a).toBeLessThan(2.2);
  });

  it('permutations are bijections', () => {
    const permute = createPermutation(1000, 99);
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => permute(i)));
    expect(seen.size).toBe(1000);
    expect(Math.max(...seen)).toBe(999);
    // The phone number space: every one of the million subscriber numbers exactly once.
    const million = createPermutation(1_000_000, 7);
    const hit = new Uint8Array(1_000_000);
    for (let i = 0; i < 1_000_000; i++) hit[million(i)] = 1;
    expect(hit.every((h) => h === 1)).toBe(true);
  });
});
