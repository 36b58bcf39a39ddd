import { compareArea, type AncestorsOf } from './compare/compare-area.ts';
import { birthLevel, compareParsedBirths, type ParsedBirth } from './compare/compare-birth.ts';
import { compareNormalisedNationalIds } from './compare/compare-national-id.ts';
import { comparePhoneEnds } from './compare/compare-phone.ts';
import type { CompareOptions } from './compare-records.ts';
import { BIRTH_LEVELS, type NameKeys } from './levels.ts';
import { termFrequencies, type ModelParameters, type TermFrequencyLookups } from './model/fellegi-sunter.ts';
import { compareNameTokens, comparePersonNames, nameComparisonRank, nameValue, oneField } from './names/compare-names.ts';
import { PairMemo } from './pair-memo.ts';
import { PairWeigher } from './pair-weigher.ts';
import type { PreparedRecord } from './prepared-record.ts';

/**
 * The prepared records as columns: each distinct name, birth and area once, and per record the index
 * of its own (index 0: none). A million records hold a few ten thousand distinct names and dates and a
 * few hundred areas, so the columns are small, cross to a worker thread in one structured clone
 * without the record objects, and let scoring remember comparisons by pairs of small integers.
 * Plain data only (no functions): what `structuredClone` keeps.
 */
export interface RecordColumns {
  count: number;
  /** Distinct names (keys as nameKeys gives them); index 0 is the empty name. */
  names: NameKeys[];
  given: Int32Array;
  family: Int32Array;
  /** Distinct births; index 0 is none. */
  births: Array<ParsedBirth | null>;
  birth: Int32Array;
  /** Distinct areas as written; index 0 is none. */
  areas: Array<string | null>;
  area: Int32Array;
  /** Per record, as in PreparedRecord. */
  phoneDigits: string[];
  phone8: Array<string | null>;
  nationalId: Array<string | null>;
}

const NO_NAME: NameKeys = { tokens: [], canonical: [], phonetic: [] };

export function recordColumns(prepared: readonly PreparedRecord[]): RecordColumns {
  const n = prepared.length;
  const names: NameKeys[] = [NO_NAME];
  const nameIndex = new Map<NameKeys, number>();
  const births: Array<ParsedBirth | null> = [null];
  const birthIndex = new Map<string, number>();
  const areas: Array<string | null> = [null];
  const areaIndex = new Map<string, number>();
  const nameOf = (keys: NameKeys): number => {
    if (keys.tokens.length === 0) return 0;
    let k = nameIndex.get(keys);
    if (k === undefined) {
      k = names.push(keys) - 1;
      nameIndex.set(keys, k);
    }
    return k;
  };
  const columns: RecordColumns = {
    count: n,
    names,
    given: new Int32Array(n),
    family: new Int32Array(n),
    births,
    birth: new Int32Array(n),
    areas,
    area: new Int32Array(n),
    phoneDigits: new Array<string>(n),
    phone8: new Array<string | null>(n),
    nationalId: new Array<string | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const p = prepared[i] as PreparedRecord;
    columns.given[i] = nameOf(p.given);
    columns.family[i] = nameOf(p.family);
    if (p.birth !== null) {
      // A full date says everything about the birth; a year alone, its year.
      const key = p.birth.dateText ?? `year ${p.birth.year}`;
      let k = birthIndex.get(key);
      if (k === undefined) {
        k = births.push(p.birth) - 1;
        birthIndex.set(key, k);
      }
      columns.birth[i] = k;
    }
    const area = p.record.area;
    if (area !== null) {
      let k = areaIndex.get(area);
      if (k === undefined) {
        k = areas.push(area) - 1;
        areaIndex.set(area, k);
      }
      columns.area[i] = k;
    }
    columns.phoneDigits[i] = p.phoneDigits;
    columns.phone8[i] = p.phone8;
    columns.nationalId[i] = p.nationalId;
  }
  return columns;
}

/** The term-frequency tables of the records' names, as nameFrequencies builds them from prepared records. */
export function columnNameFrequencies(columns: RecordColumns): TermFrequencyLookups {
  const values = function* (column: Int32Array): Generator<string> {
    for (let i = 0; i < columns.count; i++) {
      const keys = columns.names[column[i] as number] as NameKeys;
      if (keys.canonical.length > 0) yield nameValue(keys);
    }
  };
  return { givenName: termFrequencies(values(columns.given)), familyName: termFrequencies(values(columns.family)) };
}

/**
 * PairWeigher's weight for records given as column positions: the comparisons of names and areas are
 * remembered per pair of distinct values (few: a million Nigerien records hold a few hundred distinct
 * names once normalised), and each pair of records adds the remembered
 * weights in the same order as PairWeigher, so the weight is the same number to the last bit (tested).
 */
export class ColumnWeigher {
  private readonly weigher: PairWeigher;
  /** Per pair of names: rank of the comparison, its weight as a given name, as a family name. */
  private readonly nameMemo: PairMemo;
  private readonly areaMemo: PairMemo;
  /** The birth weight when either side has no birth, of each distinct birth against itself, and per level. */
  private readonly missingBirthWeight: number;
  private readonly sameBirthWeight: Float64Array;
  private readonly birthLevelWeight: Map<string, number>;
  private readonly oneField: Uint8Array;

