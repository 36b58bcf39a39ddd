import { ageOn, calendarDateIn, parseIsoDate, type CalendarDate } from '../domain/calendar.ts';

/**
 * Who may be asked for a call-up, in what order, and how many at a time. Pure: the service reads the
 * facts (a database query narrows the candidates first) and these rules decide.
 */

export interface CallupNeedSpec {
  role: string;
  skill: string | null;
}

export interface CandidateFacts {
  id: string;
  status: 'active' | 'withdrawn' | 'suspended';
  mergedInto: string | null;
  consentVersion: string;
  optedOut: boolean;
  birthYear: number | null;
  birthPrecision: 'day' | 'year' | 'estimated' | null;
  /** Only needed (and only read) when the birth year alone cannot tell whether the person is of age. */
  birthDate: string | null;
  area: string;
  roles: readonly string[];
  skills: readonly string[];
  availability: 'immediate' | 'within_week' | 'later';
  /** Already confirmed (said yes) on another running call-up whose dates overlap this one. */
  confirmedElsewhere: boolean;
  /** Already asked on this call-up. */
  alreadyAsked: boolean;
}

export interface EligibilityRules {
  minimumAge: number;
  consentVersions: ReadonlySet<string>;
  /** The area itself and every area above it. */
  ancestorsOf: (pcode: string) => readonly string[];
  /** The call-up's areas (any level). */
  areas: readonly string[];
  /** The day the people report, in the drive's time zone. */
  reportDay: CalendarDate;
  /** Hours from now until the people report. */
  hoursUntilReport: number;
}

export type Ineligibility =
  | 'not_active'
  | 'merged'
  | 'no_consent'
  | 'opted_out'
  | 'under_age'
  | 'role'
  | 'skill'
  | 'area'
  | 'availability'
  | 'confirmed_elsewhere'
  | 'already_asked';

/** Whether a person of age on `day` is certain from what is known of the birth. */
export function ofAgeOn(facts: Pick<CandidateFacts, 'birthYear' | 'birthPrecision' | 'birthDate'>, day: CalendarDate, minimumAge: number): boolean {
  if (facts.birthPrecision === 'day' && facts.birthDate) {
    const birth = parseIsoDate(facts.birthDate);
    return birth !== null && ageOn(birth, day) >= minimumAge;
  }
  if (facts.birthYear === null) return false;
  // With only a year, the person may have had this year's birthday or not: count the younger age.
  return day.year - facts.birthYear - 1 >= minimumAge;
}

/** Birth years certainly of age on `day`, whatever the birth date: those need no decryption. */
export function certainlyOfAgeBirthYear(day: CalendarDate, minimumAge: number): number {
  return day.year - minimumAge - 1;
}

/** Availabilities that fit a report in `hours`: within two days only "immediate", within a week not "later". */
export function availabilitiesFor(hoursUntilReport: number): ReadonlyArray<CandidateFacts['availability']> {
  if (hoursUntilReport < 48) return ['immediate'];
  if (hoursUntilReport < 24 * 7) return ['immediate', 'within_week'];
  return ['immediate', 'within_week', 'later'];
}

/** The call-up area a person's home area lies in, or null. */
export function matchingArea(area: string, rules: Pick<EligibilityRules, 'ancestorsOf' | 'areas'>): string | null {
  const above = rules.ancestorsOf(area);
  for (const a of rules.areas) if (above.includes(a)) return a;
  return null;
}

/** Every reason a person may not be asked for `need` (empty: eligible). */
export function ineligibility(c: CandidateFacts, need: CallupNeedSpec, rules: EligibilityRules): Ineligibility[] {
  const reasons: Ineligibility[] = [];
  if (c.status !== 'active') reasons.push('not_active');
  if (c.mergedInto !== null) reasons.push('merged');
  if (!rules.consentVersions.has(c.consentVersion)) reasons.push('no_consent');
  if (c.optedOut) reasons.push('opted_out');
  if (!ofAgeOn(c, rules.reportDay, rules.minimumAge)) reasons.push('under_age');
  if (!c.roles.includes(need.role)) reasons.push('role');
  if (need.skill !== null && !c.skills.includes(need.skill)) reasons.push('skill');
  if (matchingArea(c.area, rules) === null) reasons.push('area');
  if (!availabilitiesFor(rules.hoursUntilReport).includes(c.availability)) reasons.push('availability');
  if (c.confirmedElsewhere) reasons.push('confirmed_elsewhere');
  if (c.alreadyAsked) reasons.push('already_asked');
  return reasons;
}

