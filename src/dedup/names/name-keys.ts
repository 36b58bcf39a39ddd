import { doubleMetaphone } from 'double-metaphone';
import type { NameKeys } from '../levels.ts';
import { nameAliasTable } from './name-aliases.ts';
import { normalizeName } from './normalize-name.ts';

/** What is derived from one normalised token; names repeat a lot, so this is computed once per token. */
export interface TokenKeys {
  /** The alias group's canonical form, or the token. */
  readonly canonical: string;
  /** Double Metaphone codes (primary, alternate; distinct, non-empty) of the canonical form. */
  readonly codes: readonly string[];
  /**
   * The codes of the canonical form and of the token as written. Comparison uses both: a misspelling
   * the table does not know ("Aisatou") still sounds like the spelling it was meant to be ("Aissatou"),
   * although its canonical form is itself while the other's is "aichatou".
   */
  readonly allCodes: readonly string[];
}

/**
 * Bounded so that a long run over a million distinct typos cannot grow without limit. When full, the
 * oldest entry goes (Map keeps insertion order): common names are re-added at once.
 */
export const TOKEN_CACHE_LIMIT = 200_000;
const tokenCache = new Map<string, TokenKeys>();

function metaphoneCodes(token: string): string[] {
  const [primary, alternate] = doubleMetaphone(token);
  const codes: string[] = [];
  if (primary !== '') codes.push(primary);
  if (alternate !== '' && alternate !== primary) codes.push(alternate);
  return codes;
}

export function tokenKeys(token: string): TokenKeys {
  let keys = tokenCache.get(token);
  if (keys === undefined) {
    const canonical = nameAliasTable().canonical(token);
    const codes = metaphoneCodes(canonical);
    const allCodes = canonical === token ? codes : [...new Set([...codes, ...metaphoneCodes(token)])];
    keys = { canonical, codes, allCodes };
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) {
      const oldest = tokenCache.keys().next();
      if (oldest.done !== true) tokenCache.delete(oldest.value);
    }
    tokenCache.set(token, keys);
  }
  return keys;
}

/** Number of tokens memoised (for tests of the bound). */
export function tokenCacheSize(): number {
  return tokenCache.size;
}

/**
 * Keys of one name (a given name, a family name, or a whole name in one field) for blocking and
 * comparison: normalised tokens, their canonical forms (in the same order) and the de-duplicated
 * Double Metaphone codes of the canonical forms. A missing or empty name has no tokens.
 */
export function nameKeys(text: string | null): NameKeys {
  if (text === null) return EMPTY;
  let keys = nameCache.get(text);
  if (keys === undefined) {
    keys = computeNameKeys(text);
    if (nameCache.size >= TOKEN_CACHE_LIMIT) nameCache.clear();
    nameCache.set(text, keys);
  }
  return keys;
}

const EMPTY: NameKeys = Object.freeze({ tokens: Object.freeze([]), canonical: Object.freeze([]), phonetic: Object.freeze([]) });
/**
 * Names as written repeat even more than tokens (a million people share a few thousand names): the
 * keys of each are computed once, and shared: they are frozen.
 */
const nameCache = new Map<string, NameKeys>();

/** Keys by normalised tokens: names written differently but normalised alike share one object and id. */
const byTokens = new Map<string, NameKeys>();
let nextNameId = 1;

function computeNameKeys(text: string): NameKeys {
  const tokens = normalizeName(text);
  if (tokens.length === 0) return EMPTY;
  const tokenKey = tokens.join(' ');
  const known = byTokens.get(tokenKey);
  if (known !== undefined) return known;
  const canonical: string[] = [];
  const phonetic: string[] = [];
  for (const token of tokens) {
    const keys = tokenKeys(token);
    canonical.push(keys.canonical);
    for (const code of keys.codes) if (!phonetic.includes(code)) phonetic.push(code);
  }
  if (byTokens.size >= TOKEN_CACHE_LIMIT) byTokens.clear();
  const keys: NameKeys = Object.freeze({ tokens: Object.freeze(tokens), canonical: Object.freeze(canonical), phonetic: Object.freeze(phonetic), id: nextNameId++ });
  byTokens.set(tokenKey, keys);
  return keys;
}
