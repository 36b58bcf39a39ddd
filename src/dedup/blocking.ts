import type { NameKeys } from './levels.ts';
import type { PreparedRecord } from './prepared-record.ts';

/**
 * Blocking: which pairs are worth comparing. Comparing every pair of a million records is 5 * 10^11
 * comparisons; instead each rule gives every record a few keys, and only records sharing a key are
 * compared. Rules are chosen so that a true duplicate usually shares at least one key despite typos,
 * spelling variants, swapped names, a missing date or a wrong phone digit.
 *
 * A key shared by too many records (a common name in one birth year, in a registry of a million) says
 * little and would flood the comparison with pairs. Such a block is not dropped but split by the
 * rule's refinements, one after the other (region, birth year, department): the pairs that remain are
 * those that also agree on what the refinement adds, which is what a true duplicate usually does. Only
 * a block still too large after every refinement is skipped.
 *
 * Keys are 30-bit hashes, not strings: a million records make tens of millions of keys, and building
 * and hashing strings would dominate the run. Two different keys with the same hash (a few keys in a
 * thousand at a million records) only put a few more pairs in one block; no pair is lost.
 */
export interface BlockingRule {
  name: string;
  /** Calls `emit` with each key of the record (rules are blocked one at a time, so keys of two rules never mix). */
  keys: (r: BlockingFeatures, emit: (key: number) => void) => void;
  /**
   * Attributes that split an oversized block, in order. A record may fall in several parts (a year
   * that is only an estimate), or in none (null: it has no such attribute).
   */
  refine?: ReadonlyArray<(r: BlockingFeatures) => RefineValue>;
}

export type RefineValue = number | null | readonly number[];

/** Hashes of one name (shared by every record with that name: names repeat a lot). */
export interface NameHashes {
  /** Of the canonical tokens. */
  readonly canonical: readonly number[];
  /** Of the first two letters of each canonical token. */
  readonly initials: readonly number[];
  /** Of the phonetic codes. */
  readonly phonetic: readonly number[];
}

/**
 * What the rules read from a record, as hashes and numbers, computed once per record. Kept small: a
 * million of these are alive during blocking, and allocation is what costs most at that scale.
 */
export interface BlockingFeatures {
  given: NameHashes;
  family: NameHashes;
  birthDate: number | null;
  birthYear: number | null;
  /** Whether the year is only a year (no day and month): such years count for the years either side. */
  yearOnly: boolean;
  area: number | null;
  region: number | null;
  district: number | null;
  phone8: string | null;
  nationalId: string | null;
}

// --- hashing (MurmurHash3's mixing steps, 32-bit) ---------------------------------------------------

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // 30 bits: small integers stay unboxed in V8, where 32-bit values would allocate a heap number each.
  return h >>> 2;
}

function hashString(text: string, seed = 0x2545f491): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return finish(mix(h, text.length));
}

const stringHashes = new Map<string, number>();
/** Hash of a name token or an area code: few distinct values, each hashed once (bounded memo). */
function hashOf(text: string): number {
  let h = stringHashes.get(text);
  if (h === undefined) {
    if (stringHashes.size >= 500_000) stringHashes.clear();
    h = hashString(text);
    stringHashes.set(text, h);
  }
  return h;
}

const key2 = (a: number, b: number): number => finish(mix(mix(0x1b873593, a), b));
/** The key of an unordered pair of hashes. */
const pairKey = (a: number, b: number): number => (a < b ? key2(a, b) : key2(b, a));

const NO_NAME: NameHashes = { canonical: [], initials: [], phonetic: [] };
const nameHashes = new Map<number, NameHashes>();

function hashesOf(keys: NameKeys): NameHashes {
  if (keys.tokens.length === 0) return NO_NAME;
  const compute = (): NameHashes => ({
    canonical: keys.canonical.map(hashOf),
    initials: keys.canonical.map((t) => hashOf(t.slice(0, 2))),
    phonetic: keys.phonetic.map(hashOf),
  });
  if (keys.id === undefined) return compute();
  let hashes = nameHashes.get(keys.id);
  if (hashes === undefined) {
    if (nameHashes.size >= 500_000) nameHashes.clear();
    hashes = compute();
    nameHashes.set(keys.id, hashes);
  }
  return hashes;
}

export function blockingFeatures(r: PreparedRecord): BlockingFeatures {
  return {
    given: hashesOf(r.given),
    family: hashesOf(r.family),
    birthDate: r.birth?.dateText ? hashOf(r.birth.dateText) : null,
    birthYear: r.record.birthYear,
    yearOnly: r.birth?.dateText == null,
    area: r.record.area === null ? null : hashOf(r.record.area),
    region: r.region === null ? null : hashOf(r.region),
    district: r.district === null ? null : hashOf(r.district),
    phone8: r.phone8,
    nationalId: r.nationalId,
  };
}

