/**
 * The Fellegi-Sunter match model. Each compared field of a pair lands on an agreement level
 * (levels.ts); each level has m = P(level | same person) and u = P(level | different people), and the
 * evidence of the pair is the sum over fields of log2(m / u) (a log Bayes factor: +1 doubles the odds
 * of a match). Fields missing on either side add nothing. The prior log-odds of a pair being a match
 * are added to give the total weight, and the probability follows from it.
 *
 * Parameters are estimated from the data, never guessed, by expectation maximisation over comparison
 * vectors (no labels needed). Three ways were measured on the Febrl data sets (scripts/dedup-smoke.ts):
 * EM on the candidate pairs alone; u from random pairs (Splink) with m and prior by EM over all pairs;
 * and m, u and prior all by EM over all pairs (`estimateOnAllPairs`, candidates plus a weighted random
 * sample of the rest). The last gave the best F1 everywhere and is the recommended one.
 *
 * Names agreeing on a common value ("Moussa") are worth less than on a rare one: term-frequency
 * adjustment scales u by that value's frequency (`scorePair`).
 *
 * Parameters are plain JSON so that they can be saved with a run and reviewed (`parametersToJson`,
 * `levelWeights`).
 */
import { LEVELS } from '../levels.ts';
import type { Comparison } from '../levels.ts';
import { MATCH_FIELDS } from '../person-record.ts';
import type { MatchField } from '../person-record.ts';

export interface FieldParameters {
  /** P(level | match), per level. Sums to 1 over the field's levels; 'missing' is not a level. */
  m: Record<string, number>;
  /** P(level | non-match), per level. */
  u: Record<string, number>;
}

export interface ModelParameters {
  /**
   * Proportion of matches among the pairs the model was estimated on: the candidate pairs, or every
   * pair of the data set with `estimateOnAllPairs` (then about duplicates / (n^2 / 2)).
   */
  prior: number;
  /** Fields absent here carry no weight (for instance a field no record of the data set has). */
  fields: { [F in MatchField]?: FieldParameters };
}

/** u per field and level, as estimated from random pairs. */
export type UParameters = { [F in MatchField]?: Record<string, number> };

const MISSING = 'missing';

// ---------------------------------------------------------------------------------------------------
// Comparison patterns
// ---------------------------------------------------------------------------------------------------

/**
 * Estimation only depends on the levels of a pair, and a data set's pairs fall on a few hundred
 * distinct level vectors: EM runs over those with their counts instead of over millions of pairs.
 */
interface Pattern {
  /** Level index per modelled field, -1 for missing. */
  levels: Int32Array;
  /** How many pairs (or how much weight, see EstimateOptions.weights) show this vector. */
  count: number;
}

interface PatternSet {
  fields: MatchField[];
  /** Level names per modelled field, in levels.ts order, then any other level the comparators gave. */
  levels: string[][];
  patterns: Pattern[];
  total: number;
}

function levelNames(field: MatchField, comparisons: readonly Comparison[], extra?: Iterable<string>): string[] {
  const names = [...LEVELS[field]];
  const add = (level: string): void => {
    if (level !== MISSING && !names.includes(level)) names.push(level);
  };
  for (const level of extra ?? []) add(level);
  for (const c of comparisons) add(c[field].level);
  return names;
}

function buildPatterns(comparisons: readonly Comparison[], fields: MatchField[], extraLevels?: ModelParameters, weights?: readonly number[]): PatternSet {
  const levels = fields.map((f) => {
    const known = extraLevels?.fields[f];
    return levelNames(f, comparisons, known ? [...Object.keys(known.m), ...Object.keys(known.u)] : undefined);
  });
  const indexes = levels.map((names) => new Map(names.map((name, i) => [name, i])));
  const byKey = new Map<string, Pattern>();
  let total = 0;
  comparisons.forEach((c, index) => {
    const weight = weights?.[index] ?? 1;
    total += weight;
    const vector = new Int32Array(fields.length);
    fields.forEach((f, k) => {
      const level = c[f].level;
      vector[k] = level === MISSING ? -1 : (indexes[k]?.get(level) ?? -1);
    });
    const key = vector.join(',');
    const pattern = byKey.get(key);
    if (pattern) pattern.count += weight;
    else byKey.set(key, { levels: vector, count: weight });
  });
  return { fields, levels, patterns: [...byKey.values()], total };
}

