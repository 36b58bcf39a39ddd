import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { compileDrive, DEFAULT_DRIVE_PATH, loadDriveConfig } from '../config/load-drive.ts';
import { validateRegistration } from '../domain/validate-registration.ts';
import { buildAreaIndex } from './area-index.ts';
import { ageOn, civilFromDays, daysFromCivil, type Day } from './birth.ts';
import { generateVolunteers, type GenerateVolunteersOptions, type GeneratedVolunteer } from './generate-volunteers.ts';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, type NameEntry } from './names.ts';
import { NIGER_MOBILE_PREFIXES, NIGER_REGION_WEIGHTS } from './niger-demography.ts';

// The shipped Niger drive: 341 areas, 15 sites, 6 roles, 26 skills, 9 spoken languages.
const config = loadDriveConfig(DEFAULT_DRIVE_PATH);
const drive = compileDrive(config);
const { areas, sites } = config;
const roles = config.roles.map((r) => r.id);
const skills = config.skills;
const spokenLanguages = config.spokenLanguages.map((l) => l.code);
const TODAY = new Date(Date.UTC(2025, 5, 15, 9, 30));

function options(overrides: Partial<GenerateVolunteersOptions> = {}): GenerateVolunteersOptions {
  return { count: 1000, seed: 7, today: TODAY, areas, sites, roles, skills, spokenLanguages, consentVersion: config.consent.version, ...overrides };
}

const generate = (overrides: Partial<GenerateVolunteersOptions> = {}): GeneratedVolunteer[] => [...generateVolunteers(options(overrides))];

function e164(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone, 'NE');
  if (!parsed) throw new Error(`unreadable phone ${phone}`);
  return parsed.number;
}

function parseDay(iso: string): Day {
  const [year = 0, month = 0, day = 0] = iso.split('-').map(Number);
  return { year, month, day };
}

const spellings = (pool: readonly NameEntry[]): Set<string> =>
  new Set(pool.flatMap((e) => [e.name, ...e.variants]).map((s) => s.toLowerCase()));

