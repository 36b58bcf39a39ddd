import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { generateForDrive } from '../demo/generate-for-drive.ts';
import { findDuplicates } from './find-duplicates.ts';
import { findDuplicatesInParallel } from './parallel-duplicates.ts';
import { personRecordFromInput, type PersonRecord } from './person-record.ts';

describe('findDuplicatesInParallel', () => {
  it('finds exactly what findDuplicates finds, with the same explanations, on worker threads', async () => {
    const drive = loadDrive();
    const records: PersonRecord[] = [];
    let k = 0;
    for (const v of generateForDrive(drive, { count: 3000, seed: 11, duplicateRate: 0.15, duplicateSamePhoneRate: 0.2, today: new Date('2026-06-15T10:00:00Z') })) {
      records.push(personRecordFromInput(`v${k++}`, v.input, 2026));
    }
    const options = { ancestorsOf: (code: string) => drive.ancestorsOf(code) };
    const serial = findDuplicates(records, options);
    const progress: number[] = [];
    const parallel = await findDuplicatesInParallel(records, { ...options, threads: 2, minPairsForThreads: 0, onProgress: (step, done) => step === 'scoring' && progress.push(done) });
    expect(serial.pairs.length).toBeGreaterThan(100);
    expect(parallel.candidatePairs).toBe(serial.candidatePairs);
    expect(parallel.parameters).toEqual(serial.parameters);
    expect(parallel.pairs).toEqual(serial.pairs);
    expect(progress.at(-1)).toBe(serial.candidatePairs);
  });
});