// ---------------------------------------------------------------------------------------------------
// Estimation
// ---------------------------------------------------------------------------------------------------

export interface EstimateOptions {
  /** Starting point; by default `initialParameters(comparisons)`. */
  initial?: ModelParameters;
  /** 100 by default. */
  maxIterations?: number;
  /** Stop when no probability moves by more than this in an iteration. 1e-6 by default. */
  tolerance?: number;
  /**
   * Keep u at its initial value (all fields, or the fields listed) and estimate only m and the prior:
   * for u estimated from random pairs (`estimateU`).
   */
  fixU?: boolean | readonly MatchField[];
  /**
   * Laplace pseudo-count added to every level of every field, in each class, in each M-step, so that
   * no probability is ever 0: a level never seen among matches would otherwise veto any pair showing
   * it. 1 by default. See `smoothLevels` for levels one class never shows.
   */
  smoothing?: number;
  /**
   * How many pairs each comparison stands for (1 by default). Lets EM run over every pair of a data
   * set without comparing them all: the candidate pairs with weight 1, plus a random sample of the
   * other pairs, each weighing (other pairs / sample size). See `estimateParameters`.
   */
  weights?: readonly number[];
  /** Fields to model; by default every field that is not missing in at least one comparison. */
  fields?: readonly MatchField[];
  /** Called after each iteration with the log-likelihood of the data under the new parameters. */
  onIteration?: (iteration: number, logLikelihood: number, params: ModelParameters) => void;
}

function presentFields(comparisons: readonly Comparison[]): MatchField[] {
  return MATCH_FIELDS.filter((f) => comparisons.some((c) => c[f].level !== MISSING));
}

function smoothedFrequencies(counts: readonly number[], total: number, names: readonly string[], smoothing: number): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((name, i) => {
    out[name] = ((counts[i] ?? 0) + smoothing) / (total + smoothing * names.length);
  });
  return out;
}

/**
 * u from random pairs of records: these are almost all non-matches (in a data set of n records with d
 * duplicate pairs, a fraction d / (n(n-1)/2)), so the level frequencies among them are u. This is what
 * Splink does: u from sampling, m by EM, since u estimated by EM on blocked pairs alone is biased
 * (blocking keeps non-matches that already agree on the blocking keys). Use with
 * `initialParameters(pairs, { u })` and `fixU: true`. Caveat, measured: where duplicates are dense the
 * sample holds enough of them to inflate u for the strongest levels (see `estimateOnAllPairs`).
 */
export function estimateU(randomComparisons: readonly Comparison[], options: { smoothing?: number } = {}): UParameters {
  const smoothing = options.smoothing ?? 1;
  const out: UParameters = {};
  for (const field of MATCH_FIELDS) {
    const names = levelNames(field, randomComparisons);
    const counts = names.map(() => 0);
    let total = 0;
    for (const c of randomComparisons) {
      const i = names.indexOf(c[field].level);
      if (i < 0) continue;
      counts[i] = (counts[i] ?? 0) + 1;
      total += 1;
    }
    if (total > 0) out[field] = smoothedFrequencies(counts, total, names, smoothing);
  }
  return out;
}

/**
 * Starting values for EM, from the data:
 * - u: the level frequencies among the pairs themselves (most candidate pairs are non-matches), or
 *   the `u` given (from `estimateU`);
 * - m: most of the mass on the strongest level, then halving level by level down to `different`
 *   (duplicates mostly agree, and when they do not, by a little rather than a lot);
 * - prior: the share of pairs (by `weights`) whose weight under those m and u is positive.
 * EM only needs a start on the right side (matches agree more than non-matches); where it ends is
 * decided by the data.
 */
