import { compareArea } from './compare/compare-area.ts';
import { compareParsedBirths } from './compare/compare-birth.ts';
import { compareNormalisedNationalIds } from './compare/compare-national-id.ts';
import { comparePhoneEnds } from './compare/compare-phone.ts';
import type { CompareOptions } from './compare-records.ts';
import type { FieldComparison } from './levels.ts';
import type { ModelParameters, ScoreOptions, TermFrequencyLookups } from './model/fellegi-sunter.ts';
import { comparePersonNames } from './names/compare-names.ts';
import type { MatchField } from './person-record.ts';
import type { PreparedRecord } from './prepared-record.ts';

/**
 * The match weight of a pair of prepared records for the millions of candidate pairs of a batch run:
 * the same number as `scorePair(compareRecords(a, b), params, tf).weight`, but with log2(m / u) read from
 * tables built once per level and per agreed name (term-frequency adjusted), and no comparison object
 * built per pair. Pairs worth reporting are scored again with `scorePair` for their explanation.
 */
export class PairWeigher {
  /** log2(prior / (1 - prior)). */
  readonly priorWeight: number;
  /** log2(m / u) per field and level; absent when the level carries no weight (unknown or missing). */
  private readonly levels: { [F in MatchField]: Map<string, number> };
  /** Term-frequency adjusted weights, per field, level and agreed value, filled as values are met. */
  private readonly agreed: { [F in MatchField]?: Map<string, Map<string, number>> } = {};

  constructor(
    private readonly params: ModelParameters,
    private readonly tf: TermFrequencyLookups,
    private readonly compare: CompareOptions,
    private readonly options: ScoreOptions = {},
  ) {
    this.priorWeight = Math.log2(params.prior / (1 - params.prior));
    const table = (field: MatchField): Map<string, number> => {
      const out = new Map<string, number>();
      const fp = params.fields[field];
      if (!fp) return out;
      for (const [level, m] of Object.entries(fp.m)) {
        const u = fp.u[level];
        if (level !== 'missing' && u !== undefined && m > 0 && u > 0) out.set(level, Math.log2(m / u));
      }
      return out;
    };
    this.levels = { givenName: table('givenName'), familyName: table('familyName'), birth: table('birth'), phone: table('phone'), nationalId: table('nationalId'), area: table('area') };
  }

  /** Total log2 Bayes factor of the pair, prior included (as PairScore.weight). */
  weight(a: PreparedRecord, b: PreparedRecord): number {
    const names = comparePersonNames(a, b);
    let w = this.priorWeight + this.nameWeight('givenName', names.givenName) + this.nameWeight('familyName', names.familyName);
    w += this.levels.birth.get(compareParsedBirths(a.birth, b.birth).level) ?? 0;
    w += this.levels.phone.get(comparePhoneEnds(a.phoneDigits, a.phone8, b.phoneDigits, b.phone8).level) ?? 0;
    if (!this.compare.ignoreNationalId) w += this.levels.nationalId.get(compareNormalisedNationalIds(a.nationalId, b.nationalId).level) ?? 0;
    w += this.levels.area.get(compareArea(a.record.area, b.record.area, this.compare.ancestorsOf).level) ?? 0;
    return w;
  }

  /** log2(m / u) of a level of a field that is not term-frequency adjusted; 0 for a level without weight. */
  levelWeight(field: 'birth' | 'phone' | 'nationalId' | 'area', level: string): number {
    return this.levels[field].get(level) ?? 0;
  }

  /** Match probability of the pair: 1 / (1 + 2^-weight). */
  probability(a: PreparedRecord, b: PreparedRecord): number {
    return 1 / (1 + 2 ** -this.weight(a, b));
  }

  /** The weight of a name comparison in a field, term-frequency adjusted for an agreed value. */
  nameWeight(field: 'givenName' | 'familyName', c: FieldComparison): number {
    const plain = this.levels[field].get(c.level);
    if (plain === undefined) return 0;
    const lookup = this.tf[field];
    const value = c.agreedValue;
    if (value === undefined || !lookup) return plain;
    let byLevel = this.agreed[field];
    if (byLevel === undefined) this.agreed[field] = byLevel = new Map<string, Map<string, number>>();
    let byValue = byLevel.get(c.level);
    if (byValue === undefined) byLevel.set(c.level, (byValue = new Map<string, number>()));
    let w = byValue.get(value);
    if (w === undefined) {
      w = this.adjusted(field, c.level, value, plain);
      // Bounded: a registry has at most a few hundred thousand distinct names.
      if (byValue.size < 1_000_000) byValue.set(value, w);
    }
    return w;
  }

  /** The weight of an agreed value, as `scorePair` adjusts u for its frequency. */
  private adjusted(field: MatchField, level: string, value: string, plain: number): number {
    const fp = this.params.fields[field];
    const lookup = this.tf[field];
    const m = fp?.m[level];
    const levelU = fp?.u[level];
    if (!lookup || m === undefined || levelU === undefined) return plain;
    const frequency = Math.max(lookup(value), this.options.tfFloor ?? 0);
    if (!(frequency > 0)) return plain;
    const average = lookup.randomAgreement;
    const u = (this.options.tfMode ?? 'relative') === 'relative' && average !== undefined && average > 0 ? Math.min(1, (levelU * frequency) / average) : frequency;
    return Math.log2(m / u);
  }
}