describe('name pools', () => {
  it.each([
    ['male given', 80, MALE_GIVEN_NAMES],
    ['female given', 60, FEMALE_GIVEN_NAMES],
    ['family', 120, FAMILY_NAMES],
  ] as const)('%s names: at least %i entries, distinct, valid, positive weights', (_, minimum, pool) => {
    expect(pool.length).toBeGreaterThanOrEqual(minimum);
    expect(new Set(pool.map((e) => e.name)).size).toBe(pool.length);
    for (const entry of pool) {
      expect(entry.weight).toBeGreaterThan(0);
      expect(entry.variants).not.toContain(entry.name);
      for (const spelling of [entry.name, ...entry.variants]) expect(spelling).toMatch(/^[\p{L}\p{M}' .-]+$/u);
    }
  });

  it('frequencies are skewed: the most common names are far ahead of the median', () => {
    const weights = MALE_GIVEN_NAMES.map((e) => e.weight).sort((a, b) => b - a);
    expect((weights[0] ?? 0) / (weights[Math.floor(weights.length / 2)] ?? 1)).toBeGreaterThan(5);
  });
});

describe('generateVolunteers', () => {
  it('gives the same sequence for the same seed and options, another for another seed', () => {
    const a = generate({ count: 2000, duplicateRate: 0.1 });
    expect(generate({ count: 2000, duplicateRate: 0.1 })).toEqual(a);
    expect(generate({ count: 2000, duplicateRate: 0.1, seed: 8 })).not.toEqual(a);
    expect(a).toHaveLength(2000);
  });

  it('the mobile prefixes it draws from are MOBILE for Niger in libphonenumber-js/max', () => {
    for (const { prefix } of NIGER_MOBILE_PREFIXES) {
      for (const rest of ['000000', '123456', '999999']) {
        const parsed = parsePhoneNumberFromString(`+227${prefix}${rest}`);
        expect(parsed?.isValid()).toBe(true);
        expect(['MOBILE', 'FIXED_LINE_OR_MOBILE']).toContain(parsed?.getType());
      }
    }
  });

  it('10,000 records have distinct phones, all valid Niger mobiles however they are written', () => {
    const records = generate({ count: 10_000 });
    const numbers = new Set<string>();
    const formats = new Set<string>();
    for (const { input } of records) {
      const parsed = parsePhoneNumberFromString(input.phone, 'NE');
      expect(parsed?.isValid(), input.phone).toBe(true);
      expect(parsed?.country).toBe('NE');
      expect(['MOBILE', 'FIXED_LINE_OR_MOBILE']).toContain(parsed?.getType());
      expect(parsed?.number).toMatch(/^\+227\d{8}$/);
      numbers.add(parsed?.number ?? '');
      formats.add(input.phone.replace(/\d/g, '9'));
    }
    expect(numbers.size).toBe(10_000);
    // Digits masked: "+227 90 12 34 56" reads "+999 99 99 99 99".
    expect(formats).toEqual(
      new Set(['+99999999999', '99 99 99 99', '99999999', '+999 99 99 99 99', '99999 99 99 99 99', '9999999999999']),
    );
  });

  it.each([new Date(Date.UTC(2025, 5, 15)), new Date(Date.UTC(2024, 1, 29, 23, 59)), new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2025, 11, 31))])(
    'nobody is under 18 or over 75 on %s, and a year or an age never straddles 18',
    (today) => {
      const on: Day = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() };
      const records = generate({ count: 5000, today, duplicateRate: 0.2 });
      for (const { input } of records) {
        const given = [input.birthDate, input.birthYear, input.age].filter((v) => v !== undefined);
        expect(given).toHaveLength(1);
        if (input.birthDate !== undefined) {
          const birth = parseDay(input.birthDate);
          expect(ageOn(birth, on)).toBeGreaterThanOrEqual(18);
          expect(ageOn(birth, on)).toBeLessThanOrEqual(75);
        } else if (input.birthYear !== undefined) {
          // The youngest a person born that year can be today (born on 31 December).
          expect(ageOn({ year: input.birthYear, month: 12, day: 31 }, on)).toBeGreaterThanOrEqual(18);
          expect(input.birthYear).toBeLessThanOrEqual(on.year - 19);
        } else {
          expect(input.age).toBeGreaterThanOrEqual(19);
          expect(input.age).toBeLessThanOrEqual(75);
        }
      }
    },
  );

  it('birth dates are valid calendar dates; the mix of date, year and age and the median age are as planned', () => {
    const records = generate({ count: 10_000 });
    const on: Day = { year: 2025, month: 6, day: 15 };
    const ages: number[] = [];
    let dates = 0;
    let years = 0;
    for (const { input } of records) {
      if (input.birthDate !== undefined) {
        expect(input.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const day = parseDay(input.birthDate);
        expect(civilFromDays(daysFromCivil(day.year, day.month, day.day))).toEqual(day);
        const utc = new Date(`${input.birthDate}T00:00:00Z`);
        expect(utc.toISOString().slice(0, 10)).toBe(input.birthDate);
        dates += 1;
        ages.push(ageOn(day, on));
      } else if (input.birthYear !== undefined) years += 1;
    }
    expect(dates / records.length).toBeGreaterThan(0.67);
    expect(dates / records.length).toBeLessThan(0.73);
    expect(years / records.length).toBeGreaterThan(0.17);
    ages.sort((a, b) => a - b);
    const median = ages[Math.floor(ages.length / 2)] ?? 0;
    expect(median).toBeGreaterThanOrEqual(28);
    expect(median).toBeLessThanOrEqual(32);
  });

  it('areas, sites, roles, skills, languages and consent come from the inputs and agree with each other', () => {
    const index = buildAreaIndex(areas, sites, NIGER_REGION_WEIGHTS);
    const areaCodes = new Set(areas.map((a) => a.pcode));
    const siteArea = new Map(sites.map((s) => [s.id, s.area]));
    const skillRoles = new Map(skills.map((s) => [s.id, s.roles]));
    const clientIds = new Set<string>();
    const nationalIds = new Set<string>();
    const records = generate({ count: 10_000 });
    const regions = new Map<string, number>();
    for (const { input, channel } of records) {
      expect(areaCodes.has(input.area)).toBe(true);
      const region = index.regionOf(input.area).pcode;
      regions.set(region, (regions.get(region) ?? 0) + 1);
      if (input.site !== undefined) {
        expect(channel).toBe('agent');
        expect(index.regionOf(siteArea.get(input.site) ?? '').pcode).toBe(region);
      }
      if (channel === 'agent') expect(input.site).toBeDefined();
      expect(input.roles.length).toBeGreaterThanOrEqual(1);
      expect(input.roles.length).toBeLessThanOrEqual(3);
      expect(new Set(input.roles).size).toBe(input.roles.length);
      for (const role of input.roles) expect(roles).toContain(role);
      expect((input.skills ?? []).length).toBeLessThanOrEqual(3);
      for (const skill of input.skills ?? []) {
        const served = skillRoles.get(skill);
        expect(served).toBeDefined();
        if (served && served.length > 0) expect(served.some((r) => input.roles.includes(r))).toBe(true);
      }
      expect(input.languages?.length).toBeGreaterThanOrEqual(1);
      expect(input.languages?.length).toBeLessThanOrEqual(3);
      for (const language of input.languages ?? []) expect(spokenLanguages).toContain(language);
      expect(input.consent.noticeVersion).toBe(config.consent.version);
      expect(['fr', 'ha', 'en']).toContain(input.consent.language);
      expect(input.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      clientIds.add(input.clientId);
      if (input.nationalId !== undefined) {
        expect(input.nationalId).toMatch(/^NE\d{9}$/);
        nationalIds.add(input.nationalId);
      }
    }
    expect(clientIds.size).toBe(records.length);
    expect(nationalIds.size / records.length).toBeGreaterThan(0.27);
    expect(nationalIds.size / records.length).toBeLessThan(0.33);
    // Large regions outweigh Agadez and Diffa.
    expect(regions.get('NE007') ?? 0).toBeGreaterThan(3 * (regions.get('NE001') ?? 0));
    const languageShare = (code: string): number => records.filter((r) => r.input.languages?.includes(code)).length;
    expect(languageShare('ha')).toBeGreaterThan(languageShare('fr'));
    expect(languageShare('fr')).toBeGreaterThan(languageShare('dje'));
  });

  it('agents register people at a site of their region; where a region has none, people register on the web', () => {
    const index = buildAreaIndex(areas, sites, NIGER_REGION_WEIGHTS);
    const records = generate({ count: 3000, sites: [{ id: 'niamey-stade', area: 'NE008' }], duplicateRate: 0.1 });
    const agents = records.filter((r) => r.channel === 'agent');
    expect(agents.length).toBeGreaterThan(100);
    for (const { input } of agents) {
      expect(input.site).toBe('niamey-stade');
      expect(index.regionOf(input.area).pcode).toBe('NE008');
    }
    expect(records.filter((r) => r.input.site !== undefined)).toHaveLength(agents.length);
  });

  it('given names match the sex', () => {
    const male = spellings(MALE_GIVEN_NAMES);
    const female = spellings(FEMALE_GIVEN_NAMES);
    for (const { input } of generate({ count: 5000 })) {
      expect((input.sex === 'M' ? male : female).has(input.givenName.toLowerCase()), input.givenName).toBe(true);
    }
  });

  it('second registrations share the personId, vary, and use a new phone', () => {
    const records = generate({ count: 10_000, duplicateRate: 0.2, duplicateSamePhoneRate: 0 });
    const byPerson = new Map<number, GeneratedVolunteer[]>();
    for (const record of records) byPerson.set(record.personId, [...(byPerson.get(record.personId) ?? []), record]);
    const repeated = [...byPerson.values()].filter((list) => list.length > 1);
    expect(records.length - byPerson.size).toBeGreaterThan(1500);
    expect(repeated.length).toBeGreaterThan(1000);
    let nameChanged = 0;
    for (const list of repeated) {
      const phones = list.map((r) => e164(r.input.phone));
      expect(new Set(phones).size).toBe(list.length);
      const first = list[0]?.input;
      for (const other of list.slice(1)) {
        expect(other.input.sex).toBe(first?.sex);
        if (other.input.givenName.toLowerCase() !== first?.givenName.toLowerCase()) nameChanged += 1;
      }
    }
    expect(nameChanged).toBeGreaterThan(repeated.length * 0.3);
    expect(new Set(records.map((r) => e164(r.input.phone))).size).toBe(records.length);
    // Person ids are 1, 2, 3, ... in order of first appearance.
    expect([...byPerson.keys()]).toEqual(Array.from({ length: byPerson.size }, (_, i) => i + 1));
  });

  it('by default most second registrations use a new phone, a few the same one', () => {
    const records = generate({ count: 10_000, duplicateRate: 0.2 });
    const firstPhone = new Map<number, string>();
    let same = 0;
    let again = 0;
    for (const { personId, input } of records) {
      const phone = e164(input.phone);
      const known = firstPhone.get(personId);
      if (known === undefined) firstPhone.set(personId, phone);
      else {
        again += 1;
        if (known === phone) same += 1;
      }
    }
    expect(same / again).toBeGreaterThan(0.05);
    expect(same / again).toBeLessThan(0.15);
  });

  it.each([TODAY, new Date(Date.UTC(2026, 0, 1, 0, 30)), new Date(Date.UTC(2024, 1, 29, 23, 0))])(
    'every registration passes the registration rules of the Niger drive (on %s)',
    (today) => {
      const refused: unknown[] = [];
      for (const { input, channel } of generate({ count: 5000, today, duplicateRate: 0.2 })) {
        const check = validateRegistration(input, drive, { now: today, channel });
        if (!check.ok) refused.push({ input, channel, errors: check.errors });
      }
      expect(refused.slice(0, 3)).toEqual([]);
    },
  );

  // Generation speed shows in bench/register.ts and bench/dedup.ts; a timed test fails on a busy machine.
  it('generates exactly the 100,000 records asked for, with unique client ids', () => {
    const clientIds = new Set<string>();
    let n = 0;
    for (const record of generateVolunteers(options({ count: 100_000, duplicateRate: 0.05 }))) {
      n += 1;
      clientIds.add(record.input.clientId);
    }
    expect(n).toBe(100_000);
    expect(clientIds.size).toBe(100_000);
  });
});