export interface RotationFacts {
  id: string;
  /** The call-up area the person falls in. */
  area: string;
  lastAskedAt: string | null;
  lastServedAt: string | null;
}

export interface OrderedCandidate<T extends RotationFacts> {
  candidate: T;
  /** Why the person comes at this place, for the console. */
  reasons: string[];
}

/** Never before any date: null sorts first. */
function compareTimes(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * Rotation: least recently asked first, then least recently served, then by id (stable); taken in
 * turn from each of the call-up's areas so that one area does not take the whole need.
 */
export function orderCandidates<T extends RotationFacts>(candidates: readonly T[], areas: readonly string[]): OrderedCandidate<T>[] {
  const byArea = new Map<string, T[]>(areas.map((a) => [a, []]));
  for (const c of candidates) {
    const list = byArea.get(c.area);
    if (list) list.push(c);
    else byArea.set(c.area, [c]);
  }
  const queues = [...byArea.entries()].map(([area, list]) => ({
    area,
    list: [...list].sort((a, b) => compareTimes(a.lastAskedAt, b.lastAskedAt) || compareTimes(a.lastServedAt, b.lastServedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  }));
  const ordered: OrderedCandidate<T>[] = [];
  for (let round = 0; ; round++) {
    let took = false;
    for (const q of queues) {
      const c = q.list[round];
      if (!c) continue;
      took = true;
      ordered.push({
        candidate: c,
        reasons: [
          c.lastAskedAt === null ? 'never asked' : `last asked ${c.lastAskedAt}`,
          c.lastServedAt === null ? 'never served' : `last served ${c.lastServedAt}`,
          `area ${q.area}, turn ${round + 1}`,
        ],
      });
    }
    if (!took) return ordered;
  }
}

/**
 * How many of the first `limit` people in rotation order (turn by turn, each turn in area order; an
 * area with no one left is passed over) come from each area, given how many each area has. So that each
 * area's queue can be read with its own LIMIT: the first quota[i] of area i, in its order, are exactly
 * its people among the first `limit` of orderCandidates.
 */
export function roundRobinQuotas(counts: readonly number[], limit: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (limit >= total) return [...counts];
  if (limit <= 0) return counts.map(() => 0);
  // The last turn that is taken whole: full(t) people come in turns 1..t.
  const full = (t: number) => counts.reduce((sum, n) => sum + Math.min(n, t), 0);
  let lo = 0;
  let hi = Math.max(...counts);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (full(mid) <= limit) lo = mid;
    else hi = mid - 1;
  }
  const quotas = counts.map((n) => Math.min(n, lo));
  // The rest come from turn lo + 1, in area order, from the areas that still have someone.
  let rest = limit - full(lo);
  for (let i = 0; i < counts.length && rest > 0; i++) {
    if ((counts[i] ?? 0) > lo) {
      quotas[i] = lo + 1;
      rest -= 1;
    }
  }
  return quotas;
}

export interface WaveNeed {
  count: number;
  confirmed: number;
  /** Asked, not answered, and still within their wave's time. */
  waiting: number;
}

/**
 * How many more people to ask for a need: enough that, with the over-asking factor, the open places
 * are covered by those waiting for an answer plus the new ones. Zero when filled.
 */
export function waveSize(need: WaveNeed, overAsk: number): number {
  const open = need.count - need.confirmed;
  if (open <= 0) return 0;
  return Math.max(0, Math.ceil(open * overAsk) - need.waiting);
}

/** The report day in the drive's time zone. */
export function reportDayOf(reportAt: Date, timeZone: string): CalendarDate {
  return calendarDateIn(reportAt, timeZone);
}
