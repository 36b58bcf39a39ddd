import { describe, expect, it } from 'vitest';
import { availabilitiesFor, ineligibility, ofAgeOn, orderCandidates, roundRobinQuotas, waveSize, type CandidateFacts, type EligibilityRules } from './selection.ts';

const tree: Record<string, string[]> = { NE008001: ['NE008001', 'NE008'], NE006002: ['NE006002', 'NE006'], NE006: ['NE006'] };
const rules: EligibilityRules = {
  minimumAge: 18,
  consentVersions: new Set(['1']),
  ancestorsOf: (p) => tree[p] ?? [],
  areas: ['NE006'],
  reportDay: { year: 2026, month: 11, day: 26 },
  hoursUntilReport: 60,
};
const person: CandidateFacts = {
  id: 'v1',
  status: 'active',
  mergedInto: null,
  consentVersion: '1',
  optedOut: false,
  birthYear: 1990,
  birthPrecision: 'year',
  birthDate: null,
  area: 'NE006002',
  roles: ['medical'],
  skills: ['nurse'],
  availability: 'within_week',
  confirmedElsewhere: false,
  alreadyAsked: false,
};
const nurse = { role: 'medical', skill: 'nurse' };

describe('eligibility', () => {
  it('accepts an active, consenting adult of the role, skill and area', () => {
    expect(ineligibility(person, nurse, rules)).toEqual([]);
    expect(ineligibility(person, { role: 'medical', skill: null }, rules)).toEqual([]);
  });

  it('gives every reason a person may not be asked', () => {
    const c: CandidateFacts = { ...person, status: 'withdrawn', mergedInto: 'v0', consentVersion: '0', optedOut: true, birthYear: 2010, roles: ['security'], skills: [], area: 'NE008001', availability: 'later', confirmedElsewhere: true, alreadyAsked: true };
    expect(ineligibility(c, nurse, rules)).toEqual(['not_active', 'merged', 'no_consent', 'opted_out', 'under_age', 'role', 'skill', 'area', 'availability', 'confirmed_elsewhere', 'already_asked']);
  });

  it('counts age on the day of the call-up, with the younger age when only the year is known', () => {
    const day = { year: 2026, month: 11, day: 26 };
    expect(ofAgeOn({ birthYear: 2008, birthPrecision: 'day', birthDate: '2008-11-26' }, day, 18)).toBe(true);
    expect(ofAgeOn({ birthYear: 2008, birthPrecision: 'day', birthDate: '2008-11-27' }, day, 18)).toBe(false);
    expect(ofAgeOn({ birthYear: 2008, birthPrecision: 'year', birthDate: null }, day, 18)).toBe(false);
    expect(ofAgeOn({ birthYear: 2007, birthPrecision: 'estimated', birthDate: null }, day, 18)).toBe(true);
    expect(ofAgeOn({ birthYear: null, birthPrecision: null, birthDate: null }, day, 18)).toBe(false);
  });

  it('matches availability to how soon people report', () => {
    expect(availabilitiesFor(10)).toEqual(['immediate']);
    expect(availabilitiesFor(100)).toEqual(['immediate', 'within_week']);
    expect(availabilitiesFor(24 * 10)).toEqual(['immediate', 'within_week', 'later']);
    expect(ineligibility({ ...person, availability: 'within_week' }, nurse, { ...rules, hoursUntilReport: 20 })).toEqual(['availability']);
  });
});

describe('rotation', () => {
  it('asks the least recently asked first, then the least recently served, taking areas in turn', () => {
    const people = [
      { id: 'a', area: 'NE006', lastAskedAt: '2026-10-01', lastServedAt: null },
      { id: 'b', area: 'NE006', lastAskedAt: null, lastServedAt: '2026-01-01' },
      { id: 'c', area: 'NE006', lastAskedAt: null, lastServedAt: null },
      { id: 'd', area: 'NE008', lastAskedAt: '2026-09-01', lastServedAt: null },
      { id: 'e', area: 'NE008', lastAskedAt: '2026-09-01', lastServedAt: '2026-08-01' },
    ];
    const ordered = orderCandidates(people, ['NE006', 'NE008']);
    expect(ordered.map((o) => o.candidate.id)).toEqual(['c', 'd', 'b', 'e', 'a']);
    expect(ordered[0]?.reasons).toEqual(['never asked', 'never served', 'area NE006, turn 1']);
    expect(ordered[3]?.reasons).toEqual(['last asked 2026-09-01', 'last served 2026-08-01', 'area NE008, turn 2']);
  });
});

describe('wave size', () => {
  it('asks the open places times the over-asking factor, less those still waiting', () => {
    expect(waveSize({ count: 40, confirmed: 0, waiting: 0 }, 1.5)).toBe(60);
    expect(waveSize({ count: 40, confirmed: 30, waiting: 5 }, 1.5)).toBe(10);
    expect(waveSize({ count: 40, confirmed: 30, waiting: 20 }, 1.5)).toBe(0);
    expect(waveSize({ count: 3, confirmed: 3, waiting: 0 }, 2)).toBe(0);
    expect(waveSize({ count: 1, confirmed: 0, waiting: 0 }, 1.2)).toBe(2);
  });
});

describe('round-robin quotas', () => {
  it('gives each area its people among the first n of the rotation, for every n and many shapes', () => {
    const shapes = [[5, 0, 3], [1, 1, 1], [0, 0, 0], [10], [2, 7, 2, 7], [0, 4, 1, 9, 3, 3], [12_500, 7_000, 30_000]];
    for (const counts of shapes) {
      const total = counts.reduce((a, b) => a + b, 0);
      // The rotation itself: everyone, turn by turn, in area order.
      const areas = counts.map((_, i) => `A${i}`);
      const people = counts.flatMap((n, i) => Array.from({ length: n }, (_, k) => ({ id: `${i}-${String(k).padStart(6, '0')}`, area: `A${i}`, lastAskedAt: null, lastServedAt: null })));
      const ordered = total <= 2_000 ? orderCandidates(people, areas).map((o) => o.candidate.area) : null;
      for (const n of [0, 1, 2, 3, total - 1, total, total + 4, Math.floor(total / 2), Math.floor(total / 3)]) {
        if (n < 0) continue;
        const quotas = roundRobinQuotas(counts, n);
        expect(quotas.reduce((a, b) => a + b, 0)).toBe(Math.min(n, total));
        quotas.forEach((q, i) => expect(q).toBeLessThanOrEqual(counts[i] ?? 0));
        if (ordered) expect(quotas).toEqual(areas.map((a) => ordered.slice(0, n).filter((x) => x === a).length));
      }
    }
  });

  it('takes a short area whole and shares the rest by turns', () => {
    expect(roundRobinQuotas([12_500, 7_000, 30_000], 30_000)).toEqual([11_500, 7_000, 11_500]);
    expect(roundRobinQuotas([3, 3, 3], 7)).toEqual([3, 2, 2]);
  });
});
