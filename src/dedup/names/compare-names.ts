import type { FieldComparison, NameKeys, NameLevel } from '../levels.ts';
import { NAME_LEVELS } from '../levels.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { tokenKeys } from './name-keys.ts';
import type { TokenKeys } from './name-keys.ts';

/**
 * Jaro-Winkler thresholds on nameSimilarity (best token alignment, averaged over the shorter name).
 *
 * Tuned on the Febrl synthetic data sets 1 and 2 only (set 3 is kept for evaluation): for given names
 * and surnames, the true duplicate pairs that are not already exact, alias or phonetic (what the fuzzy
 * levels must still catch: typos that change the sound) against ~1.1 million random pairs of records,
 * as the ratio m/u of the share of true pairs to the share of random pairs in each similarity band
 * (both fields pooled):
 *   [0.92, 1]     8.9% of true pairs, 0.025% of random pairs: m/u ~ 350
 *   [0.88, 0.92)  1.6%,               0.08%:                   m/u ~ 20
 *   [0.84, 0.88)  0.3%,               0.12%:                   m/u ~ 2.5
 *   [0.80, 0.84)  0.3%,               0.21%:                   m/u ~ 1.6 (given names alone: ~0.8)
 *   [0.70, 0.80)  0.3%,               1.8%:                    m/u ~ 0.15
 * So 0.92 is where the evidence jumps. 0.84 is a compromise: the band just above it is weak evidence
 * (m/u ~ 1.2 for given names, ~ 8 for surnames), the band below it none for given names, where random
 * pairs of similar names ("jack"/"jacob", "blake"/"blade") are as common as typos; 0.88 would make a
 * cleaner but smaller level. The fuzzy level as a whole ([0.84, 0.92)) has m/u ~ 10. Set 3, not used
 * for tuning, shows the same steps (m/u ~ 100 and above from 0.92, 20-45 in [0.88, 0.92), ~ 1-3 in
 * [0.84, 0.88) for given names). The model learns each level's weight; the
 * thresholds only decide which pairs share one.
 */
export const FUZZY_HIGH_THRESHOLD = 0.92;
export const FUZZY_THRESHOLD = 0.84;

/** Beyond this many tokens on a side, the alignment is greedy instead of exhaustive. */
const EXHAUSTIVE_TOKENS = 6;

const RANK: Readonly<Record<string, number>> = Object.fromEntries(NAME_LEVELS.map((level, i) => [level, NAME_LEVELS.length - 1 - i]));
/** A missing side is neither agreement nor disagreement: between 'different' and 'initial'. */
const MISSING_RANK = 0.5;

/** How strong a name comparison is, for choosing between straight and crossed fields (see comparePersonNames). */
export function nameComparisonRank(c: FieldComparison): number {
  return rank(c);
}

function rank(c: FieldComparison): number {
  return c.level === 'missing' ? MISSING_RANK : (RANK[c.level] ?? 0);
}

/**
 * The value a name agrees on, for term-frequency lookups: its canonical tokens, sorted so that the
 * order of writing does not matter, joined with a space. Build frequency tables with this function.
 */
export function nameValue(keys: NameKeys): string {
  if (keys.id === undefined) return [...keys.canonical].sort().join(' ');
  let value = nameValues.get(keys.id);
  if (value === undefined) {
    if (nameValues.size >= 500_000) nameValues.clear();
    value = [...keys.canonical].sort().join(' ');
    nameValues.set(keys.id, value);
  }
  return value;
}

const nameValues = new Map<number, string>();

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0] === b[0];
  if (a.length === 2) return (a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]);
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((t, i) => t === y[i]);
}

function level(name: NameLevel, agreedValue?: string): FieldComparison {
  return agreedValue === undefined ? { level: name } : { level: name, agreedValue };
}

function sharesCode(a: readonly string[], b: readonly string[]): boolean {
  for (const code of a) if (b.includes(code)) return true;
  return false;
}

/**
 * Similarity of two tokens: 1 within one alias group, else the better Jaro-Winkler of the written and
 * the canonical forms (a typo of "mohamed" is closer to "mohamed" than to "mahamadou").
 */
function tokenSimilarity(ta: string, x: TokenKeys, tb: string, y: TokenKeys): number {
  if (x.canonical === y.canonical) return 1;
  const plain = x.canonical === ta && y.canonical === tb;
  return Math.max(jaroWinkler(ta, tb), plain ? 0 : jaroWinkler(x.canonical, y.canonical));
}