export function initialParameters(comparisons: readonly Comparison[], options: { u?: UParameters; weights?: readonly number[] } = {}): ModelParameters {
  const fields = presentFields(comparisons);
  const set = buildPatterns(comparisons, fields, undefined, options.weights);
  const params: ModelParameters = { prior: 0.1, fields: {} };
  set.fields.forEach((field, k) => {
    const names = set.levels[k] ?? [];
    const counts = names.map(() => 0);
    let total = 0;
    for (const p of set.patterns) {
      const level = p.levels[k] ?? -1;
      if (level < 0) continue;
      counts[level] = (counts[level] ?? 0) + p.count;
      total += p.count;
    }
    // 0.9 on the strongest level, the other 0.1 halving level by level.
    const rest = names.map((_, i) => (i === 0 ? 0 : 2 ** (names.length - 1 - i)));
    const restTotal = sum(rest);
    const m: Record<string, number> = {};
    names.forEach((name, i) => {
      m[name] = i === 0 ? (names.length === 1 ? 1 : 0.9) : (0.1 * (rest[i] ?? 0)) / restTotal;
    });
    const given = options.u?.[field];
    params.fields[field] = { m, u: given ? fillLevels(given, names) : smoothedFrequencies(counts, total, names, 1) };
  });
  let positive = 0;
  for (const p of set.patterns) {
    if (patternLogBayesFactor(p, set, params) > 0) positive += p.count;
  }
  params.prior = clamp(positive / (set.total > 0 ? set.total : 1), 1e-12, 0.5);
  return params;
}

/**
 * The probabilities of `names` from `probabilities`, a level it lacks (or gives 0) getting a tiny
 * share so that it is never a veto, renormalised to sum to 1. The share is far below any estimated
 * probability (a level seen once in 10^8 pairs), so it does not distort what was estimated.
 */
function fillLevels(probabilities: Record<string, number> | undefined, names: readonly string[]): Record<string, number> {
  const floor = 1e-9;
  const raw = names.map((name) => Math.max(floor, probabilities?.[name] ?? floor));
  const total = sum(raw);
  const result: Record<string, number> = {};
  names.forEach((name, i) => {
    result[name] = (raw[i] ?? floor) / total;
  });
  return result;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

/** Natural-log Bayes factor of a pattern (sum over non-missing fields of ln(m / u)). */
function patternLogBayesFactor(p: Pattern, set: PatternSet, params: ModelParameters): number {
  let sum = 0;
  set.fields.forEach((field, k) => {
    const level = p.levels[k] ?? -1;
    const name = level < 0 ? undefined : set.levels[k]?.[level];
    const fp = params.fields[field];
    if (name === undefined || !fp) return;
    const m = fp.m[name];
    const u = fp.u[name];
    if (m !== undefined && u !== undefined && m > 0 && u > 0) sum += Math.log(m / u);
  });
  return sum;
}

/**
 * Estimates m, u and the prior by EM on comparison vectors, without labels. The E-step gives each
 * pair its probability of being a match under the current parameters; the M-step re-estimates m (u)
 * as the match-weighted (non-match-weighted) level frequencies, with Laplace smoothing. Fields missing
 * in a pair are left out of that pair's likelihood (missing at random).
 *
 * What the estimates mean depends on the pairs given:
 * - Candidate pairs from blocking: the prior is the share of matches among candidates, and u is
 *   P(level | non-match among candidates), inflated for the fields blocking keys on (candidates that
 *   are not matches were paired because they share a name or a date). Scores are then posteriors
 *   among candidate pairs, which is what deduplication needs; term-frequency adjustment must be
 *   relative to the level's u (the default of `scorePair`).
 * - Every pair (candidates plus a weighted random sample of the rest, `weights`): population
 *   parameters as in Splink, with u optionally fixed from `estimateU`. The prior is then tiny (about
 *   duplicates / (n^2 / 2)) and m, u and prior are consistent for any pair, blocked or not.
 */
export function estimateParameters(comparisons: readonly Comparison[], options: EstimateOptions = {}): ModelParameters {
  const fields = options.fields ? [...options.fields] : presentFields(comparisons);
  // Fields the given start lacks start from the default, rather than from uniform m and u (which EM
  // could never move: a field whose classes look alike gets no share of the posterior).
  let initial = options.initial ?? initialParameters(comparisons, { weights: options.weights });
  if (fields.some((f) => !initial.fields[f])) {
    const defaults = initialParameters(comparisons, { weights: options.weights });
    initial = { prior: initial.prior, fields: { ...defaults.fields, ...initial.fields } };
  }
  const set = buildPatterns(comparisons, fields, initial, options.weights);
  const smoothing = options.smoothing ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const fixed = new Set<MatchField>(options.fixU === true ? fields : options.fixU === false || options.fixU === undefined ? [] : options.fixU);

  let params = normalise(initial, set);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // E-step, accumulated straight into the M-step's expected counts.
    const mCounts = set.levels.map((names) => names.map(() => 0));
    const uCounts = set.levels.map((names) => names.map(() => 0));
    const logPriorOdds = Math.log(params.prior / (1 - params.prior));
    let matchMass = 0;
    let logLikelihood = 0;
    for (const p of set.patterns) {
      const logOdds = logPriorOdds + patternLogBayesFactor(p, set, params);
      const posterior = 1 / (1 + Math.exp(-logOdds));
      matchMass += posterior * p.count;
      logLikelihood += p.count * patternLogLikelihood(p, set, params);
      p.levels.forEach((level, k) => {
        if (level < 0) return;
        const mk = mCounts[k] as number[];
        const uk = uCounts[k] as number[];
        mk[level] = (mk[level] ?? 0) + posterior * p.count;
        uk[level] = (uk[level] ?? 0) + (1 - posterior) * p.count;
      });
    }
    // M-step.
    // Clamped only to keep the logs finite: over all pairs of a million records the prior is ~1e-8.
    const next: ModelParameters = { prior: clamp(matchMass / (set.total > 0 ? set.total : 1), 1e-15, 1 - 1e-15), fields: {} };
    set.fields.forEach((field, k) => {
      const names = set.levels[k] ?? [];
      const mk = mCounts[k] ?? [];
      const uk = uCounts[k] ?? [];
      const previous = params.fields[field];
      next.fields[field] = smoothLevels(mk, uk, names, smoothing, fixed.has(field) && previous ? previous.u : undefined);
    });
    const change = maxChange(params, next);
    params = next;
    options.onIteration?.(iteration, logLikelihood, params);
    if (change < tolerance) break;
  }
  return params;
}

