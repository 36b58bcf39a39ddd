import { describe, expect, it } from 'vitest';
import type { Comparison, FieldComparison } from '../levels.ts';
import { MATCH_FIELDS } from '../person-record.ts';
import type { MatchField } from '../person-record.ts';
import {
  ModelParametersError,
  estimateOnAllPairs,
  estimateParameters,
  estimateU,
  initialParameters,
  levelWeights,
  parametersFromJson,
  parametersToJson,
  scorePair,
  termFrequencies,
} from './fellegi-sunter.ts';
import type { ModelParameters } from './fellegi-sunter.ts';

/** Deterministic generator (mulberry32), so a failing run can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(probabilities: Record<string, number>, random: () => number): string {
  let r = random();
  const entries = Object.entries(probabilities);
  for (const [level, p] of entries) {
    r -= p;
    if (r < 0) return level;
  }
  return (entries[entries.length - 1] as [string, number])[0];
}

/** The truth of the synthetic set: two known distributions over the levels of each field. */
const TRUE: ModelParameters = {
  prior: 0.15,
  fields: {
    givenName: {
      m: { exact: 0.7, alias: 0.05, phonetic: 0.05, fuzzy_high: 0.08, fuzzy: 0.04, initial: 0.02, different: 0.06 },
      u: { exact: 0.03, alias: 0.01, phonetic: 0.02, fuzzy_high: 0.02, fuzzy: 0.07, initial: 0.05, different: 0.8 },
    },
    familyName: {
      m: { exact: 0.75, alias: 0.02, phonetic: 0.05, fuzzy_high: 0.08, fuzzy: 0.03, initial: 0.01, different: 0.06 },
      u: { exact: 0.1, alias: 0.01, phonetic: 0.03, fuzzy_high: 0.03, fuzzy: 0.08, initial: 0.05, different: 0.7 },
    },
    birth: {
      m: { exact: 0.8, day_month_swapped: 0.03, one_part_off: 0.07, same_year: 0.04, year_within_1: 0.03, different: 0.03 },
      u: { exact: 0.005, day_month_swapped: 0.002, one_part_off: 0.02, same_year: 0.05, year_within_1: 0.1, different: 0.823 },
    },
    phone: {
      m: { exact: 0.6, same_last_8: 0.15, one_digit_off: 0.1, different: 0.15 },
      u: { exact: 0.002, same_last_8: 0.001, one_digit_off: 0.005, different: 0.992 },
    },
    area: {
      m: { same: 0.6, parent_child: 0.2, same_region: 0.15, different: 0.05 },
      u: { same: 0.1, parent_child: 0.05, same_region: 0.35, different: 0.5 },
    },
  },
};

const MISSING: FieldComparison = { level: 'missing' };

function comparison(levels: Partial<Record<MatchField, string>>): Comparison {
  const out: Partial<Record<MatchField, FieldComparison>> = {};
  for (const field of MATCH_FIELDS) {
    const level = levels[field];
    out[field] = level === undefined ? MISSING : { level };
  }
  return out as Comparison;
}

/** Pairs drawn from the truth; each field missing with some probability (as in real registries). */
function synthetic(n: number, seed: number, params: ModelParameters = TRUE): { comparisons: Comparison[]; labels: boolean[] } {
  const random = rng(seed);
  const comparisons: Comparison[] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const isMatch = random() < params.prior;
    const levels: Partial<Record<MatchField, string>> = {};
    for (const field of MATCH_FIELDS) {
      const fp = params.fields[field];
      if (!fp || random() < 0.1) continue;
      levels[field] = draw(isMatch ? fp.m : fp.u, random);
    }
    comparisons.push(comparison(levels));
    labels.push(isMatch);
  }
  return { comparisons, labels };
}

function maxError(estimated: ModelParameters, truth: ModelParameters, which: 'm' | 'u'): number {
  let worst = 0;
  for (const field of MATCH_FIELDS) {
    const t = truth.fields[field];
    const e = estimated.fields[field];
    if (!t) continue;
    expect(e).toBeDefined();
    for (const [level, p] of Object.entries(t[which])) worst = Math.max(worst, Math.abs(p - (e?.[which][level] ?? 0)));
  }
  return worst;
}

