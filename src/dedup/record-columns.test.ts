import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { generateForDrive } from '../demo/generate-for-drive.ts';
import { nameFrequencies, planDuplicates } from './find-duplicates.ts';
import { nameValue } from './names/compare-names.ts';
import { PairMemo } from './pair-memo.ts';
import { PairWeigher } from './pair-weigher.ts';
import { prepareRecord } from './prepared-record.ts';
import { personRecordFromInput, type PersonRecord } from './person-record.ts';
import { ColumnWeigher, columnNameFrequencies, recordColumns } from './record-columns.ts';

describe('ColumnWeigher', () => {
  const drive = loadDrive();
  const ancestorsOf = (p: string) => drive.ancestorsOf(p);
  const records: PersonRecord[] = [];
  for (const v of generateForDrive(drive, { count: 3000, seed: 9, duplicateRate: 0.15, duplicateSamePhoneRate: 0.2, today: new Date('2026-06-15T10:00:00Z') })) {
    records.push(personRecordFromInput(`v${records.length}`, v.input, 2026));
  }
  // Whole names in one field, missing names, dates and areas, short phones, IDs one edit apart.
  records.push(
    { id: 'x1', givenName: 'Moussa', familyName: 'Issa', birthDate: null, birthYear: 1990, phone: '12345', nationalId: 'AB-12345', area: null },
    { id: 'x2', givenName: 'Issa', familyName: 'Moussa', birthDate: null, birthYear: 1990, phone: '12346', nationalId: 'ab12346', area: null },
    { id: 'x3', givenName: 'Moussa Issa', familyName: null, birthDate: '1990-03-04', birthYear: 1990, phone: '+227 96 12 34 56', nationalId: null, area: 'NE001' },
    { id: 'x4', givenName: null, familyName: 'Issa Moussa', birthDate: null, birthYear: null, phone: null, nationalId: 'AB12345', area: 'NE001001' },
    { id: 'x5', givenName: 'Moussa', familyName: null, birthDate: '1990-04-03', birthYear: 1990, phone: null, nationalId: null, area: 'ne001' },
  );
  const plan = planDuplicates(records, { ancestorsOf });

  it('builds the same name frequencies as the prepared records give', () => {
    const columns = recordColumns(plan.prepared);
    const expected = nameFrequencies(plan.prepared);
    const got = columnNameFrequencies(structuredClone(columns));
    for (const field of ['givenName', 'familyName'] as const) {
      expect(got[field]?.randomAgreement).toBe(expected[field]?.randomAgreement);
      for (const p of plan.prepared) {
        const value = nameValue(field === 'givenName' ? p.given : p.family);
        expect(got[field]?.(value)).toBe(expected[field]?.(value));
      }
    }
  });

  it.each([false, true])('gives PairWeigher weight to the last bit on every candidate pair and on mixed pairs (ID numbers ignored: %s)', (ignoreNationalId) => {
    const options = { ancestorsOf, ignoreNationalId };
    const weigher = new PairWeigher(plan.parameters, plan.tf, options);
    // As a worker thread gets them: the columns structured-cloned.
    const columns = structuredClone(recordColumns(plan.prepared));
    const fast = new ColumnWeigher(columns, plan.parameters, columnNameFrequencies(columns), options);
    let compared = 0;
    const check = (i: number, j: number): void => {
      const a = plan.prepared[i];
      const b = plan.prepared[j];
      if (!a || !b) return;
      expect(fast.weight(i, j)).toBe(weigher.weight(a, b));
      expect(fast.probability(i, j)).toBe(weigher.probability(a, b));
      compared += 1;
    };
    plan.blocks.forEach(check);
    const n = plan.prepared.length;
    for (let i = n - 5; i < n; i++) for (let j = 0; j < n; j += 7) check(i, j);
    expect(compared).toBeGreaterThan(5000);
  });

  it('gives PairWeigher weight on births of every level, in both orders, over 2,000 distinct births', () => {
    // Over 2,000 distinct births, close enough for every level:
    // same date, day and month swapped, one part off, a year digit slipped, year only, no birth.
    const births: Array<Pick<PersonRecord, 'birthDate' | 'birthYear'>> = [{ birthDate: null, birthYear: null }];
    for (const year of [1965, 1956, 1966, 1990, 1991, 1919]) {
      births.push({ birthDate: null, birthYear: year });
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) births.push({ birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, birthYear: year });
      }
    }
    const own = births.map((birth, k) => prepareRecord({ id: `b${k}`, givenName: 'Moussa', familyName: 'Issa', phone: null, nationalId: null, area: null, ...birth }, ancestorsOf));
    const options = { ancestorsOf };
    const weigher = new PairWeigher(plan.parameters, plan.tf, options);
    const columns = structuredClone(recordColumns(own));
    expect(columns.births.length).toBeGreaterThan(2000);
    const fast = new ColumnWeigher(columns, plan.parameters, plan.tf, options);
    const weights = new Set<number>();
    // Each record against its neighbours in date order and a spread of the others, twice over (memo hits).
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < own.length; i++) {
        for (const j of [i, i + 1, i + 2, i + 31, i + 32, i + 373, i + 374, i + 746, (i * 37) % own.length, 0]) {
          if (j >= own.length) continue;
          const a = own[i] as (typeof own)[number];
          const b = own[j] as (typeof own)[number];
          expect(fast.weight(i, j)).toBe(weigher.weight(a, b));
          expect(fast.weight(j, i)).toBe(weigher.weight(b, a));
          weights.add(weigher.weight(a, b));
        }
      }
    }
    // Every birth level gives its own weight: exact, swapped, one part off, same year, within a year, dates differ, different, missing.
    expect(weights.size).toBeGreaterThanOrEqual(7);
  });
});

describe('PairMemo', () => {
  it('keeps every entry through growth, and starts again empty at its limit', () => {
    const memo = new PairMemo(2, 50_000);
    for (let x = 0; x < 200; x++) {
      for (let y = 0; y < 200; y++) {
        const at = memo.add(x, y);
        memo.data[at] = x;
        memo.data[at + 1] = y;
      }
    }
    expect(memo.size).toBe(40_000);
    for (let x = 0; x < 200; x++) {
      for (let y = 0; y < 200; y++) {
        const at = memo.find(x, y);
        expect([memo.data[at], memo.data[at + 1]]).toEqual([x, y]);
      }
    }
    expect(memo.find(200, 0)).toBe(-1);
    for (let x = 200; x < 260; x++) for (let y = 0; y < 200; y++) if (memo.find(x, y) === -1) memo.add(x, y);
    expect(memo.size).toBeLessThanOrEqual(50_000);
    expect(memo.find(0, 0)).toBe(-1);
  });
});
