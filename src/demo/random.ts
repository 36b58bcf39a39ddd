/**
 * Small, fast, seeded randomness for the demo generator: sfc32 (128-bit state, seeded through
 * splitmix32), weighted tables with binary search, and keyed bijective permutations of [0, size)
 * (a Feistel network with cycle walking) used to draw phone numbers and ID numbers without
 * repetition and without remembering which were used.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Element of a prebuilt weighted table (binary search: for hot paths). */
  weighted<T>(table: WeightedTable<T>): T;
  /** Element drawn in proportion to `weights` (a linear scan: for one-off draws). */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

export interface WeightedTable<T> {
  readonly items: readonly T[];
  /** Running totals of the weights; the last one is the total. */
  readonly cumulative: Float64Array;
}

/** 32-bit mixing function (the finaliser of MurmurHash3). */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createRandom(seed: number): Random {
  // splitmix32 spreads any seed (0, 1, 2, ...) over the whole 128-bit sfc32 state.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();

  const next = (): number => uint32() / 4294967296;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    uint32,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<T>(table: WeightedTable<T>): T {
      const cumulative = table.cumulative;
      const target = next() * (cumulative[cumulative.length - 1] ?? 0);
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? 0) > target) hi = mid;
        else lo = mid + 1;
      }
      return table.items[lo] as T;
    },
    weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
      let total = 0;
      for (let i = 0; i < items.length; i++) total += Math.max(0, weights[i] ?? 0);
      if (!(total > 0)) throw new RangeError('weightedPick needs at least one positive weight');
      let target = next() * total;
      for (let i = 0; i < items.length; i++) {
        target -= Math.max(0, weights[i] ?? 0);
        if (target < 0) return items[i] as T;
      }
      return items[items.length - 1] as T;
    },
    chance: (p: number): boolean => next() < p,
  };
}

/** Builds a table for `Random.weighted`. Items of weight 0 are never drawn; at least one weight must be positive. */
export function weightedTable<T>(items: readonly T[], weight: (item: T, index: number) => number): WeightedTable<T> {
  const kept: T[] = [];
  const totals: number[] = [];
  let total = 0;
  items.forEach((item, index) => {
    const w = weight(item, index);
    if (!(w > 0)) return;
    total += w;
    kept.push(item);
    totals.push(total);
  });
  if (kept.length === 0) throw new RangeError('a weighted table needs at least one positive weight');
  return { items: kept, cumulative: Float64Array.from(totals) };
}

/**
 * A keyed bijection of [0, size) onto itself: a balanced Feistel network on the smallest even number
 * of bits that covers `size`, with cycle walking to stay inside the range. permute(0), permute(1), ...
 * never repeat and look random, so a counter becomes a stream of distinct numbers in constant memory.
 */
export function createPermutation(size: number, key: number): (index: number) => number {
  if (!Number.isInteger(size) || size < 2 || size > 2 ** 40) throw new RangeError(`permutation size ${size}`);
  let bits = Math.ceil(Math.log2(size));
  if (bits % 2 === 1) bits += 1;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  const rounds = 6;
  const keys = Array.from({ length: rounds }, (_, round) => mix32(key ^ mix32(round + 0x632be5ab)));
  const once = (value: number): number => {
    let left = Math.floor(value / 2 ** half);
    let right = value % 2 ** half;
    for (let round = 0; round < rounds; round++) {
      const f = mix32(right ^ (keys[round] ?? 0)) & mask;
      const nextRight = (left ^ f) & mask;
      left = right;
      right = nextRight;
    }
    return left * 2 ** half + right;
  };
  return (index: number): number => {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`index ${index} outside [0, ${size})`);
    let value = once(index);
    while (value >= size) value = once(value);
    return value;
  };
}
