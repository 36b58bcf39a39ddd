import { describe, expect, it } from 'vitest';
import { CandidatePairs } from './blocking.ts';
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
  const blocks = new CandidatePairs(records.map(prepareRecord), maxBlockSize === undefined ? {} : { maxBlockSize });
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

  it('skips blocks larger than the limit but keeps the pairs other rules find', () => {
    const family = (i: number) => `Ka${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}rou`;
    const many = Array.from({ length: 30 }, (_, i) => person(`p${i}`, { givenName: 'Moussa', familyName: family(i), birthYear: 1990 }));
    many.push(person('x', { givenName: 'Moussa', familyName: family(1), birthYear: 1991 }));
    const limited = candidates(many, 10);
    // "moussa|1990" is too common to pair on; the pair of names still pairs p1 and x.
    expect(limited.has('p0-p2')).toBe(false);
    expect(limited.has('p1-x')).toBe(true);
    expect(candidates(many).has('p0-p2')).toBe(true);
  });
});
