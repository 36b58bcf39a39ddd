/**
 * Deterministic synthetic Nigerien volunteers for demos, benchmarks and measuring deduplication.
 * The same seed and options give the same sequence; memory stays flat however many are drawn
 * (phones and national IDs come from keyed permutations of counters, and only a bounded sample of
 * earlier people is kept to register again).
 */

import type { Availability, Channel, RegistrationInput, Sex } from '../domain/registration-input.ts';
import { buildAreaIndex, type AreaOption, type RegionInfo, type SiteOption } from './area-index.ts';
import { drawBirthDay, reportBirth, utcDay } from './birth.ts';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, NAME_GROUPS, type NameEntry, type NameGroup } from './names.ts';
import {
  DEFAULT_ROLE_WEIGHT,
  GROUP_LANGUAGE_CODES,
  NIGER_MOBILE_PREFIXES,
  NIGER_REGION_WEIGHTS,
  ROLE_WEIGHTS,
} from './niger-demography.ts';
import { createNationalIdAllocator, createPhoneAllocator, formatNigerPhone } from './number-space.ts';
import { createRandom, weightedTable, type Random, type WeightedTable } from './random.ts';

export { createRandom, weightedTable, type Random, type WeightedTable } from './random.ts';
export { parseAreasCsv, type AreaOption, type SiteOption } from './area-index.ts';

export interface GenerateVolunteersOptions {
  /** Number of registrations to yield, second registrations of the same person included. */
  count: number;
  seed?: number;
  /** Ages are counted on the UTC calendar date of this instant (default: now). */
  today?: Date;
  areas: readonly AreaOption[];
  sites: readonly SiteOption[];
  roles: readonly string[];
  skills: readonly { id: string; roles: readonly string[] }[];
  spokenLanguages: readonly string[];
  consentVersion: string;
  /** Probability that a registration is a second one by an earlier person (default 0). */
  duplicateRate?: number;
  /** Probability that such a second registration reuses the person's first phone number (default 0.1). */
  duplicateSamePhoneRate?: number;
  /** Relative weight of each top-level area (default: Niger's regions by population). */
  regionWeights?: Readonly<Record<string, number>>;
}

export interface GeneratedVolunteer {
  input: RegistrationInput;
  channel: Channel;
  /** The same number for every registration of the same synthetic person (1, 2, 3, ...). */
  personId: number;
}

interface Person {
  id: number;
  group: NameGroup;
  sex: Sex;
  given: NameEntry;
  givenSpelling: string;
  family: NameEntry;
  familySpelling: string;
  birthDay: number;
  area: string;
  phoneDigits: string;
  roles: string[];
  languages: string[];
  nationalId: string | undefined;
}

/** How many earlier people are kept as candidates for a second registration (a uniform sample). */
const DUPLICATE_POOL_SIZE = 10_000;

const CHANNELS = weightedTable<Channel>(['web', 'agent', 'sms', 'ussd', 'import'], (c) =>
  c === 'agent' ? 40 : c === 'web' ? 30 : c === 'ussd' ? 15 : c === 'sms' ? 10 : 5,
);
const AVAILABILITY = weightedTable<Availability | undefined>(['immediate', 'within_week', 'later', undefined], (_, i) =>
  [40, 35, 20, 5][i] ?? 0,
);
const ROLE_COUNT = weightedTable([1, 2, 3], (_, i) => [60, 30, 10][i] ?? 0);
const SKILL_COUNT = weightedTable([0, 1, 2, 3], (_, i) => [25, 35, 25, 15][i] ?? 0);

type NameTables = Record<NameGroup, WeightedTable<NameEntry>>;

function nameTables(pool: readonly NameEntry[]): NameTables {
  const table = (group: NameGroup): WeightedTable<NameEntry> =>
    weightedTable(pool, (e) => e.weight * (e.groups === undefined ? 1 : e.groups.includes(group) ? 6 : 0.15));
  return { hausa: table('hausa'), zarma: table('zarma'), fulani: table('fulani'), kanuri: table('kanuri'), tuareg: table('tuareg') };
}

const GIVEN_TABLES: Record<Sex, NameTables> = { M: nameTables(MALE_GIVEN_NAMES), F: nameTables(FEMALE_GIVEN_NAMES) };
const FAMILY_TABLES: NameTables = nameTables(FAMILY_NAMES);

