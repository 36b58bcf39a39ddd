import { createRandom } from '../demo/random.ts';
import { CandidatePairs, PAIR_SHIFT, type BlockingOptions, type BlockingStats } from './blocking.ts';
import { compareRecords, type CompareOptions } from './compare-records.ts';
import type { Comparison } from './levels.ts';
import {
  estimateParameters,
  initialParameters,
  scorePair,
  termFrequencies,
  type ModelParameters,
  type PairScore,
  type TermFrequencyLookups,
} from './model/fellegi-sunter.ts';
import { nameValue } from './names/compare-names.ts';
import type { PersonRecord } from './person-record.ts';
import { prepareRecord, type PreparedRecord } from './prepared-record.ts';
import { ColumnWeigher, recordColumns } from './record-columns.ts';

export interface FindOptions extends CompareOptions, BlockingOptions {
  /** Pairs at or above this match probability are reported. */
  threshold?: number;
  /** Parameters to use as they are; estimated from the records (EM over all pairs) when absent. */
  parameters?: ModelParameters;
  /** Random seed for the samples EM runs on (results are reproducible). */
  seed?: number;
  /** Called now and then with (step, done, total). */
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface MatchedPair {
  a: string;
  b: string;
  probability: number;
  score: PairScore;
}

export interface FindResult {
  pairs: MatchedPair[];
  candidatePairs: number;
  blocking: readonly BlockingStats[];
  parameters: ModelParameters;
}

/** At most this many candidate comparisons feed EM; more are sampled and weighted. */
const MAX_EM_CANDIDATES = 300_000;
/** Random non-candidate pairs standing for all the others in EM. */
const RANDOM_OTHERS = 200_000;

/**
 * Match probability from which a pair is judged the same person (what `muster dedup-file` reports).
 * Measured with `npm run bench:dedup`: on the synthetic Nigerien registry, 0.5 gives the best F1
 * (precision 0.985, recall 0.990) but 0.8 gives the precision a merge needs (0.994, recall 0.961),
 * while keeping Febrl's F1 within 0.004 of its best (dataset3 0.980 without ID numbers, 0.998 with).
 * The review queue starts lower (REVIEW_THRESHOLD): a person decides the middle band.
 */
export const DEFAULT_THRESHOLD = 0.8;

/** Everything decided before scoring: the prepared records, their candidate pairs, the model. */
export interface DuplicatePlan {
  prepared: PreparedRecord[];
  blocks: CandidatePairs;
  tf: TermFrequencyLookups;
  parameters: ModelParameters;
}

/** Frequency of each name among the records (for term-frequency adjustment). */
export function nameFrequencies(prepared: readonly PreparedRecord[]): TermFrequencyLookups {
  return {
    givenName: termFrequencies(prepared.filter((p) => p.given.canonical.length > 0).map((p) => nameValue(p.given))),
    familyName: termFrequencies(prepared.filter((p) => p.family.canonical.length > 0).map((p) => nameValue(p.family))),
  };
}

/**
 * Prepares, blocks and estimates the model (EM over every pair of the data: a sample of the candidate
 * pairs plus a weighted random sample of the others), unless parameters are given.
 */
export function planDuplicates(records: readonly PersonRecord[], options: FindOptions = {}): DuplicatePlan {
  const generator = createRandom(options.seed ?? 1);
  const random = () => generator.next();
  const prepared: PreparedRecord[] = records.map((r) => prepareRecord(r, options.ancestorsOf));
  options.onProgress?.('blocking', 0, records.length);
  const blocks = new CandidatePairs(prepared, options);
  const count = blocks.size;
  const compare = (i: number, j: number): Comparison => compareRecords(prepared[i] as PreparedRecord, prepared[j] as PreparedRecord, options);
  const tf = nameFrequencies(prepared);

  let parameters = options.parameters;
  if (!parameters) {
    const comparisons: Comparison[] = [];
    const weights: number[] = [];
    const emCandidates = Math.min(count, MAX_EM_CANDIDATES);
    const candidateWeight = emCandidates === 0 ? 0 : count / emCandidates;
    for (let k = 0; k < emCandidates; k++) {
      const pick = count <= MAX_EM_CANDIDATES ? k : Math.floor(random() * count);
      comparisons.push(compare(...blocks.pairAt(pick)));
      weights.push(candidateWeight);
    }
    const n = prepared.length;
    const allPairs = (n * (n - 1)) / 2;
    const otherPairs = Math.max(0, allPairs - count);
    const others: Comparison[] = [];
    for (let tries = 0; others.length < Math.min(RANDOM_OTHERS, otherPairs) && tries < RANDOM_OTHERS * 4; tries++) {
      const i = Math.floor(random() * n);
      const j = Math.floor(random() * n);
      if (i === j || blocks.isCandidate(Math.min(i, j), Math.max(i, j))) continue;
      others.push(compare(i, j));
    }
    for (const c of others) {
      comparisons.push(c);
      weights.push(otherPairs / others.length);
    }
    options.onProgress?.('estimating', 0, comparisons.length);
    parameters = estimateParameters(comparisons, { initial: initialParameters(comparisons, { weights }), weights });
  }
  return { prepared, blocks, tf, parameters };
}

/**
 * The candidate pairs among positions `from` to `to` of the sorted candidate list whose match
 * probability reaches the threshold, as their positions (increasing).
 */
export function matchCandidates(weigher: ColumnWeigher, pairCodes: ArrayLike<number>, range: { from: number; to: number }, threshold: number, matched: number[] = []): number[] {
  for (let k = range.from; k < range.to; k++) {
    const code = pairCodes[k] as number;
    const i = Math.floor(code / PAIR_SHIFT);
    if (weigher.probability(i, code - i * PAIR_SHIFT) >= threshold) matched.push(k);
  }
  return matched;
}

/** The matched candidate pairs (positions, increasing) with their field-by-field explanations. */
export function explainMatches(plan: DuplicatePlan, matched: ArrayLike<number>, options: CompareOptions): MatchedPair[] {
  const pairs: MatchedPair[] = [];
  for (let m = 0; m < matched.length; m++) {
    const [i, j] = plan.blocks.pairAt(matched[m] as number);
    const a = plan.prepared[i] as PreparedRecord;
    const b = plan.prepared[j] as PreparedRecord;
    const score = scorePair(compareRecords(a, b, options), plan.parameters, plan.tf);
    pairs.push({ a: a.record.id, b: b.record.id, probability: score.probability, score });
  }
  return pairs;
}

/** Candidate pairs scored between two progress reports (and shared out between threads). */
export const SCORING_CHUNK = 100_000;

/**
 * Finds the pairs of records that are the same person: blocking, comparison field by field, a
 * Fellegi-Sunter model whose m, u and prior are estimated by EM over every pair of the data (candidate
 * pairs plus a weighted random sample of the others), term-frequency adjustment of names, and a
 * probability threshold. Every reported pair carries its field-by-field explanation.
 */
export function findDuplicates(records: readonly PersonRecord[], options: FindOptions = {}): FindResult {
  return scorePlan(planDuplicates(records, options), options);
}

/** Scores every candidate pair of a plan on this thread. */
export function scorePlan(plan: DuplicatePlan, options: FindOptions): FindResult {
  const count = plan.blocks.size;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const weigher = new ColumnWeigher(recordColumns(plan.prepared), plan.parameters, plan.tf, options);
  const codes = plan.blocks.pairCodes();
  const matched: number[] = [];
  for (let from = 0; from < count; from += SCORING_CHUNK) {
    matchCandidates(weigher, codes, { from, to: Math.min(count, from + SCORING_CHUNK) }, threshold, matched);
    options.onProgress?.('scoring', Math.min(count, from + SCORING_CHUNK), count);
  }
  options.onProgress?.('scoring', count, count);
  return { pairs: explainMatches(plan, matched, options), candidatePairs: count, blocking: plan.blocks.stats, parameters: plan.parameters };
}
