import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { generateForDrive } from '../demo/generate-for-drive.ts';
import { findDuplicates } from './find-duplicates.ts';
import { evaluatePairs } from './model/evaluate.ts';
import { personRecordFromInput, type PersonRecord } from './person-record.ts';

/** A synthetic Nigerien population where one registration in ten is the same person again, written otherwise. */
function population(count: number): { records: PersonRecord[]; truth: Array<[string, string]> } {
  const records: PersonRecord[] = [];
  const byPerson = new Map<number, string[]>();
  let k = 0;
  for (const v of generateForDrive(loadDrive(), { count, seed: 11, duplicateRate: 0.1, duplicateSamePhoneRate: 0, today: new Date('2026-06-15T10:00:00Z') })) {
    const id = `v${k++}`;
    byPerson.set(v.personId, [...(byPerson.get(v.personId) ?? []), id]);
    records.push({ ...personRecordFromInput(id, v.input, 2026), nationalId: null });
  }
  const truth: Array<[string, string]> = [];
  for (const ids of byPerson.values()) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) truth.push([ids[i] as string, ids[j] as string]);
  return { records, truth };
}

describe('finding duplicates', () => {
  const { records, truth } = population(4000);
  const drive = loadDrive();

  it('finds second registrations written otherwise (variants, swaps, year only, new phone) and little else', () => {
    const result = findDuplicates(records, { ancestorsOf: (p) => drive.ancestorsOf(p) });
    const quality = evaluatePairs(
      result.pairs.map((p) => [p.a, p.b] as const),
      truth,
    );
    expect(truth.length).toBeGreaterThan(300);
    expect(quality.recall).toBeGreaterThan(0.9);
    expect(quality.precision).toBeGreaterThan(0.9);
  });

  it('explains every pair field by field, the weights adding up to the score, and is reproducible', () => {
    const a = findDuplicates(records, { seed: 3 });
    const pair = a.pairs[0];
    expect(pair?.score.fields.map((f) => f.field)).toEqual(['givenName', 'familyName', 'birth', 'phone', 'nationalId', 'area']);
    const sum = (pair?.score.fields ?? []).reduce((s, f) => s + f.weight, pair?.score.priorWeight ?? 0);
    expect(sum).toBeCloseTo(pair?.score.weight ?? Number.NaN, 6);
    const b = findDuplicates(records, { seed: 3 });
    expect(b.pairs.map((p) => p.probability)).toEqual(a.pairs.map((p) => p.probability));
  });
});