/** A random-looking RFC 4122 version 4 UUID, drawn from the generator's stream. */
export function randomUuid(random: Random): string {
  const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');
  const a = random.uint32();
  const b = random.uint32();
  const c = random.uint32();
  const d = random.uint32();
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex(0x4000 | (b & 0x0fff), 4)}-${hex(0x8000 | ((c >>> 16) & 0x3fff), 4)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`;
}

function spell(random: Random, entry: NameEntry, variantRate: number): string {
  return entry.variants.length > 0 && random.chance(variantRate) ? random.pick(entry.variants) : entry.name;
}

/** Another spelling of the same name than `current`, when the name has one. */
function respell(random: Random, entry: NameEntry, current: string): string {
  const spellings = [entry.name, ...entry.variants].filter((s) => s !== current);
  return spellings.length > 0 ? random.pick(spellings) : current;
}

/** Names as typed: SMS and USSD users and some agents write in capitals. */
function writeName(random: Random, text: string, channel: Channel): string {
  const r = random.next();
  const upper = channel === 'sms' || channel === 'ussd' ? 0.45 : channel === 'import' ? 0.3 : channel === 'agent' ? 0.15 : 0.04;
  if (r < upper) return text.toUpperCase();
  if (r < upper + (channel === 'agent' || channel === 'import' ? 0 : 0.06)) return text.toLowerCase();
  return text;
}

export function* generateVolunteers(options: GenerateVolunteersOptions): Generator<GeneratedVolunteer> {
  const { count, consentVersion } = options;
  const seed = options.seed ?? 1;
  const duplicateRate = options.duplicateRate ?? 0;
  const samePhoneRate = options.duplicateSamePhoneRate ?? 0.1;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number');
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) throw new RangeError('duplicateRate must be between 0 and 1');
  if (options.roles.length === 0) throw new RangeError('at least one role is needed');
  if (options.spokenLanguages.length === 0) throw new RangeError('at least one spoken language is needed');

  const now = options.today ?? new Date();
  const today = utcDay(now);
  const nowMs = now.getTime();
  const random = createRandom(seed);
  const phones = createPhoneAllocator(NIGER_MOBILE_PREFIXES, seed);
  const nationalIds = createNationalIdAllocator(seed);
  const areas = buildAreaIndex(options.areas, options.sites, options.regionWeights ?? NIGER_REGION_WEIGHTS);

  const roleTable = weightedTable(options.roles, (role) => ROLE_WEIGHTS[role] ?? DEFAULT_ROLE_WEIGHT);
  const skillsByRole = new Map<string, string[]>(options.roles.map((role) => [role, []]));
  const generalSkills: string[] = [];
  for (const skill of options.skills) {
    if (skill.roles.length === 0) generalSkills.push(skill.id);
    for (const role of skill.roles) skillsByRole.get(role)?.push(skill.id);
  }

  const spoken = new Set(options.spokenLanguages);
  const code = (candidates: readonly string[]): string | undefined => candidates.find((c) => spoken.has(c));
  const nativeCode = Object.fromEntries(NAME_GROUPS.map((g) => [g, code(GROUP_LANGUAGE_CODES[g])])) as Record<NameGroup, string | undefined>;
  const hausa = nativeCode.hausa;
  const french = code(['fr']);
  const arabic = code(['ar']);
  const english = code(['en']);

  const drawRoles = (): string[] => {
    const wanted = Math.min(random.weighted(ROLE_COUNT), roleTable.items.length);
    const chosen: string[] = [];
    while (chosen.length < wanted) {
      const role = random.weighted(roleTable);
      if (!chosen.includes(role)) chosen.push(role);
    }
    return chosen;
  };

  const drawSkills = (roles: readonly string[], channel: Channel): string[] | undefined => {
    if ((channel === 'sms' || channel === 'ussd') && random.chance(0.8)) return undefined;
    const candidates = [...new Set([...roles.flatMap((role) => skillsByRole.get(role) ?? []), ...generalSkills])];
    const wanted = Math.min(random.weighted(SKILL_COUNT), candidates.length);
    if (wanted === 0) return undefined;
    for (let i = 0; i < wanted; i++) {
      const j = random.int(i, candidates.length - 1);
      [candidates[i], candidates[j]] = [candidates[j] as string, candidates[i] as string];
    }
    return candidates.slice(0, wanted);
  };

  const drawLanguages = (group: NameGroup): string[] => {
    const list: string[] = [];
    const add = (c: string | undefined, p: number): void => {
      if (c !== undefined && !list.includes(c) && list.length < 3 && random.chance(p)) list.push(c);
    };
    add(nativeCode[group], 0.97);
    add(hausa, 0.55);
    add(french, 0.45);
    add(arabic, 0.04);
    add(english, 0.03);
    if (list.length === 0) list.push(hausa ?? french ?? random.pick(options.spokenLanguages));
    return list;
  };

  const siteFor = (channel: Channel, region: RegionInfo): string | undefined =>
    channel === 'agent' && region.sites.length > 0 ? random.pick(region.sites) : undefined;

  /** Builds one registration of `person` as written on `channel`, from the parts that may vary. */
  const registration = (
    person: Person,
    drawn: { channel: Channel; givenName: string; familyName: string; birthSwap: boolean; phoneDigits: string; area: string },
    roles: string[],
    languages: string[],
    nationalId: string | undefined,
  ): GeneratedVolunteer => {
    let channel = drawn.channel;
    const region = areas.regionOf(drawn.area);
    // Agents register at a site; where a region has none, the person registers on the web instead.
    if (channel === 'agent' && region.sites.length === 0) channel = 'web';
    const input: RegistrationInput = {
      clientId: randomUuid(random),
      givenName: writeName(random, drawn.givenName, channel),
      familyName: writeName(random, drawn.familyName, channel),
      ...reportBirth(random, person.birthDay, today, drawn.birthSwap),
      sex: person.sex,
      phone: formatNigerPhone(drawn.phoneDigits, channel, random),
      area: drawn.area,
      roles,
      languages,
      consent: { noticeVersion: consentVersion, language: consentLanguage(random, languages) },
    };
    if (nationalId !== undefined) input.nationalId = nationalId;
    const site = siteFor(channel, region);
    if (site !== undefined) input.site = site;
    const skills = drawSkills(roles, channel);
    if (skills !== undefined) input.skills = skills;
    const availability = random.weighted(AVAILABILITY);
    if (availability !== undefined) input.availability = availability;
    if (channel === 'agent') input.recordedAt = new Date(nowMs - random.int(0, 48 * 3600) * 1000).toISOString();
    return { input, channel, personId: person.id };
  };

  const newPerson = (id: number): Person => {
    const region = random.weighted(areas.regions);
    const group = random.weighted(region.groups);
    const sex: Sex = random.chance(0.6) ? 'M' : 'F';
    const given = random.weighted(GIVEN_TABLES[sex][group]);
    const family = random.weighted(FAMILY_TABLES[group]);
    return {
      id,
      group,
      sex,
      given,
      givenSpelling: spell(random, given, 0.25),
      family,
      familySpelling: spell(random, family, 0.2),
      birthDay: drawBirthDay(random, today),
      area: areas.drawArea(random, region),
      phoneDigits: phones.next(random),
      roles: drawRoles(),
      languages: drawLanguages(group),
      nationalId: random.chance(0.3) ? nationalIds() : undefined,
    };
  };

  const again = (person: Person): GeneratedVolunteer => {
    const channel = random.weighted(CHANNELS);
    let givenName = random.chance(0.5) ? respell(random, person.given, person.givenSpelling) : person.givenSpelling;
    let familyName = random.chance(0.35) ? respell(random, person.family, person.familySpelling) : person.familySpelling;
    if (random.chance(0.08)) [givenName, familyName] = [familyName, givenName];
    const r = random.next();
    const parent = areas.parentOf(person.area);
    const children = areas.childrenOf(person.area);
    const area = r < 0.7 ? person.area : r < 0.85 ? (parent ?? person.area) : children.length > 0 ? random.pick(children) : person.area;
    return registration(
      person,
      {
        channel,
        givenName,
        familyName,
        birthSwap: random.chance(0.1),
        phoneDigits: random.chance(samePhoneRate) ? person.phoneDigits : phones.next(random),
        area,
      },
      random.chance(0.6) ? [...person.roles] : drawRoles(),
      random.chance(0.7) ? [...person.languages] : drawLanguages(person.group),
      person.nationalId !== undefined && random.chance(0.5) ? person.nationalId : undefined,
    );
  };

  const pool: Person[] = [];
  let persons = 0;
  for (let i = 0; i < count; i++) {
    if (persons > 0 && duplicateRate > 0 && random.chance(duplicateRate)) {
      yield again(random.pick(pool));
      continue;
    }
    const person = newPerson(++persons);
    // Reservoir sampling keeps a uniform sample of everyone so far in constant memory.
    if (pool.length < DUPLICATE_POOL_SIZE) pool.push(person);
    else {
      const slot = random.int(0, persons - 1);
      if (slot < DUPLICATE_POOL_SIZE) pool[slot] = person;
    }
    const channel = random.weighted(CHANNELS);
    yield registration(
      person,
      { channel, givenName: person.givenSpelling, familyName: person.familySpelling, birthSwap: false, phoneDigits: person.phoneDigits, area: person.area },
      [...person.roles],
      [...person.languages],
      person.nationalId,
    );
  }
}

/** The language the consent notice was shown in: French for most French speakers, else mostly Hausa. */
function consentLanguage(random: Random, languages: readonly string[]): string {
  const r = random.next();
  if (languages.includes('fr')) return r < 0.75 ? 'fr' : r < 0.95 ? 'ha' : 'en';
  return r < 0.85 ? 'ha' : r < 0.97 ? 'fr' : 'en';
}