/**
 * m and u of one field from the expected counts of each class, Laplace-smoothed. Smoothing alone
 * would give a level that a class never shows the probability pseudo-count / class size, and the
 * classes differ in size by orders of magnitude (a few thousand matches, millions of non-matches): a
 * level seen by nobody, or by one non-match pair, would get m = 1/6000 against u = 1/10^7, a weight of
 * +10 that is pure smoothing. So when a class has less than one expected pair at a level, its
 * estimate there says nothing about the direction of the evidence, and it may not point away from the
 * other class: m is lowered to u (or u to m) and the level weighs about 0. When the other class does
 * show the level, the level keeps its (bounded) negative weight: 0 of 6,000 matches one year apart
 * against 2% of non-matches is real evidence, and smoothing keeps it near log2(1/6000 / 0.02) = -7
 * rather than an unbounded veto.
 */
function smoothLevels(
  mCounts: readonly number[],
  uCounts: readonly number[],
  names: readonly string[],
  smoothing: number,
  fixedU: Record<string, number> | undefined,
): FieldParameters {
  const m = smoothedFrequencies(mCounts, sum(mCounts), names, smoothing);
  const u = fixedU ?? smoothedFrequencies(uCounts, sum(uCounts), names, smoothing);
  let adjusted = false;
  names.forEach((name, i) => {
    const mi = m[name] ?? 0;
    const ui = u[name] ?? 0;
    if ((mCounts[i] ?? 0) < 1 && mi > ui) {
      m[name] = ui;
      adjusted = true;
    } else if (!fixedU && (uCounts[i] ?? 0) < 1 && ui > mi) {
      u[name] = mi;
      adjusted = true;
    }
  });
  if (!adjusted) return { m, u };
  return { m: renormalise(m), u: fixedU ?? renormalise(u) };
}

function renormalise(probabilities: Record<string, number>): Record<string, number> {
  const total = sum(Object.values(probabilities));
  const out: Record<string, number> = {};
  for (const [level, p] of Object.entries(probabilities)) out[level] = p / total;
  return out;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}

/** The pairs of a whole data set, represented without comparing them all. */
export interface AllPairsSample {
  /** Comparisons of every candidate pair (from blocking). */
  candidates: readonly Comparison[];
  /** Comparisons of pairs drawn at random among the pairs that are not candidates. */
  others: readonly Comparison[];
  /** How many pairs are not candidates: n(n - 1) / 2 minus the candidates. */
  otherPairs: number;
}

