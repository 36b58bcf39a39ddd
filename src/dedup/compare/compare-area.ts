import type { AreaLevel, FieldComparison } from '../levels.ts';
import { isOneSubstitutionOrTransposition } from './compare-national-id.ts';

/**
 * Where a record's area hierarchy comes from: the drive's `ancestorsOf` (the area itself, then its
 * parent, up to its region; empty for an unknown code). A chain that leaves out the area itself works
 * too: only membership and the last element (the region) are used.
 */
export type AncestorsOf = (code: string) => readonly string[];

export interface AreaComparisonOptions {
  /**
   * For codes that are neither known to `ancestorsOf` nor P-codes (postcodes of an imported file):
   * how many leading characters name the region. 2 by default: the first two digits of a postcode
   * are a region in most schemes (a French département, an Australian postal district). 0 turns the
   * rule off, so such codes are only ever `same` or `different`.
   */
  postcodeRegionLength?: number;
  /**
   * Whether two codes that are not P-codes and are one typing slip apart (one character replaced, or
   * two neighbours swapped: 3011 / 3101) count as `same_region`. True by default: a postcode typed by
   * hand is mistyped far more often than a P-code picked from a list, and on Febrl's data sets this
   * recovers duplicates whose postcodes were mistyped across the 2-digit region (F1 0.979 -> 0.981 on
   * dataset3 without ID numbers). The weight of `same_region` is learned with these pairs in it.
   */
  postcodeTypos?: boolean;
}

/**
 * OCHA P-codes: an ISO country code then digits, each level adding a fixed number of digits (3 in
 * Niger: NE006 region, NE006002 department, NE006002001 commune).
 */
const PCODE = /^[A-Z]{2}\d{3,}$/;
/** Country code plus the region's 3 digits: "NE006" for Tahoua and everything in it. */
const PCODE_REGION_LENGTH = 5;

function normaliseArea(code: string | null): string | null {
  if (code === null) return null;
  const normalised = code.trim().toUpperCase();
  return normalised.length > 0 ? normalised : null;
}

/**
 * The region of an area and the level below it on the way to the area (a department), for blocking:
 * from the hierarchy when it knows the code, else from a P-code's digits, else (postcodes) the first
 * two characters as the region and the code itself below it.
 */
export function regionAndDistrict(area: string, ancestorsOf?: AncestorsOf): { region: string; district: string } {
  const code = area.trim().toUpperCase();
  const chain = ancestorsOf?.(code) ?? [];
  if (chain.length > 0) {
    const region = chain[chain.length - 1] ?? code;
    return { region, district: chain[chain.length - 2] ?? region };
  }
  if (PCODE.test(code)) {
    const region = code.slice(0, PCODE_REGION_LENGTH);
    return { region, district: code.length >= PCODE_REGION_LENGTH + 3 ? code.slice(0, PCODE_REGION_LENGTH + 3) : region };
  }
  return { region: code.length > 2 ? code.slice(0, 2) : code, district: code };
}

interface Lineage {
  /** Areas strictly above the code. */
  above: ReadonlySet<string>;
  /** The first-level area containing the code (possibly the code itself), or null if unknown. */
  region: string | null;
}

function lineage(code: string, ancestorsOf: AncestorsOf | undefined, postcodeRegionLength: number): Lineage {
  const chain = ancestorsOf?.(code) ?? [];
  if (chain.length > 0) {
    return { above: new Set(chain.filter((c) => c !== code)), region: chain[chain.length - 1] ?? null };
  }
  // Unknown to the hierarchy (or no hierarchy given): read the P-code's digits.
  if (PCODE.test(code)) {
    return { above: new Set(), region: code.slice(0, PCODE_REGION_LENGTH) };
  }
  const region = postcodeRegionLength > 0 && code.length > postcodeRegionLength ? code.slice(0, postcodeRegionLength) : null;
  return { above: new Set(), region };
}

/**
 * Compares the areas of two records:
 * - `same`: the same code (ignoring case and surrounding spaces).
 * - `parent_child`: one area contains the other (one person gave a department, the other its
 *   commune): by `ancestorsOf` when given, else by the P-code rule (NE006 is a prefix of NE006002).
 * - `same_region`: both within the same first-level area: the last element of `ancestorsOf`, else the
 *   first 5 characters of a P-code, else (postcodes and other codes) the first
 *   `postcodeRegionLength` characters; also two such other codes one typo apart (`postcodeTypos`).
 * - `different`; `missing` when either side has no area.
 */
export function compareArea(a: string | null, b: string | null, ancestorsOf?: AncestorsOf, options: AreaComparisonOptions = {}): FieldComparison {
  const postcodeRegionLength = options.postcodeRegionLength ?? 2;
  const postcodeTypos = options.postcodeTypos ?? true;
  if (a === null || b === null || postcodeRegionLength !== 2 || !postcodeTypos) return compareAreaOnce(a, b, ancestorsOf, postcodeRegionLength, postcodeTypos);
  // Default options: areas are few (hundreds of P-codes, thousands of postcodes) and pairs of them
  // repeat across millions of record pairs, so each pair's level is worked out once per hierarchy.
  const hierarchy = ancestorsOf ?? NO_HIERARCHY;
  let memo = AREA_MEMO.get(hierarchy);
  if (memo === undefined) AREA_MEMO.set(hierarchy, (memo = new Map<string, Map<string, FieldComparison>>()));
  let row = memo.get(a);
  if (row === undefined) {
    if (memo.size >= AREA_MEMO_ROWS) memo.clear();
    memo.set(a, (row = new Map<string, FieldComparison>()));
  }
  let result = row.get(b);
  if (result === undefined) {
    result = Object.freeze(compareAreaOnce(a, b, ancestorsOf, postcodeRegionLength, postcodeTypos));
    if (row.size < AREA_MEMO_ROWS) row.set(b, result);
  }
  return result;
}

function compareAreaOnce(a: string | null, b: string | null, ancestorsOf: AncestorsOf | undefined, postcodeRegionLength: number, postcodeTypos: boolean): FieldComparison {
  const x = normaliseArea(a);
  const y = normaliseArea(b);
  if (x === null || y === null) return { level: 'missing' };
  return { level: areaLevel(x, y, ancestorsOf, postcodeRegionLength, postcodeTypos) };
}

const NO_HIERARCHY: AncestorsOf = () => [];
const AREA_MEMO = new WeakMap<AncestorsOf, Map<string, Map<string, FieldComparison>>>();
const AREA_MEMO_ROWS = 20_000;

function areaLevel(x: string, y: string, ancestorsOf: AncestorsOf | undefined, postcodeRegionLength: number, postcodeTypos: boolean): AreaLevel {
  if (x === y) return 'same';
  const lx = lineage(x, ancestorsOf, postcodeRegionLength);
  const ly = lineage(y, ancestorsOf, postcodeRegionLength);
  if (lx.above.has(y) || ly.above.has(x)) return 'parent_child';
  // The P-code rule also covers one code known to the hierarchy and the other not (a retired commune).
  if (PCODE.test(x) && PCODE.test(y) && (x.startsWith(y) || y.startsWith(x))) return 'parent_child';
  // A postcode's 2-character region ("40") can never equal a P-code region ("NE006"), so the two kinds
  // of code never meet by accident.
  if (lx.region !== null && lx.region === ly.region) return 'same_region';
  const known = (code: string): boolean => (ancestorsOf?.(code).length ?? 0) > 0;
  if (postcodeTypos && !PCODE.test(x) && !PCODE.test(y) && !known(x) && !known(y) && isOneSubstitutionOrTransposition(x, y)) return 'same_region';
  return 'different';
}