describe('estimateParameters (EM)', () => {
  const { comparisons } = synthetic(40_000, 1);

  // About 6,000 matches: the sampling error of an m is up to ~0.006, so 0.025 leaves room for noise
  // and the Laplace smoothing while still failing for any real estimation error.
  it('recovers the prior, m and u of a known mixture from unlabelled pairs', () => {
    const estimated = estimateParameters(comparisons);
    expect(estimated.prior).toBeCloseTo(TRUE.prior, 2);
    expect(maxError(estimated, TRUE, 'm')).toBeLessThan(0.025);
    expect(maxError(estimated, TRUE, 'u')).toBeLessThan(0.01);
    // Fields no pair has are not modelled at all.
    expect(estimated.fields.nationalId).toBeUndefined();
  });

  it('starts from data-driven values on the right side and increases the likelihood', () => {
    const initial = initialParameters(comparisons);
    expect(initial.fields.birth?.m.exact).toBeGreaterThan(initial.fields.birth?.u.exact ?? 1);
    const trace: number[] = [];
    estimateParameters(comparisons, { onIteration: (_, logLikelihood) => trace.push(logLikelihood) });
    expect(trace.length).toBeGreaterThan(1);
    for (let i = 1; i < trace.length; i++) expect(trace[i]).toBeGreaterThanOrEqual((trace[i - 1] as number) - 1e-6);
  });

  it('never gives a level probability 0 (Laplace smoothing), and m and u sum to 1', () => {
    // Phone is never one digit off among these pairs; the level must still keep a small probability.
    const few = synthetic(2_000, 2).comparisons.map((c) => (c.phone.level === 'one_digit_off' ? { ...c, phone: { level: 'different' } } : c));
    const estimated = estimateParameters(few);
    for (const field of MATCH_FIELDS) {
      const fp = estimated.fields[field];
      if (!fp) continue;
      for (const which of ['m', 'u'] as const) {
        for (const p of Object.values(fp[which])) expect(p).toBeGreaterThan(0);
        expect(Object.values(fp[which]).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
      }
    }
    expect(estimated.fields.phone?.m.one_digit_off).toBeGreaterThan(0);
  });

  it('gives a level no pair shows weight 0, and a level only non-matches show a bounded negative weight', () => {
    // Birth is never day_month_swapped here; a third of non-matches are year_within_1, no match is.
    const noMatchOneYearOff = comparisons.map((c) => {
      if (c.birth.level === 'day_month_swapped') return { ...c, birth: { level: 'exact' } };
      if (c.birth.level === 'year_within_1') return { ...c, birth: { level: 'different' } };
      return c;
    });
    const { labels } = synthetic(40_000, 1);
    const data = noMatchOneYearOff.map((c, i) => (!labels[i] && i % 3 === 0 && c.birth.level !== 'missing' ? { ...c, birth: { level: 'year_within_1' } } : c));
    const weights = levelWeights(estimateParameters(data));
    expect(Math.abs(weights.birth?.day_month_swapped ?? Number.NaN)).toBeLessThan(0.01);
    // Zero in ~6,000 matches against ~30% of non-matches: about log2(1/6000 / 0.3) = -10.8, not -30.
    expect(weights.birth?.year_within_1).toBeLessThan(-8);
    expect(weights.birth?.year_within_1).toBeGreaterThan(-13);
  });

  it('counts a weighted comparison as that many pairs', () => {
    const small = synthetic(3_000, 8).comparisons;
    const doubled = estimateParameters([...small, ...small]);
    const weighted = estimateParameters(small, { weights: small.map(() => 2) });
    expect(weighted.prior).toBeCloseTo(doubled.prior, 9);
    expect(weighted.fields.birth?.m.exact).toBeCloseTo(doubled.fields.birth?.m.exact ?? 0, 9);
  });

  it('estimates on all pairs from the candidates and a weighted sample of the others', () => {
    // Among all pairs matches are rare (1 in 1,000 here), so the fields must separate the classes as
    // real ones do: random people share a birth date 1 time in 10,000, not 1 in 200.
    const sharp: ModelParameters = {
      prior: 0.5,
      fields: {
        givenName: { m: { exact: 0.8, fuzzy: 0.1, different: 0.1 }, u: { exact: 0.01, fuzzy: 0.04, different: 0.95 } },
        familyName: { m: { exact: 0.8, fuzzy: 0.1, different: 0.1 }, u: { exact: 0.005, fuzzy: 0.03, different: 0.965 } },
        birth: { m: { exact: 0.85, one_part_off: 0.1, different: 0.05 }, u: { exact: 0.0001, one_part_off: 0.001, different: 0.9989 } },
        area: { m: { same: 0.7, same_region: 0.2, different: 0.1 }, u: { same: 0.02, same_region: 0.1, different: 0.88 } },
      },
    };
    // 2,000 candidates, half of them matches, and 20,000 sampled non-candidates standing for 10^6 pairs.
    const candidates = synthetic(2_000, 9, sharp).comparisons;
    const others = synthetic(20_000, 10, { ...sharp, prior: 0 }).comparisons;
    const params = estimateOnAllPairs({ candidates, others, otherPairs: 1_000_000 });
    const matches = params.prior * 1_002_000;
    expect(matches).toBeGreaterThan(950);
    expect(matches).toBeLessThan(1_050);
    expect(params.fields.birth?.m.exact).toBeCloseTo(0.85, 1);
    expect(params.fields.birth?.u.exact).toBeLessThan(0.001);
  });

  it('with u from random pairs held fixed, estimates m and the prior', () => {
    // Random pairs are non-matches: their levels follow u.
    const random = synthetic(40_000, 3, { ...TRUE, prior: 0 }).comparisons;
    const u = estimateU(random);
    expect(u.birth?.exact).toBeCloseTo(TRUE.fields.birth?.u.exact ?? 0, 2);
    const estimated = estimateParameters(comparisons, { initial: initialParameters(comparisons, { u }), fixU: true });
    expect(estimated.fields.phone?.u).toEqual(initialParameters(comparisons, { u }).fields.phone?.u);
    expect(estimated.prior).toBeCloseTo(TRUE.prior, 2);
    expect(maxError(estimated, TRUE, 'm')).toBeLessThan(0.025);
  });

  it('separates the synthetic matches from the non-matches', () => {
    const { comparisons: test, labels } = synthetic(5_000, 4);
    const params = estimateParameters(comparisons);
    let errors = 0;
    test.forEach((c, i) => {
      if (scorePair(c, params).probability > 0.5 !== labels[i]) errors += 1;
    });
    expect(errors / test.length).toBeLessThan(0.02);
  });
});

describe('term-frequency adjustment', () => {
  const params: ModelParameters = {
    prior: 0.01,
    fields: { familyName: TRUE.fields.familyName, givenName: TRUE.fields.givenName, birth: TRUE.fields.birth },
  };
  // 1,000 records: a very common name, a common one, a rare one and 599 names held once.
  const names = [...Array<string>(300).fill('moussa'), ...Array<string>(100).fill('ibrahim'), 'tchiroma', ...Array.from({ length: 599 }, (_, i) => `name${i}`)];
  const tf = termFrequencies(names);
  const pair = (value: string): Comparison => ({ ...comparison({ birth: 'exact' }), givenName: { level: 'exact', agreedValue: value } });
  const givenWeight = (s: ReturnType<typeof scorePair>): number => s.fields.find((f) => f.field === 'givenName')?.weight ?? Number.NaN;

  it('computes each value’s share of the records and the chance two random records agree', () => {
    expect(tf('moussa')).toBeCloseTo(0.3);
    expect(tf('tchiroma')).toBeCloseTo(0.001);
    expect(tf('never-seen')).toBe(0);
    expect(tf.randomAgreement).toBeCloseTo(0.3 ** 2 + 0.1 ** 2 + 600 * 0.001 ** 2, 12);
  });

  it('makes agreeing on a frequent name weigh less than on a rare one', () => {
    const frequent = scorePair(pair('moussa'), params, { givenName: tf });
    const rare = scorePair(pair('tchiroma'), params, { givenName: tf });
    const plain = scorePair(pair('tchiroma'), params);
    expect(givenWeight(frequent)).toBeLessThan(givenWeight(plain));
    expect(givenWeight(rare)).toBeGreaterThan(givenWeight(plain));
    expect(rare.probability).toBeGreaterThan(frequent.probability);
    expect(frequent.fields.find((f) => f.field === 'givenName')).toMatchObject({ tfAdjusted: true, agreedValue: 'moussa', termFrequency: 0.3 });
    // Only fields with a lookup are adjusted.
    expect(plain.fields.every((f) => !f.tfAdjusted)).toBe(true);
  });

  it("'relative' scales the level's u by the value's frequency over the average agreement", () => {
    const u = 0.03; // TRUE givenName u(exact)
    expect(givenWeight(scorePair(pair('moussa'), params, { givenName: tf }))).toBeCloseTo(Math.log2(0.7 / ((u * 0.3) / tf.randomAgreement)), 10);
    // A name exactly as common as the average agreement keeps the level's own weight.
    const flat = Object.assign(() => 0.05, { randomAgreement: 0.05 });
    expect(givenWeight(scorePair(pair('x'), params, { givenName: flat }))).toBeCloseTo(Math.log2(0.7 / u), 10);
  });

  it("'replace' uses the value's frequency as u (Splink), as does a lookup without randomAgreement", () => {
    expect(givenWeight(scorePair(pair('tchiroma'), params, { givenName: tf }, { tfMode: 'replace' }))).toBeCloseTo(Math.log2(0.7 / 0.001), 10);
    expect(givenWeight(scorePair(pair('moussa'), params, { givenName: (v) => tf(v) }))).toBeCloseTo(Math.log2(0.7 / 0.3), 10);
  });

  it('applies the floor to rare and unseen values', () => {
    const floored = scorePair(pair('never-seen'), params, { givenName: tf }, { tfFloor: 0.002, tfMode: 'replace' });
    expect(floored.fields.find((f) => f.field === 'givenName')).toMatchObject({ tfAdjusted: true, u: 0.002, termFrequency: 0 });
    // Without a floor an unseen value (frequency 0) keeps the level's u rather than an infinite weight.
    const unfloored = scorePair(pair('never-seen'), params, { givenName: tf });
    expect(unfloored.fields.find((f) => f.field === 'givenName')).toMatchObject({ tfAdjusted: false, u: 0.03 });
  });
});

describe('scorePair explanation', () => {
  const params = estimateParameters(synthetic(20_000, 5).comparisons);

  it('sums, field by field plus the prior, to the total weight', () => {
    const c: Comparison = {
      ...comparison({ familyName: 'fuzzy', birth: 'one_part_off', phone: 'different', area: 'same' }),
      givenName: { level: 'exact', agreedValue: 'aissa' },
    };
    const score = scorePair(c, params, { givenName: termFrequencies(['aissa', 'aissa', 'hadiza', 'zeinabou']) });
    expect(score.fields.map((f) => f.field)).toEqual([...MATCH_FIELDS]);
    const total = score.priorWeight + score.fields.reduce((s, f) => s + f.weight, 0);
    expect(score.weight).toBeCloseTo(total, 10);
    expect(score.probability).toBeCloseTo(1 / (1 + 2 ** -score.weight), 12);
    expect(score.priorWeight).toBeCloseTo(Math.log2(params.prior / (1 - params.prior)), 12);
    // Missing fields are listed with weight 0.
    expect(score.fields.find((f) => f.field === 'nationalId')).toMatchObject({ level: 'missing', weight: 0, tfAdjusted: false });
    // Strong agreement is positive evidence, disagreement negative.
    expect(score.fields.find((f) => f.field === 'area')?.weight).toBeGreaterThan(0);
    expect(score.fields.find((f) => f.field === 'phone')?.weight).toBeLessThan(0);
  });

  it('gives a level the parameters do not know weight 0', () => {
    const score = scorePair(comparison({ birth: 'no_such_level' }), params);
    expect(score.fields.find((f) => f.field === 'birth')?.weight).toBe(0);
    expect(score.weight).toBeCloseTo(score.priorWeight, 12);
  });
});

describe('parameters as JSON', () => {
  const params = estimateParameters(synthetic(5_000, 6).comparisons);

  it('round-trips', () => {
    const text = parametersToJson(params);
    expect(parametersFromJson(text)).toEqual(params);
    expect(Object.keys((JSON.parse(text) as { fields: object }).fields)).toEqual(['givenName', 'familyName', 'birth', 'phone', 'area']);
  });

  it('rejects invalid parameters', () => {
    expect(() => parametersFromJson('{"prior": 1, "fields": {}}')).toThrow(ModelParametersError);
    expect(() => parametersFromJson('{"prior": 0.1, "fields": {"shoeSize": {"m": {}, "u": {}}}}')).toThrow(/unknown field/);
    expect(() => parametersFromJson('{"prior": 0.1, "fields": {"phone": {"m": {"exact": 0.5}, "u": {"exact": 1}}}}')).toThrow(/sum to 1/);
    expect(() => parametersFromJson('{"prior": 0.1, "fields": {"phone": {"m": {"exact": 1, "missing": 0}, "u": {"exact": 1}}}}')).toThrow(/not a level/);
  });

  it('lists the weight of every level for review', () => {
    const weights = levelWeights(params);
    expect(weights.phone?.exact).toBeGreaterThan(5);
    expect(weights.phone?.different).toBeLessThan(0);
    expect(weights.nationalId).toBeUndefined();
  });
});