/** Whether a single letter is the initial of a token (as written or canonical). */
function isInitialOf(letter: string, token: string, canonical: string): boolean {
  return letter.length === 1 && token.length > 1 && (token[0] === letter || canonical[0] === letter);
}

/**
 * Augmenting path for bipartite matching: tries to give row i a column of `adjacency` (rows x cols,
 * flat), moving earlier rows along if needed.
 */
function augment(adjacency: Uint8Array, cols: number, i: number, owner: Int32Array, seen: Uint8Array): boolean {
  for (let j = 0; j < cols; j++) {
    if (seen[j] === 1 || adjacency[i * cols + j] !== 1) continue;
    seen[j] = 1;
    const current = owner[j] ?? -1;
    if (current === -1 || augment(adjacency, cols, current, owner, seen)) {
      owner[j] = i;
      return true;
    }
  }
  return false;
}

/** Whether every row can be paired with a distinct column through `adjacency` (names have few tokens). */
function coversRows(adjacency: Uint8Array, rows: number, cols: number): boolean {
  if (rows > cols) return false;
  const owner = new Int32Array(cols).fill(-1);
  const seen = new Uint8Array(cols);
  for (let i = 0; i < rows; i++) {
    seen.fill(0);
    if (!augment(adjacency, cols, i, owner, seen)) return false;
  }
  return true;
}

/** Best total similarity of rows i.. assigned to distinct unused columns (exhaustive; few tokens). */
function bestFrom(sim: Float64Array, rows: number, cols: number, i: number, used: number): number {
  if (i === rows) return 0;
  let best = 0;
  for (let j = 0; j < cols; j++) {
    if ((used & (1 << j)) !== 0) continue;
    const total = (sim[i * cols + j] ?? 0) + bestFrom(sim, rows, cols, i + 1, used | (1 << j));
    if (total > best) best = total;
  }
  return best;
}

/** Greedy version, for names with many tokens (pasted addresses and the like). */
function bestGreedy(sim: Float64Array, rows: number, cols: number): number {
  const used = new Uint8Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let best = -1;
    let bestJ = -1;
    for (let j = 0; j < cols; j++) {
      const s = sim[i * cols + j] ?? 0;
      if (used[j] === 0 && s > best) [best, bestJ] = [s, j];
    }
    if (bestJ >= 0) used[bestJ] = 1;
    total += Math.max(best, 0);
  }
  return total;
}

/**
 * When the token counts differ, the names written without spaces, compared whole: a space slipped
 * into a name along with a typo ("heu sotn" / "heuston") aligns badly token by token.
 */
function splitSimilarity(a: NameKeys, b: NameKeys): number {
  if (a.tokens.length === b.tokens.length || a.tokens.length === 0 || b.tokens.length === 0) return 0;
  return jaroWinkler(a.tokens.join(''), b.tokens.join(''));
}

/** Token-by-token comparison of two names, the shorter one (`s`, `ns` tokens) as rows. */
interface Pairing {
  s: NameKeys;
  l: NameKeys;
  ks: TokenKeys[];
  kl: TokenKeys[];
  /** ns x nl, flat: Jaro-Winkler-based similarity (see tokenSimilarity). */
  sim: Float64Array;
}

function pairing(a: NameKeys, b: NameKeys): Pairing {
  const [s, l] = a.tokens.length <= b.tokens.length ? [a, b] : [b, a];
  const ks = s.tokens.map(tokenKeys);
  const kl = l.tokens.map(tokenKeys);
  const sim = new Float64Array(ks.length * kl.length);
  for (let i = 0; i < ks.length; i++) {
    const x = ks[i];
    if (x === undefined) continue;
    for (let j = 0; j < kl.length; j++) {
      const y = kl[j];
      if (y !== undefined) sim[i * kl.length + j] = tokenSimilarity(s.tokens[i] ?? '', x, l.tokens[j] ?? '', y);
    }
  }
  return { s, l, ks, kl, sim };
}

/** Average similarity of the best alignment of the shorter name's tokens with distinct tokens of the other. */
function alignedSimilarity(p: Pairing): number {
  const ns = p.ks.length;
  const nl = p.kl.length;
  if (ns === 0) return 0;
  const total = nl > EXHAUSTIVE_TOKENS ? bestGreedy(p.sim, ns, nl) : bestFrom(p.sim, ns, nl, 0, 0);
  return total / ns;
}

/**
 * The score behind the fuzzy levels, in [0, 1]: Jaro-Winkler of the best token alignment, any order,
 * averaged over the tokens of the shorter name, or of the names without spaces when their token counts
 * differ, whichever is higher (0 when either has no token). Exposed for tuning and explanations.
 */