/** Every pair of values from a and b together (given and family name tokens, in any field). */
function emitPairs(a: readonly number[], b: readonly number[], emit: (key: number) => void): void {
  const n = a.length + b.length;
  for (let i = 0; i < n; i++) {
    const x = (i < a.length ? a[i] : b[i - a.length]) as number;
    for (let j = i + 1; j < n; j++) {
      const y = (j < a.length ? a[j] : b[j - a.length]) as number;
      if (x !== y) emit(pairKey(x, y));
    }
  }
}

/**
 * The text with one character left out, for each position (the position is part of the key): two
 * strings one character apart share one. Hashed without building the shortened strings.
 */
function emitDeletions(text: string, emit: (key: number) => void): void {
  for (let skip = 0; skip < text.length; skip++) {
    let h = mix(0x5bd1e995, skip);
    for (let i = 0; i < text.length; i++) if (i !== skip) h = mix(h, text.charCodeAt(i));
    emit(finish(mix(h, text.length)));
  }
}

/**
 * The birth year; a year given alone (often worked out from an age) also counts for the years either
 * side, so that 1990-12-30 and "1991" still meet.
 */
const byYear = (r: BlockingFeatures): RefineValue => (r.birthYear === null ? null : r.yearOnly ? [r.birthYear - 1, r.birthYear, r.birthYear + 1] : r.birthYear);
const byRegion = (r: BlockingFeatures) => r.region;
/** A department rather than the exact area: one registration may give the commune, another only the department. */
const byDistrict = (r: BlockingFeatures) => r.district;

export const DEFAULT_RULES: readonly BlockingRule[] = [
  {
    name: 'national id',
    keys: (r, emit) => {
      if (r.nationalId) emit(hashString(r.nationalId));
    },
  },
  {
    name: 'phone',
    keys: (r, emit) => {
      if (r.phone8) emit(hashString(r.phone8));
    },
  },
  {
    name: 'birth date',
    keys: (r, emit) => {
      if (r.birthDate !== null) emit(r.birthDate);
    },
    refine: [byRegion, byDistrict],
  },
  // Both names, in any order and field, whatever the birth date (missing or mistyped years).
  { name: 'name pair', keys: (r, emit) => emitPairs(r.given.canonical, r.family.canonical, emit), refine: [byRegion, byYear, byDistrict] },
  // Sounds alike: phonetic codes of the names, pairwise.
  { name: 'phonetic pair', keys: (r, emit) => emitPairs(r.given.phonetic, r.family.phonetic, emit), refine: [byRegion, byYear, byDistrict] },
  // Any name token with the home area: the same person's other name or date may be mistyped.
  {
    name: 'name token + area',
    keys: (r, emit) => {
      if (r.area === null) return;
      for (const t of r.given.canonical) emit(key2(t, r.area));
      for (const t of r.family.canonical) emit(key2(t, r.area));
    },
    refine: [byYear],
  },
  // One name whole, the other by its first two letters (typos late in a name are the common ones).
  {
    name: 'name + other initials',
    keys: (r, emit) => {
      const { given, family } = r;
      for (let g = 0; g < given.canonical.length; g++) {
        for (let f = 0; f < family.canonical.length; f++) {
          emit(key2(family.canonical[f] as number, given.initials[g] as number));
          emit(key2(given.canonical[g] as number, family.initials[f] as number));
        }
      }
    },
    refine: [byRegion, byYear, byDistrict],
  },
  {
    name: 'phone one digit off',
    keys: (r, emit) => {
      if (r.phone8) emitDeletions(r.phone8, emit);
    },
  },
  {
    name: 'id one character off',
    keys: (r, emit) => {
      if (r.nationalId && r.nationalId.length >= 5) emitDeletions(r.nationalId, emit);
    },
  },
];

export interface BlockingOptions {
  rules?: readonly BlockingRule[];
  /** Blocks larger than this are split by the rule's refinements, or skipped when none is left. */
  maxBlockSize?: number;
}

export interface BlockingStats {
  rule: string;
  /** Blocks compared (after splitting). */
  blocks: number;
  /** Oversized blocks split by a refinement. */
  refinedBlocks: number;
  /** Blocks still too large after every refinement, not compared. */
  skippedBlocks: number;
  /** Pairs of the rule's blocks (a pair several rules find counts in each). */
  pairs: number;
}

