import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { generateForDrive } from '../demo/generate-for-drive.ts';
import { compareRecords } from './compare-records.ts';
import { DEFAULT_THRESHOLD, findDuplicates, planDuplicates, type MatchedPair } from './find-duplicates.ts';
import { scorePair } from './model/fellegi-sunter.ts';
import { PairWeigher } from './pair-weigher.ts';
import { findDuplicatesInParallel } from './parallel-duplicates.ts';
import { personRecordFromInput, type PersonRecord } from './person-record.ts';

describe('findDuplicatesInParallel', () => {
  const drive = loadDrive();
  const records: PersonRecord[] = [];
  let k = 0;
  for (const v of generateForDrive(drive, { count: 3000, seed: 11, duplicateRate: 0.15, duplicateSamePhoneRate: 0.2, today: new Date('2026-06-15T10:00:00Z') })) {
    records.push(personRecordFromInput(`v${k++}`, v.input, 2026));
  }
  const options = { ancestorsOf: (code: string) => drive.ancestorsOf(code) };

  /** The scoring as it was before record columns: PairWeigher on each candidate pair, in order. */
  function scoredByPairWeigher(threshold: number): MatchedPair[] {
    const plan = planDuplicates(records, options);
    const weigher = new PairWeigher(plan.parameters, plan.tf, options);
    const pairs: MatchedPair[] = [];
    plan.blocks.forEach((i, j) => {
      const a = plan.prepared[i];
      const b = plan.prepared[j];
      if (!a || !b || weigher.probability(a, b) < threshold) return;
      const score = scorePair(compareRecords(a, b, options), plan.parameters, plan.tf);
      pairs.push({ a: a.record.id, b: b.record.id, probability: score.probability, score });
    });
    return pairs;
  }

  it('finds exactly what findDuplicates and the PairWeigher scoring find, with the same explanations, on worker threads', async () => {
    const serial = findDuplicates(records, options);
    expect(serial.pairs.length).toBeGreaterThan(100);
    expect(serial.pairs).toEqual(scoredByPairWeigher(DEFAULT_THRESHOLD));
    const progress: number[] = [];
    // Small chunks, shared between this thread and a worker.
    const parallel = await findDuplicatesInParallel(records, { ...options, threads: 2, minPairsForThreads: 0, chunk: 97, onProgress: (step, done) => step === 'scoring' && progress.push(done) });
    expect(parallel.candidatePairs).toBe(serial.candidatePairs);
    expect(parallel.parameters).toEqual(serial.parameters);
    expect(parallel.pairs).toEqual(serial.pairs);
    expect(progress.at(-1)).toBe(serial.candidatePairs);
  });

  it('gives the same pairs when worker threads score every chunk, at the review threshold', async () => {
    const expected = scoredByPairWeigher(0.5);
    const parallel = await findDuplicatesInParallel(records, { ...options, threshold: 0.5, threads: 3, minPairsForThreads: 0, chunk: 501, scoreHere: false });
    expect(expected.length).toBeGreaterThan(100);
    expect(parallel.pairs).toEqual(expected);
  });
});
