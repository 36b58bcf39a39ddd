import { describe, expect, it } from 'vitest';
import { CandidatePairs, PAIR_SHIFT, sortedUniqueCodes, type BlockingRule } from './blocking.ts';
import type { PersonRecord } from './person-record.ts';
import { prepareRecord } from './prepared-record.ts';

const person = (id: string, over: Partial<PersonRecord>): PersonRecord => ({
  id,
  givenName: null,
  familyName: null,
  birthDate: null,
  birthYear: null,
  phone: null,
  nationalId: null,
  area: null,
  ...over,
});

function candidates(records: PersonRecord[], maxBlockSize?: number): Set<string> {
  const seen = new Set<string>();
  const blocks = new CandidatePairs(records.map((r) => prepareRecord(r)), maxBlockSize === undefined ? {} : { maxBlockSize });
  blocks.forEach((i, j) => {
    const key = `${records[i]?.id}-${records[j]?.id}`;
    expect(seen.has(key), `pair ${key} visited twice`).toBe(false);
    seen.add(key);
    expect(blocks.isCandidate(i, j)).toBe(true);
  });
  return seen;
}

describe('blocking', () => {
  it('pairs spelling variants, swapped names, a wrong phone digit, and visits each pair once', () => {
    const records = [
      person('a', { givenName: 'Mahamadou', familyName: 'Issoufou', birthYear: 1990, area: 'NE006002' }),
      person('b', { givenName: 'Issoufou', familyName: 'Mohamed', birthYear: 1990, area: 'NE006002' }),
      person('c', { givenName: 'Aïchatou', familyName: 'Moussa', phone: '+22790123456' }),
      person('d', { givenName: 'Fatouma', familyName: 'Garba', phone: '+22790123457' }),
      person('e', { givenName: 'Zeinabou', familyName: 'Tandja', birthDate: '1985-01-02', birthYear: 1985 }),
      person('f', { givenName: 'Rabi', familyName: 'Kountché', birthYear: 1970, area: 'NE001' }),
    ];
    const pairs = candidates(records);
    expect(pairs.has('a-b')).toBe(true);
    expect(pairs.has('c-d')).toBe(true);
    expect(pairs.has('e-f')).toBe(false);
  });

  it('splits a block larger than the limit by the refinements, and skips it only when none is left', () => {
    // One key for everyone (the given name); years 1990..1993, five people each; two without a year.
    const records = Array.from({ length: 20 }, (_, i) => person(`p${i}`, { givenName: 'Moussa', familyName: `F${i}`, birthYear: 1990 + (i % 4) }));
    records.push(person('n1', { givenName: 'Moussa', familyName: 'G1' }), person('n2', { givenName: 'Moussa', familyName: 'G2' }));
    const firstName: BlockingRule['keys'] = (r, emit) => {
      const first = r.given.canonical[0];
      if (first !== undefined) emit(first);
    };
    const refined = new CandidatePairs(records.map((r) => prepareRecord(r)), {
      maxBlockSize: 6,
      rules: [{ name: 'given', keys: firstName, refine: [(r) => r.birthYear] }],
    });
    expect(refined.stats[0]).toMatchObject({ refinedBlocks: 1, blocks: 4, skippedBlocks: 0, pairs: 40 });
    expect(refined.isCandidate(0, 4)).toBe(true); // both 1990
    expect(refined.isCandidate(0, 1)).toBe(false); // 1990 and 1991
    expect(refined.isCandidate(20, 21)).toBe(false); // no year: not in any part

    const unrefined = new CandidatePairs(records.map((r) => prepareRecord(r)), { maxBlockSize: 6, rules: [{ name: 'given', keys: firstName }] });
    expect(unrefined.stats[0]).toMatchObject({ blocks: 0, skippedBlocks: 1, pairs: 0 });
    expect(unrefined.size).toBe(0);
  });

  it('lets a year given alone meet a full date of a neighbouring year once blocks are split by year', () => {
    const common = Array.from({ length: 40 }, (_, i) => person(`c${i}`, { givenName: 'Souleymane', familyName: 'Harouna', birthYear: 1950 + i, area: 'NE005003003' }));
    const a = person('a', { givenName: 'Souleymane', familyName: 'HAROUNA', birthDate: '2000-12-02', birthYear: 2000, area: 'NE005003003' });
    const b = person('b', { givenName: 'Souleymane', familyName: 'Haruna', birthYear: 2001, area: 'NE005003' });
    const records = [...common, a, b];
    const blocks = new CandidatePairs(records.map((r) => prepareRecord(r)));
    expect(blocks.isCandidate(40, 41)).toBe(true);
    expect(blocks.isCandidate(0, 1)).toBe(true); // years given alone, one apart
    expect(blocks.isCandidate(0, 5)).toBe(false);
  });
});

describe('sortedUniqueCodes', () => {
  it('gives the distinct pair codes in increasing order, as sorting them would', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const records = 500;
    const codes: number[] = [];
    // Many partners for a few records (past the insertion sort), a few for most, repeats throughout.
    for (let k = 0; k < 30_000; k++) {
      const i = k % 10 === 0 ? random(5) : random(records - 1);
      const j = i + 1 + random(records - 1 - i);
      codes.push(i * PAIR_SHIFT + j);
    }
    codes.push(0 * PAIR_SHIFT + 1, (records - 2) * PAIR_SHIFT + (records - 1));
    const expected = [...new Set(codes)].sort((a, b) => a - b);
    expect(Array.from(sortedUniqueCodes(Float64Array.from(codes), records))).toEqual(expected);
    expect(sortedUniqueCodes(new Float64Array(0), records)).toHaveLength(0);
  });
});