/** Pair (i, j), i < j, as one number: i * 2^26 + j (exact in a double for up to 67 million records). */
const SHIFT = 2 ** 26;
export const PAIR_SHIFT = SHIFT;
export const MAX_BLOCKING_RECORDS = SHIFT;
export const DEFAULT_MAX_BLOCK_SIZE = 15;

/**
 * The candidate pairs of a set of records: every pair sharing a usable block of any rule, each once,
 * in a sorted array of numbers (8 bytes a pair). Rules are applied one at a time; memory stays
 * proportional to the records, their keys and the pairs.
 */
export class CandidatePairs {
  /** Sorted, distinct pair codes. */
  private readonly codes: Float64Array;
  readonly stats: readonly BlockingStats[];

  constructor(records: readonly PreparedRecord[], options: BlockingOptions = {}) {
    if (records.length > MAX_BLOCKING_RECORDS) throw new Error(`blocking handles at most ${MAX_BLOCKING_RECORDS} records`);
    const rules = options.rules ?? DEFAULT_RULES;
    const maxBlock = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
    const features = records.map(blockingFeatures);
    const out = new PairBuffer();
    const keys = new KeyBuffer();
    this.stats = rules.map((rule) => {
      const stat: BlockingStats = { rule: rule.name, blocks: 0, refinedBlocks: 0, skippedBlocks: 0, pairs: 0 };
      keys.clear();
      let owner = 0;
      const emit = (key: number): void => keys.add(key, owner);
      for (; owner < features.length; owner++) rule.keys(features[owner] as BlockingFeatures, emit);
      const refine = rule.refine ?? [];
      const visit = (block: ArrayLike<number>, depth: number): void => {
        if (block.length < 2) return;
        if (block.length <= maxBlock) {
          stat.blocks += 1;
          stat.pairs += (block.length * (block.length - 1)) / 2;
          out.addBlock(block);
          return;
        }
        const attribute = refine[depth];
        if (attribute === undefined) {
          stat.skippedBlocks += 1;
          return;
        }
        stat.refinedBlocks += 1;
        const parts = new Map<number, number[]>();
        for (let k = 0; k < block.length; k++) {
          const i = block[k] as number;
          const value = attribute(features[i] as BlockingFeatures);
          if (value === null) continue;
          for (const v of typeof value === 'number' ? [value] : value) {
            const part = parts.get(v);
            if (part) part.push(i);
            else parts.set(v, [i]);
          }
        }
        for (const part of parts.values()) visit(part, depth + 1);
      };
      keys.forEachBlock((block) => visit(block, 0));
      return stat;
    });
    this.codes = out.sortedUnique(records.length);
  }

  get size(): number {
    return this.codes.length;
  }

  /** Calls `visit(i, j)` once for each candidate pair, i < j, in order. */
  forEach(visit: (i: number, j: number) => void): void {
    for (const code of this.codes) {
      const i = Math.floor(code / SHIFT);
      visit(i, code - i * SHIFT);
    }
  }

  /** The k-th candidate pair. */
  pairAt(k: number): [number, number] {
    return pairOfCode(this.codes[k] as number);
  }

  /** The sorted pair codes (i * PAIR_SHIFT + j, i < j), read-only. */
  pairCodes(): Float64Array {
    return this.codes;
  }

  /** The sorted pair codes in memory that worker threads can read without a copy each. */
  sharedCodes(): Float64Array {
    const shared = new Float64Array(new SharedArrayBuffer(this.codes.byteLength));
    shared.set(this.codes);
    return shared;
  }