/**
 * EM over every pair of a data set: the candidate pairs count once each and the sampled others each
 * stand for otherPairs / others.length pairs. This is the recommended estimation (see the measurements
 * in scripts/dedup-smoke.ts): unlike EM on candidates alone, u is not inflated by the blocking (so
 * term-frequency adjustment and u agree), and unlike u from random pairs (`estimateU`), u is not
 * inflated by the duplicates a random sample contains when a data set holds many (Febrl's dataset3:
 * about 100 matches in 200,000 random pairs, which drags the weight of an exact birth date from +15
 * down to +11). The prior is the share of matches among all pairs, so that scores are posteriors
 * for any pair, candidate or not.
 */
export function estimateOnAllPairs(sample: AllPairsSample, options: Omit<EstimateOptions, 'weights'> = {}): ModelParameters {
  const comparisons = [...sample.candidates, ...sample.others];
  const otherWeight = sample.others.length === 0 ? 0 : sample.otherPairs / sample.others.length;
  const weights = comparisons.map((_, k) => (k < sample.candidates.length ? 1 : otherWeight));
  return estimateParameters(comparisons, { ...options, initial: options.initial ?? initialParameters(comparisons, { weights }), weights });
}

/** log P(pattern) under the two-class mixture, for monitoring convergence. */
function patternLogLikelihood(p: Pattern, set: PatternSet, params: ModelParameters): number {
  let logM = Math.log(params.prior);
  let logU = Math.log(1 - params.prior);
  set.fields.forEach((field, k) => {
    const level = p.levels[k] ?? -1;
    const name = level < 0 ? undefined : set.levels[k]?.[level];
    const fp = params.fields[field];
    if (name === undefined || !fp) return;
    logM += Math.log(fp.m[name] ?? 1);
    logU += Math.log(fp.u[name] ?? 1);
  });
  const top = Math.max(logM, logU);
  return top + Math.log(Math.exp(logM - top) + Math.exp(logU - top));
}

/** Restricts the parameters to the modelled fields and their levels (see `fillLevels`). */
function normalise(params: ModelParameters, set: PatternSet): ModelParameters {
  const out: ModelParameters = { prior: clamp(params.prior, 1e-15, 1 - 1e-15), fields: {} };
  set.fields.forEach((field, k) => {
    const names = set.levels[k] ?? [];
    const fp = params.fields[field];
    out.fields[field] = { m: fillLevels(fp?.m, names), u: fillLevels(fp?.u, names) };
  });
  return out;
}

function maxChange(a: ModelParameters, b: ModelParameters): number {
  let change = Math.abs(a.prior - b.prior);
  for (const field of MATCH_FIELDS) {
    const fa = a.fields[field];
    const fb = b.fields[field];
    if (!fa || !fb) continue;
    for (const key of ['m', 'u'] as const) {
      for (const [level, value] of Object.entries(fb[key])) change = Math.max(change, Math.abs(value - (fa[key][level] ?? 0)));
    }
  }
  return change;
}

// ---------------------------------------------------------------------------------------------------
// Term frequencies and scoring
// ---------------------------------------------------------------------------------------------------

/**
 * A value's share of the records, with the probability that two random records agree on a value
 * (the sum of squared shares): the u an exact comparison of this key would have among random pairs.
 */
export interface TermFrequency {
  (value: string): number;
  readonly randomAgreement: number;
}

/**
 * The relative frequency of each value among records: for a value v held by a share p of records, a
 * random other record holds v with probability p, so p is u for "agree on v" (Splink's term
 * frequency). Values never seen give 0 (see `scorePair`). Values are looked up as given: build the
 * table from the same keys the comparator reports as `agreedValue` (for instance normalised or
 * canonical names).
 */
export function termFrequencies(values: Iterable<string>): TermFrequency {
  const counts = new Map<string, number>();
  let total = 0;
  for (const value of values) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
    total += 1;
  }
  let randomAgreement = 0;
  for (const count of counts.values()) randomAgreement += (count / total) ** 2;
  const lookup = (value: string): number => (total === 0 ? 0 : (counts.get(value) ?? 0) / total);
  return Object.assign(lookup, { randomAgreement });
}