export function nameSimilarity(a: NameKeys, b: NameKeys): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  return Math.max(alignedSimilarity(pairing(a, b)), splitSimilarity(a, b));
}

/** The common case of one token against one, without the matrices (same levels as the general case). */
function compareSingleTokens(ta: string, tb: string): FieldComparison {
  const x = tokenKeys(ta);
  const y = tokenKeys(tb);
  if (sharesCode(x.allCodes, y.allCodes)) return { level: 'phonetic' };
  const similarity = tokenSimilarity(ta, x, tb, y);
  if (similarity >= FUZZY_HIGH_THRESHOLD) return { level: 'fuzzy_high' };
  if (similarity >= FUZZY_THRESHOLD) return { level: 'fuzzy' };
  if (isInitialOf(ta, tb, y.canonical) || isInitialOf(tb, ta, x.canonical)) return { level: 'initial' };
  return { level: 'different' };
}

/**
 * Initials on one side ("M.", "M. I.", "Moussa I.") that the other side's tokens start with, in any
 * order; the full tokens beside them must still be at least fuzzy matches.
 */
function initialsMatch(p: Pairing): boolean {
  const ns = p.ks.length;
  const nl = p.kl.length;
  const check = (rows: NameKeys, cols: NameKeys, rowKeys: TokenKeys[], colKeys: TokenKeys[], transposed: boolean): boolean => {
    if (!rows.tokens.some((t) => t.length === 1)) return false;
    const nr = rowKeys.length;
    const nc = colKeys.length;
    const adjacency = new Uint8Array(nr * nc);
    for (let i = 0; i < nr; i++) {
      const token = rows.tokens[i] ?? '';
      for (let j = 0; j < nc; j++) {
        const ok =
          token.length === 1
            ? isInitialOf(token, cols.tokens[j] ?? '', colKeys[j]?.canonical ?? '')
            : ((transposed ? p.sim[j * nl + i] : p.sim[i * nl + j]) ?? 0) >= FUZZY_THRESHOLD;
        if (ok) adjacency[i * nc + j] = 1;
      }
    }
    return coversRows(adjacency, nr, nc);
  };
  return check(p.s, p.l, p.ks, p.kl, false) || (ns === nl && check(p.l, p.s, p.kl, p.ks, true));
}

/**
 * Compares two names (each a given name, a family name or a whole name) token by token, in any order.
 * Levels, strongest first (NAME_LEVELS):
 * - exact: the same normalised tokens; alias: the same canonical tokens (Mahamadou = Mohamed), or
 *   the same letters split differently ("Moussa Ali" / "Moussaali");
 * - phonetic: every token of the shorter name sounds like a distinct token of the other (Double
 *   Metaphone, of the canonical or the written form);
 * - fuzzy_high / fuzzy: nameSimilarity at least FUZZY_HIGH_THRESHOLD / FUZZY_THRESHOLD;
 * - initial: one side is initials ("M.", "M. I.") that the other's tokens start with;
 * - different; missing when either side has no token.
 * `agreedValue` (exact and alias): see nameValue.
 */
export function compareNameTokens(a: NameKeys, b: NameKeys): FieldComparison {
  const ia = a.id;
  const ib = b.id;
  if (ia === undefined || ib === undefined) return compareNameTokensOnce(a, b);
  // The same two names meet again and again across a registry's candidate pairs: compared once.
  let row = nameMemo.get(ia);
  if (row === undefined) {
    if (nameMemo.size >= NAME_MEMO_ROWS) nameMemo.clear();
    nameMemo.set(ia, (row = new Map<number, FieldComparison>()));
  }
  let result = row.get(ib);
  if (result === undefined) {
    result = Object.freeze(compareNameTokensOnce(a, b));
    if (row.size < NAME_MEMO_ROW_LIMIT) row.set(ib, result);
  }
  return result;
}

/** Small-integer keys in nested maps: faster than one map of large numbers. Bounded either way. */
const NAME_MEMO_ROWS = 100_000;
const NAME_MEMO_ROW_LIMIT = 10_000;
const nameMemo = new Map<number, Map<number, FieldComparison>>();