  /** Whether blocking makes (i, j) a candidate pair (binary search). */
  isCandidate(i: number, j: number): boolean {
    const code = Math.min(i, j) * SHIFT + Math.max(i, j);
    let lo = 0;
    let hi = this.codes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.codes[mid] as number;
      if (value === code) return true;
      if (value < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** The pair (i, j) that a code of CandidatePairs stands for. */
export function pairOfCode(code: number): [number, number] {
  const i = Math.floor(code / SHIFT);
  return [i, code - i * SHIFT];
}

/** (key, record) entries of one rule, grouped into blocks by a radix sort on the key. */
class KeyBuffer {
  private keys = new Uint32Array(1 << 16);
  private owners = new Uint32Array(1 << 16);
  private length = 0;

  clear(): void {
    this.length = 0;
  }

  add(key: number, owner: number): void {
    if (this.length === this.keys.length) {
      const keys = new Uint32Array(this.keys.length * 2);
      const owners = new Uint32Array(this.keys.length * 2);
      keys.set(this.keys);
      owners.set(this.owners);
      this.keys = keys;
      this.owners = owners;
    }
    this.keys[this.length] = key;
    this.owners[this.length++] = owner;
  }

  /**
   * Calls `visit` with the records of each key shared by at least two of them, each record once, in
   * increasing order. The block is a view valid only during the call.
   */
  forEachBlock(visit: (block: Uint32Array) => void): void {
    const n = this.length;
    const order = radixOrder(this.keys.subarray(0, n));
    const sortedKeys = new Uint32Array(n);
    const owners = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const at = order[k] as number;
      sortedKeys[k] = this.keys[at] as number;
      owners[k] = this.owners[at] as number;
    }
    let start = 0;
    while (start < n) {
      const key = sortedKeys[start];
      // Records were added in increasing order and the sort is stable: a block's records are in
      // increasing order, and a record that gave the same key twice appears twice in a row.
      let end = start + 1;
      let repeated = false;
      while (end < n && sortedKeys[end] === key) {
        if (owners[end] === owners[end - 1]) repeated = true;
        end++;
      }
      if (end - start >= 2) {
        let block = owners.subarray(start, end);
        if (repeated) block = block.filter((owner, k) => k === 0 || owner !== block[k - 1]);
        if (block.length >= 2) visit(block);
      }
      start = end;
    }
  }
}

/** Positions of `keys` in increasing key order, stable (LSD radix sort, two 16-bit passes). */
function radixOrder(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let order = new Uint32Array(n);
  let next = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (let i = 0; i < n; i++) {
      const bucket = (((keys[i] as number) >>> shift) & 0xffff) + 1;
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    for (let b = 0; b < 65536; b++) counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
    for (let i = 0; i < n; i++) {
      const item = order[i] as number;
      const bucket = ((keys[item] as number) >>> shift) & 0xffff;
      next[counts[bucket] as number] = item;
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** A growable array of pair codes. */
class PairBuffer {
  private data = new Float64Array(1 << 16);
  private length = 0;

  addBlock(block: ArrayLike<number>): void {
    const needed = this.length + (block.length * (block.length - 1)) / 2;
    if (needed > this.data.length) {
      const bigger = new Float64Array(Math.max(needed, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    for (let a = 0; a < block.length; a++) {
      const x = block[a] as number;
      for (let b = a + 1; b < block.length; b++) {
        const y = block[b] as number;
        this.data[this.length++] = x < y ? x * SHIFT + y : y * SHIFT + x;
      }
    }
  }

  /** The distinct codes, sorted (see sortedUniqueCodes); the buffer is used up. */
  sortedUnique(records: number): Float64Array {
    return sortedUniqueCodes(this.data.subarray(0, this.length), records);
  }
}

/** Below this many, a record's partners are sorted by insertion (most records have a few dozen). */
const INSERTION_SORT_MAX = 48;

/**
 * The distinct pair codes of `codes` in increasing order, for pairs of records below `records`. A
 * counting sort on the first record of each pair, then a small sort of each record's partners: linear
 * in the codes, where sorting tens of millions of doubles took several seconds at a million records.
 * `codes` is overwritten (the result is copied out of it).
 */
export function sortedUniqueCodes(codes: Float64Array, records: number): Float64Array {
  const n = codes.length;
  const starts = new Int32Array(records + 1);
  for (let k = 0; k < n; k++) {
    const first = Math.floor((codes[k] as number) / SHIFT);
    starts[first + 1] = (starts[first + 1] as number) + 1;
  }
  for (let i = 0; i < records; i++) starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number);
  const next = starts.slice(0, records);
  const partners = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const code = codes[k] as number;
    const first = Math.floor(code / SHIFT);
    const at = next[first] as number;
    partners[at] = code - first * SHIFT;
    next[first] = at + 1;
  }
  let out = 0;
  for (let i = 0; i < records; i++) {
    const from = starts[i] as number;
    const to = starts[i + 1] as number;
    if (to - from > INSERTION_SORT_MAX) partners.subarray(from, to).sort();
    else {
      for (let k = from + 1; k < to; k++) {
        const j = partners[k] as number;
        let m = k - 1;
        while (m >= from && (partners[m] as number) > j) {
          partners[m + 1] = partners[m] as number;
          m--;
        }
        partners[m + 1] = j;
      }
    }
    let last = -1;
    for (let k = from; k < to; k++) {
      const j = partners[k] as number;
      if (j !== last) codes[out++] = i * SHIFT + j;
      last = j;
    }
  }
  return codes.slice(0, out);
}