/** A frequency lookup: `termFrequencies`, or any function giving a value's share of the records. */
export type TermFrequencyLookup = ((value: string) => number) & { readonly randomAgreement?: number };

/** Frequency lookups for term-frequency adjustment, per field whose comparator reports `agreedValue`. */
export type TermFrequencyLookups = { [F in MatchField]?: TermFrequencyLookup };

export interface ScoreOptions {
  /**
   * How the agreed value's frequency p replaces the level's u:
   * - 'relative' (default): u x p / randomAgreement, i.e. the level's u scaled by how much more or less
   *   common the value is than the average agreement. Right whatever pairs u was estimated on: for u
   *   from random pairs u ~ randomAgreement and this is Splink's p; for u estimated by EM on blocked
   *   pairs (where non-matches agree on names far more often than random pairs, since blocking paired
   *   them for it) it keeps that inflation, which replacing u by p would silently drop, over-counting
   *   every name agreement by the blocking's factor. Needs the lookup's `randomAgreement` (as
   *   `termFrequencies` gives); without it, falls back to 'replace'.
   * - 'replace': u = p, Splink's formula, correct when u comes from random pairs (`estimateU`).
   */
  tfMode?: 'relative' | 'replace';
  /**
   * Smallest frequency p used, so that a value seen once (often a typo shared by two copies of one
   * record, but sometimes a coincidence) cannot outweigh every other field; Splink's
   * tf_minimum_u_value. An unseen value (p = 0) with no floor keeps the level's plain u. 0 by default.
   */
  tfFloor?: number;
}

export interface FieldExplanation {
  field: MatchField;
  /** The agreement level, or 'missing'. */
  level: string;
  /** log2(m / u) for this level (u adjusted for the agreed value when `tfAdjusted`); 0 when missing. */
  weight: number;
  m?: number;
  /** The u used: the level's, or the one adjusted for the agreed value when `tfAdjusted`. */
  u?: number;
  agreedValue?: string;
  /** The agreed value's share of the records, when it was looked up. */
  termFrequency?: number;
  tfAdjusted: boolean;
}

export interface PairScore {
  /** Total log2 Bayes factor, including the prior log-odds: `priorWeight` + the fields' weights. */
  weight: number;
  /** log2(prior / (1 - prior)). */
  priorWeight: number;
  /** P(match | comparison) = 1 / (1 + 2^-weight). */
  probability: number;
  /** Field by field, in MATCH_FIELDS order: why the pair scored what it did. */
  fields: FieldExplanation[];
}

/**
 * Scores one compared pair. For a level that carries an `agreedValue` (names agreeing exactly or by
 * alias) and a field with a frequency lookup, u is adjusted to the value's frequency (see
 * ScoreOptions.tfMode): agreeing on "Moussa" is weaker evidence than agreeing on "Tchiroma". A field
 * or level the parameters do not know weighs 0, as does a missing field.
 */
export function scorePair(comparison: Comparison, params: ModelParameters, tf: TermFrequencyLookups = {}, options: ScoreOptions = {}): PairScore {
  const fields: FieldExplanation[] = [];
  const weight = weigh(comparison, params, tf, options, fields);
  return { weight, priorWeight: Math.log2(params.prior / (1 - params.prior)), probability: 1 / (1 + 2 ** -weight), fields };
}

/** scorePair's probability alone, without the explanation: for the millions of pairs of a batch run. */
export function matchProbability(comparison: Comparison, params: ModelParameters, tf: TermFrequencyLookups = {}, options: ScoreOptions = {}): number {
  return 1 / (1 + 2 ** -weigh(comparison, params, tf, options, null));
}