function compareNameTokensOnce(a: NameKeys, b: NameKeys): FieldComparison {
  if (a.tokens.length === 0 || b.tokens.length === 0) return { level: 'missing' };
  if (sameMultiset(a.tokens, b.tokens)) return level('exact', nameValue(a));
  if (sameMultiset(a.canonical, b.canonical)) return level('alias', nameValue(a));
  if (a.tokens.length !== b.tokens.length && a.tokens.join('') === b.tokens.join('')) {
    // Spacing only: the split form is the one a frequency table is likelier to know.
    return level('alias', nameValue(a.tokens.length > b.tokens.length ? a : b));
  }
  if (a.tokens.length === 1 && b.tokens.length === 1) return compareSingleTokens(a.tokens[0] ?? '', b.tokens[0] ?? '');

  const p = pairing(a, b);
  const ns = p.ks.length;
  const nl = p.kl.length;
  const alike = new Uint8Array(ns * nl);
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < nl; j++) {
      const x = p.ks[i];
      const y = p.kl[j];
      if (x !== undefined && y !== undefined && (x.canonical === y.canonical || sharesCode(x.allCodes, y.allCodes))) alike[i * nl + j] = 1;
    }
  }
  if (coversRows(alike, ns, nl)) return { level: 'phonetic' };

  const similarity = Math.max(alignedSimilarity(p), splitSimilarity(a, b));
  if (similarity >= FUZZY_HIGH_THRESHOLD) return { level: 'fuzzy_high' };
  if (similarity >= FUZZY_THRESHOLD) return { level: 'fuzzy' };
  if (initialsMatch(p)) return { level: 'initial' };
  return { level: 'different' };
}

export interface PersonNameKeys {
  given: NameKeys;
  family: NameKeys;
}

export interface PersonNameComparison {
  givenName: FieldComparison;
  familyName: FieldComparison;
  /** The better agreement was found comparing a's given name with b's family name and vice versa. */
  swapped: boolean;
}

function union(x: PersonNameKeys): NameKeys {
  return {
    tokens: [...x.given.tokens, ...x.family.tokens],
    canonical: [...x.given.canonical, ...x.family.canonical],
    phonetic: [...new Set([...x.given.phonetic, ...x.family.phonetic])],
  };
}

/** A whole name written in one field: one field empty, at least two tokens in the other. */
export function oneField(x: PersonNameKeys): boolean {
  const g = x.given.tokens.length;
  const f = x.family.tokens.length;
  return (g === 0 && f >= 2) || (f === 0 && g >= 2);
}

/** Keeps a field's agreed value only where the record has that field apart, as frequency tables do. */
function withValue(c: FieldComparison, split: NameKeys | undefined): FieldComparison {
  if (split === undefined || split.tokens.length === 0 || (c.level !== 'exact' && c.level !== 'alias')) return { level: c.level };
  return { level: c.level, agreedValue: nameValue(split) };
}

/**
 * Compares the given and family names of two people, allowing for swapped fields and for a whole name
 * written in one field:
 * - straight (given with given, family with family) and crossed (given with family and vice versa):
 *   the orientation with the better combined level is kept, straight on a tie;
 * - when one side has its whole name in one field ("Moussa Issoufou" / empty) and both sides have as
 *   many tokens in all, their tokens are also compared together; if that agrees better than both
 *   orientations, both fields get its level (each name part was found), with agreed values taken from
 *   the side whose fields are apart.
 */
export function comparePersonNames(a: PersonNameKeys, b: PersonNameKeys): PersonNameComparison {
  // Called for every candidate pair of a batch: one object per call, no intermediate ones.
  const straightGiven = compareNameTokens(a.given, b.given);
  const straightFamily = compareNameTokens(a.family, b.family);
  const crossedGiven = compareNameTokens(a.given, b.family);
  const crossedFamily = compareNameTokens(a.family, b.given);
  const straightScore = rank(straightGiven) + rank(straightFamily);
  const crossedScore = rank(crossedGiven) + rank(crossedFamily);
  let best: PersonNameComparison =
    crossedScore > straightScore ? { givenName: crossedGiven, familyName: crossedFamily, swapped: true } : { givenName: straightGiven, familyName: straightFamily, swapped: false };
  const bestScore = Math.max(straightScore, crossedScore);

  if (oneField(a) || oneField(b)) {
    const ua = union(a);
    const ub = union(b);
    if (ua.tokens.length === ub.tokens.length) {
      const together = compareNameTokens(ua, ub);
      if (together.level !== 'missing' && 2 * rank(together) > bestScore) {
        const split = oneField(a) ? (oneField(b) ? undefined : b) : a;
        best = { givenName: withValue(together, split?.given), familyName: withValue(together, split?.family), swapped: false };
      }
    }
  }
  return best;
}
