import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { generateForDrive } from '../demo/generate-for-drive.ts';
import { compareRecords } from './compare-records.ts';
import { planDuplicates } from './find-duplicates.ts';
import { scorePair } from './model/fellegi-sunter.ts';
import { PairWeigher } from './pair-weigher.ts';
import { personRecordFromInput, type PersonRecord } from './person-record.ts';
import { prepareRecord } from './prepared-record.ts';

describe('PairWeigher', () => {
  const drive = loadDrive();
  const ancestorsOf = (p: string) => drive.ancestorsOf(p);
  const records: PersonRecord[] = [];
  for (const v of generateForDrive(drive, { count: 3000, seed: 5, duplicateRate: 0.1, today: new Date('2026-06-15T10:00:00Z') })) {
    records.push(personRecordFromInput(`v${records.length}`, v.input, 2026));
  }
  // Hand-made cases the generator rarely writes: short phone numbers, IDs one edit apart, no area.
  records.push(
    { id: 'x1', givenName: 'Moussa', familyName: 'Issa', birthDate: null, birthYear: 1990, phone: '12345', nationalId: 'AB-12345', area: null },
    { id: 'x2', givenName: 'Issa', familyName: 'Moussa', birthDate: null, birthYear: 1990, phone: '12346', nationalId: 'ab12346', area: null },
    { id: 'x3', givenName: 'Moussa Issa', familyName: null, birthDate: '1990-03-04', birthYear: 1990, phone: '+227 96 12 34 56', nationalId: null, area: 'NE001' },
  );
  const plan = planDuplicates(records, { ancestorsOf });

  it.each([false, true])('gives the weight scorePair gives, on every candidate pair (ID numbers ignored: %s)', (ignoreNationalId) => {
    const options = { ancestorsOf, ignoreNationalId };
    const weigher = new PairWeigher(plan.parameters, plan.tf, options);
    let compared = 0;
    plan.blocks.forEach((i, j) => {
      const a = plan.prepared[i];
      const b = plan.prepared[j];
      if (!a || !b) return;
      const expected = scorePair(compareRecords(a, b, options), plan.parameters, plan.tf).weight;
      expect(weigher.weight(a, b)).toBeCloseTo(expected, 9);
      compared += 1;
    });
    expect(compared).toBeGreaterThan(1000);
  });

  it('gives the same weight on pairs blocking would not make (missing fields, short phones, IDs one edit apart)', () => {
    const weigher = new PairWeigher(plan.parameters, plan.tf, { ancestorsOf });
    const extra = records.slice(-3).map((r) => prepareRecord(r, ancestorsOf));
    for (const a of extra) {
      for (const b of [...extra, ...plan.prepared.slice(0, 50)]) {
        const expected = scorePair(compareRecords(a, b, { ancestorsOf }), plan.parameters, plan.tf);
        expect(weigher.weight(a, b)).toBeCloseTo(expected.weight, 9);
        expect(weigher.probability(a, b)).toBeCloseTo(expected.probability, 12);
      }
    }
  });
});
