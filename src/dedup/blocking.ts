import type { PreparedRecord } from './prepared-record.ts';

/**
 * Blocking: which pairs are worth comparing. Comparing every pair of a million records is 5 * 10^11
 * comparisons; instead each rule gives every record a few keys, and only records sharing a key are
 * compared. Rules are chosen so that a true duplicate usually shares at least one key despite typos,
 * spelling variants, swapped names, a missing date or a wrong phone digit; a pair found by several
 * rules is compared once (by the first rule that finds it).
 */
export interface BlockingRule {
  name: string;
  keys: (r: PreparedRecord) => string[];
}

function nameTokens(r: PreparedRecord): string[] {
  return [...new Set([...r.given.canonical, ...r.family.canonical])];
}

function phoneticTokens(r: PreparedRecord): string[] {
  return [...new Set([...r.given.phonetic, ...r.family.phonetic])];
}

/** The phone with one digit left out, for each position: two numbers one digit apart share one of these. */
function deletionVariants(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) out.push(`${text.slice(0, i)}_${text.slice(i + 1)}`);
  return out;
}

export const DEFAULT_RULES: readonly BlockingRule[] = [
  { name: 'national id', keys: (r) => (r.nationalId ? [r.nationalId] : []) },
  { name: 'phone', keys: (r) => (r.phone8 ? [r.phone8] : []) },
  { name: 'birth date', keys: (r) => (r.record.birthDate ? [r.record.birthDate] : []) },
  // Any name token (given or family, so swapped names still meet) with the birth year.
  { name: 'name token + birth year', keys: (r) => (r.record.birthYear ? nameTokens(r).map((t) => `${t}|${r.record.birthYear}`) : []) },
  // Both names, in any order and field, whatever the birth date (missing or mistyped years).
  {
    name: 'name pair',
    keys: (r) => {
      const tokens = nameTokens(r).sort();
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) keys.push(`${tokens[i]}|${tokens[j]}`);
      return keys;
    },
  },
  // Sounds alike: phonetic codes of the names, pairwise.
  {
    name: 'phonetic pair',
    keys: (r) => {
      const codes = phoneticTokens(r).sort();
      const keys: string[] = [];
      for (let i = 0; i < codes.length; i++) for (let j = i + 1; j < codes.length; j++) keys.push(`${codes[i]}|${codes[j]}`);
      return keys;
    },
  },
  // Any name token with the home area: the same person's other name or date may be mistyped.
  { name: 'name token + area', keys: (r) => (r.record.area ? nameTokens(r).map((t) => `${t}|${r.record.area}`) : []) },
  // One name whole, the other by its first two letters (typos late in a name are the common ones).
  {
    name: 'name + other initials',
    keys: (r) => {
      const keys: string[] = [];
      for (const g of r.given.canonical) for (const f of r.family.canonical) keys.push(`${f}|${g.slice(0, 2)}`, `${g}|${f.slice(0, 2)}`);
      return keys;
    },
  },
  { name: 'phone one digit off', keys: (r) => (r.phone8 ? deletionVariants(r.phone8) : []) },
  { name: 'id one character off', keys: (r) => (r.nationalId && r.nationalId.length >= 5 ? deletionVariants(r.nationalId) : []) },
];

export interface BlockingOptions {
  rules?: readonly BlockingRule[];
  /**
   * Blocks larger than this are skipped for that rule: a key shared by thousands of records (a very
   * common name in one birth year) says little, and comparing all its pairs would dominate the run.
   * Other rules still pair those records.
   */
  maxBlockSize?: number;
}

export interface BlockingStats {
  rule: string;
  blocks: number;
  skippedBlocks: number;
  pairs: number;
}

/**
 * The blocks of every rule over a set of records. Visits each candidate pair once and tells whether
 * any pair is a candidate. Memory stays proportional to the records, not to the pairs: a pair found
 * by an earlier rule is recognised from the records' keys, not by remembering pairs.
 */
export class CandidatePairs {
  private readonly rules: readonly BlockingRule[];
  private readonly maxBlock: number;
  /** keysOf[rule][record]: the record's keys for the rule (arrays: a million records must stay light). */
  private readonly keysOf: string[][][];
  private readonly blocks: Array<Map<string, number[]>>;

  constructor(records: readonly PreparedRecord[], options: BlockingOptions = {}) {
    this.rules = options.rules ?? DEFAULT_RULES;
    this.maxBlock = options.maxBlockSize ?? 100;
    this.keysOf = this.rules.map(() => []);
    this.blocks = this.rules.map(() => new Map<string, number[]>());
    this.rules.forEach((rule, r) => {
      const keysOfRule = this.keysOf[r] as string[][];
      const blocks = this.blocks[r] as Map<string, number[]>;
      records.forEach((record, i) => {
        const keys = [...new Set(rule.keys(record))];
        keysOfRule[i] = keys;
        for (const key of keys) {
          let block = blocks.get(key);
          if (!block) blocks.set(key, (block = []));
          block.push(i);
        }
      });
      for (const [key, block] of blocks) if (block.length < 2) blocks.delete(key);
    });
  }

  /** Calls `visit(i, j)` once for each candidate pair (i < j within a block). */
  forEach(visit: (i: number, j: number) => void): BlockingStats[] {
    return this.rules.map((rule, r) => {
      const stat: BlockingStats = { rule: rule.name, blocks: 0, skippedBlocks: 0, pairs: 0 };
      for (const [key, block] of this.blocks[r] as Map<string, number[]>) {
        if (block.length > this.maxBlock) {
          stat.skippedBlocks += 1;
          continue;
        }
        stat.blocks += 1;
        for (let a = 0; a < block.length; a++) {
          const i = block[a] as number;
          for (let b = a + 1; b < block.length; b++) {
            const j = block[b] as number;
            if (this.firstJoin(i, j, r) !== key) continue;
            stat.pairs += 1;
            visit(i, j);
          }
        }
      }
      return stat;
    });
  }

  /** Whether blocking makes (i, j) a candidate pair. */
  isCandidate(i: number, j: number): boolean {
    for (let r = 0; r < this.rules.length; r++) if (this.firstJoin(i, j, r) !== undefined) return true;
    return false;
  }

  /**
   * The key by which rule `upTo` joins the pair, unless an earlier rule already joins it (then the
   * empty string, which no block has): a pair belongs to the first rule that joins it in a usable
   * (small enough) block, and within that rule to its smallest such key.
   */
  private firstJoin(i: number, j: number, upTo: number): string | undefined {
    for (let r = 0; r <= upTo; r++) {
      const ki = this.keysOf[r]?.[i];
      const kj = this.keysOf[r]?.[j];
      if (!ki || !kj) continue;
      let best: string | undefined;
      for (const key of ki) {
        if (!kj.includes(key) || ((this.blocks[r] as Map<string, number[]>).get(key)?.length ?? 0) > this.maxBlock) continue;
        if (best === undefined || key < best) best = key;
      }
      if (best !== undefined) return r < upTo ? '' : best;
    }
    return undefined;
  }
}