/** The total weight of a pair; explains each field into `explain` when given. */
function weigh(comparison: Comparison, params: ModelParameters, tf: TermFrequencyLookups, options: ScoreOptions, explain: FieldExplanation[] | null): number {
  const floor = options.tfFloor ?? 0;
  let weight = Math.log2(params.prior / (1 - params.prior));
  for (const field of MATCH_FIELDS) {
    const fc = comparison[field];
    const fp = params.fields[field];
    const m = fp?.m[fc.level];
    const levelU = fp?.u[fc.level];
    let u = levelU;
    let fieldWeight = 0;
    let seen: number | undefined;
    let tfAdjusted = false;
    const counted = fc.level !== MISSING && m !== undefined && levelU !== undefined && m > 0 && levelU > 0;
    if (counted) {
      u = levelU;
      const lookup = tf[field];
      if (fc.agreedValue !== undefined && lookup) {
        seen = lookup(fc.agreedValue);
        const frequency = Math.max(seen, floor);
        if (frequency > 0) {
          const average = lookup.randomAgreement;
          u = (options.tfMode ?? 'relative') === 'relative' && average !== undefined && average > 0 ? Math.min(1, (u * frequency) / average) : frequency;
          tfAdjusted = true;
        }
      }
      fieldWeight = Math.log2(m / u);
      weight += fieldWeight;
    }
    if (explain !== null) {
      const explanation: FieldExplanation = { field, level: fc.level, weight: fieldWeight, tfAdjusted };
      if (fc.agreedValue !== undefined) explanation.agreedValue = fc.agreedValue;
      if (seen !== undefined) explanation.termFrequency = seen;
      if (counted) {
        explanation.m = m;
        explanation.u = u;
      }
      explain.push(explanation);
    }
  }
  return weight;
}

// ---------------------------------------------------------------------------------------------------
// Review and storage
// ---------------------------------------------------------------------------------------------------

/** log2(m / u) per field and level: the table a reviewer reads to see what each level is worth. */
export function levelWeights(params: ModelParameters): { [F in MatchField]?: Record<string, number> } {
  const out: { [F in MatchField]?: Record<string, number> } = {};
  for (const field of MATCH_FIELDS) {
    const fp = params.fields[field];
    if (!fp) continue;
    const weights: Record<string, number> = {};
    for (const [level, m] of Object.entries(fp.m)) {
      const u = fp.u[level];
      if (u !== undefined && u > 0 && m > 0) weights[level] = Math.log2(m / u);
    }
    out[field] = weights;
  }
  return out;
}

export class ModelParametersError extends Error {}

/** Stable, indented JSON (fields in MATCH_FIELDS order) so saved parameters diff well in review. */
export function parametersToJson(params: ModelParameters): string {
  const fields: Record<string, FieldParameters> = {};
  for (const field of MATCH_FIELDS) {
    const fp = params.fields[field];
    if (fp) fields[field] = { m: { ...fp.m }, u: { ...fp.u } };
  }
  return `${JSON.stringify({ prior: params.prior, fields }, null, 2)}\n`;
}

/** Reads parameters saved by `parametersToJson`, rejecting anything that is not a valid model. */
export function parametersFromJson(text: string): ModelParameters {
  const data: unknown = JSON.parse(text);
  if (!isRecord(data)) throw new ModelParametersError('parameters must be an object');
  const prior = data.prior;
  if (typeof prior !== 'number' || !(prior > 0 && prior < 1)) throw new ModelParametersError('prior must be a number strictly between 0 and 1');
  if (!isRecord(data.fields)) throw new ModelParametersError('fields must be an object');
  const params: ModelParameters = { prior, fields: {} };
  for (const [field, value] of Object.entries(data.fields)) {
    if (!(MATCH_FIELDS as readonly string[]).includes(field)) throw new ModelParametersError(`unknown field ${field}`);
    if (!isRecord(value)) throw new ModelParametersError(`${field} must be an object`);
    params.fields[field as MatchField] = { m: probabilities(value.m, `${field}.m`), u: probabilities(value.u, `${field}.u`) };
  }
  return params;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function probabilities(value: unknown, where: string): Record<string, number> {
  if (!isRecord(value)) throw new ModelParametersError(`${where} must be an object`);
  const out: Record<string, number> = {};
  for (const [level, p] of Object.entries(value)) {
    if (level === MISSING) throw new ModelParametersError(`${where}: 'missing' is not a level`);
    if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new ModelParametersError(`${where}.${level} must be a probability above 0`);
    out[level] = p;
  }
  const total = sum(Object.values(out));
  if (Math.abs(total - 1) > 1e-6) throw new ModelParametersError(`${where} must sum to 1 (got ${total})`);
  return out;
}