  constructor(
    private readonly columns: RecordColumns,
    params: ModelParameters,
    tf: TermFrequencyLookups,
    private readonly compare: CompareOptions & { ancestorsOf?: AncestorsOf | undefined },
  ) {
    this.weigher = new PairWeigher(params, tf, compare);
    this.nameMemo = new PairMemo(3, 4_000_000, columns.names.length);
    this.areaMemo = new PairMemo(1, 4_000_000, columns.areas.length);
    this.missingBirthWeight = this.weigher.levelWeight('birth', compareParsedBirths(null, null).level);
    this.sameBirthWeight = new Float64Array(columns.births.length);
    for (let k = 0; k < columns.births.length; k++) {
      const birth = columns.births[k] ?? null;
      this.sameBirthWeight[k] = this.weigher.levelWeight('birth', compareParsedBirths(birth, birth).level);
    }
    this.birthLevelWeight = new Map(BIRTH_LEVELS.map((level) => [level, this.weigher.levelWeight('birth', level)]));
    this.oneField = new Uint8Array(columns.count);
    for (let i = 0; i < columns.count; i++) {
      if (oneField({ given: columns.names[columns.given[i] as number] as NameKeys, family: columns.names[columns.family[i] as number] as NameKeys })) this.oneField[i] = 1;
    }
  }

  /** Total log2 Bayes factor of records i and j, prior included. */
  weight(i: number, j: number): number {
    const c = this.columns;
    const gi = c.given[i] as number;
    const fi = c.family[i] as number;
    const gj = c.given[j] as number;
    const fj = c.family[j] as number;
    let givenWeight: number;
    let familyWeight: number;
    if (this.oneField[i] === 1 || this.oneField[j] === 1) {
      const names = comparePersonNames({ given: c.names[gi] as NameKeys, family: c.names[fi] as NameKeys }, { given: c.names[gj] as NameKeys, family: c.names[fj] as NameKeys });
      givenWeight = this.weigher.nameWeight('givenName', names.givenName);
      familyWeight = this.weigher.nameWeight('familyName', names.familyName);
    } else {
      // comparePersonNames without objects: straight or crossed, whichever ranks higher (straight on a tie).
      let at = this.nameEntry(gi, gj);
      let data = this.nameMemo.data;
      const straightGivenRank = data[at] as number;
      const straightGiven = data[at + 1] as number;
      at = this.nameEntry(fi, fj);
      data = this.nameMemo.data;
      const straightFamilyRank = data[at] as number;
      const straightFamily = data[at + 2] as number;
      at = this.nameEntry(gi, fj);
      data = this.nameMemo.data;
      const crossedGivenRank = data[at] as number;
      const crossedGiven = data[at + 1] as number;
      at = this.nameEntry(fi, gj);
      data = this.nameMemo.data;
      const crossedFamilyRank = data[at] as number;
      const crossedFamily = data[at + 2] as number;
      if (crossedGivenRank + crossedFamilyRank > straightGivenRank + straightFamilyRank) {
        givenWeight = crossedGiven;
        familyWeight = crossedFamily;
      } else {
        givenWeight = straightGiven;
        familyWeight = straightFamily;
      }
    }
    let w = this.weigher.priorWeight + givenWeight + familyWeight;
    w += this.birthWeight(c.birth[i] as number, c.birth[j] as number);
    w += this.weigher.levelWeight('phone', comparePhoneEnds(c.phoneDigits[i] as string, c.phone8[i] ?? null, c.phoneDigits[j] as string, c.phone8[j] ?? null).level);
    if (!this.compare.ignoreNationalId) w += this.weigher.levelWeight('nationalId', compareNormalisedNationalIds(c.nationalId[i] ?? null, c.nationalId[j] ?? null).level);
    w += this.areaWeight(c.area[i] as number, c.area[j] as number);
    return w;
  }

  /** Match probability of records i and j: 1 / (1 + 2^-weight), as PairWeigher.probability. */
  probability(i: number, j: number): number {
    return 1 / (1 + 2 ** -this.weight(i, j));
  }

  private nameEntry(x: number, y: number): number {
    let at = this.nameMemo.find(x, y);
    if (at === -1) {
      const comparison = compareNameTokens(this.columns.names[x] as NameKeys, this.columns.names[y] as NameKeys);
      const rank = nameComparisonRank(comparison);
      const asGiven = this.weigher.nameWeight('givenName', comparison);
      const asFamily = this.weigher.nameWeight('familyName', comparison);
      at = this.nameMemo.add(x, y);
      const data = this.nameMemo.data;
      data[at] = rank;
      data[at + 1] = asGiven;
      data[at + 2] = asFamily;
    }
    return at;
  }

  /**
   * The weight of the comparison of distinct births x and y (0: none). Not remembered per pair: a
   * million records hold some 21,000 distinct births, and the pairs of them among candidate pairs are
   * mostly seen once (1.1 million distinct pairs of births at 200,000 records), so a
   * hash table costs more than it saves (measured); the same birth and no birth need no comparison.
   */
  private birthWeight(x: number, y: number): number {
    if (x === 0 || y === 0) return this.missingBirthWeight;
    if (x === y) return this.sameBirthWeight[x] as number;
    return this.birthLevelWeight.get(birthLevel(this.columns.births[x] as ParsedBirth, this.columns.births[y] as ParsedBirth)) ?? 0;
  }

  private areaWeight(x: number, y: number): number {
    const at = this.areaMemo.find(x, y);
    if (at !== -1) return this.areaMemo.data[at] as number;
    const w = this.weigher.levelWeight('area', compareArea(this.columns.areas[x] ?? null, this.columns.areas[y] ?? null, this.compare.ancestorsOf).level);
    const added = this.areaMemo.add(x, y);
    this.areaMemo.data[added] = w;
    return w;
  }
}
