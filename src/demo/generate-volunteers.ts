/**
 * Deterministic synthetic Nigerien volunteers for demos, benchmarks and measuring deduplication.
 * The same seed and options give the same sequence; memory stays flat however many are drawn
 * (phones and national IDs come from keyed permutations of counters, and only a bounded sample of
 * earlier people is kept to register again).
 */

import type { Channel, RegistrationInput, Sex } from '../domain/registration-input.ts';
import { buildAreaIndex, type AreaOption, type SiteOption } from './area-index.ts';
import { ageOn, civilFromDays, drawBirthDay, isoInstant, MINIMUM_AGE, reportBirth, utcDay } from './birth.ts';
import type { NameEntry, NameGroup } from './names.ts';
import {
  DEFAULT_ROLE_WEIGHT,
  GROUP_LANGUAGE_CODES,
  NIGER_MOBILE_PREFIXES,
  NIGER_REGION_WEIGHTS,
  ROLE_WEIGHTS,
} from './niger-demography.ts';
import { createNationalIdAllocator, createPhoneAllocator, formatNigerPhone } from './number-space.ts';
import { createRandom, weightedTable } from './random.ts';
import {
  AVAILABILITY_TABLE,
  byGroup,
  CHANNEL_TABLE,
  consentLanguage,
  FAMILY_NAME_TABLES,
  GIVEN_NAME_TABLES,
  randomUuid,
  respell,
  ROLE_COUNT_TABLE,
  SKILL_COUNT_TABLE,
  spell,
  writeName,
} from './volunteer-parts.ts';

export { createRandom, weightedTable, type Random, type WeightedTable } from './random.ts';
export type { AreaOption, SiteOption } from './area-index.ts';
export { randomUuid } from './volunteer-parts.ts';

export interface GenerateVolunteersOptions {
  /** Number of registrations to yield, second registrations of the same person included. */
  count: number;
  seed?: number;
  /**
   * Ages are counted on the UTC calendar date of this instant (default: now); agent registrations are
   * dated (`recordedAt`) up to 48 hours before it.
   */
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
const DUPLICATE_POOL_SIZE = 100_000;
const DAY_MS = 86_400_000;

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

  const roleTable = weightedTable([...new Set(options.roles)], (role) => ROLE_WEIGHTS[role] ?? DEFAULT_ROLE_WEIGHT);
  const skillsByRole = new Map<string, string[]>(options.roles.map((role) => [role, []]));
  const generalSkills: string[] = [];
  for (const skill of options.skills) {
    if (skill.roles.length === 0) generalSkills.push(skill.id);
    for (const role of skill.roles) skillsByRole.get(role)?.push(skill.id);
  }

  const spoken = new Set(options.spokenLanguages);
  const code = (candidates: readonly string[]): string | undefined => candidates.find((c) => spoken.has(c));
  const hausa = code(GROUP_LANGUAGE_CODES.hausa);
  const french = code(['fr']);
  const arabic = code(['ar']);
  const english = code(['en']);

  const drawRoles = (): string[] => {
    const wanted = Math.min(random.weighted(ROLE_COUNT_TABLE), roleTable.items.length);
    const chosen: string[] = [];
    while (chosen.length < wanted) {
      const role = random.weighted(roleTable);
      if (!chosen.includes(role)) chosen.push(role);
    }
    return chosen;
  };

  // Skills that serve any of a set of roles, computed once per combination of roles.
  const skillChoices = new Map<string, readonly string[]>();
  const skillsFor = (roles: readonly string[]): readonly string[] => {
    const key = roles.join(' ');
    let choices = skillChoices.get(key);
    if (choices === undefined) {
      choices = [...new Set([...roles.flatMap((role) => skillsByRole.get(role) ?? []), ...generalSkills])];
      skillChoices.set(key, choices);
    }
    return choices;
  };

  const drawSkills = (roles: readonly string[], channel: Channel): string[] | undefined => {
    if ((channel === 'sms' || channel === 'ussd') && random.chance(0.8)) return undefined;
    const choices = skillsFor(roles);
    const wanted = Math.min(random.weighted(SKILL_COUNT_TABLE), choices.length);
    if (wanted === 0) return undefined;
    const chosen: string[] = [];
    while (chosen.length < wanted) {
      const skill = random.pick(choices);
      if (!chosen.includes(skill)) chosen.push(skill);
    }
    return chosen;
  };

  // What each community speaks besides its own language: Hausa is the lingua franca, French the
  // language of school and administration, a little Arabic and English.
  const languageOffers = byGroup((group) => {
    const offers: { code: string; p: number }[] = [];
    for (const [c, p] of [[code(GROUP_LANGUAGE_CODES[group]), 0.97], [hausa, 0.55], [french, 0.45], [arabic, 0.04], [english, 0.03]] as const) {
      if (c !== undefined && !offers.some((o) => o.code === c)) offers.push({ code: c, p });
    }
    return offers;
  });
  const fallbackLanguage = hausa ?? french;

  const drawLanguages = (group: NameGroup): string[] => {
    const list: string[] = [];
    for (const offer of languageOffers[group]) {
      if (list.length < 3 && random.chance(offer.p)) list.push(offer.code);
    }
    if (list.length === 0) list.push(fallbackLanguage ?? random.pick(options.spokenLanguages));
    return list;
  };

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
    // An agent's device records when it registered the person (up to two days before the upload), and
    // age is counted on that day: left out for someone who was not yet 18 then.
    let recordedAt: string | undefined;
    let asOf = today;
    if (channel === 'agent') {
      const at = nowMs - random.int(0, 48 * 3600) * 1000;
      const day = civilFromDays(Math.floor(at / DAY_MS));
      if (ageOn(civilFromDays(person.birthDay), day) >= MINIMUM_AGE) {
        recordedAt = isoInstant(at);
        asOf = day;
      }
    }
    const input: RegistrationInput = {
      clientId: randomUuid(random),
      givenName: writeName(random, drawn.givenName, channel),
      familyName: writeName(random, drawn.familyName, channel),
      sex: person.sex,
      phone: formatNigerPhone(drawn.phoneDigits, channel, random),
      area: drawn.area,
      roles,
      languages,
      consent: { noticeVersion: consentVersion, language: consentLanguage(random, languages) },
    };
    const birth = reportBirth(random, person.birthDay, asOf, drawn.birthSwap);
    if (birth.birthDate !== undefined) input.birthDate = birth.birthDate;
    else if (birth.birthYear !== undefined) input.birthYear = birth.birthYear;
    else input.age = birth.age;
    if (nationalId !== undefined) input.nationalId = nationalId;
    if (channel === 'agent') input.site = random.pick(region.sites);
    const skills = drawSkills(roles, channel);
    if (skills !== undefined) input.skills = skills;
    const availability = random.weighted(AVAILABILITY_TABLE);
    if (availability !== undefined) input.availability = availability;
    if (recordedAt !== undefined) input.recordedAt = recordedAt;
    return { input, channel, personId: person.id };
  };

  const newPerson = (id: number): Person => {
    const region = random.weighted(areas.regions);
    const group = random.weighted(region.groups);
    const sex: Sex = random.chance(0.6) ? 'M' : 'F';
    const given = random.weighted(GIVEN_NAME_TABLES[sex][group]);
    const family = random.weighted(FAMILY_NAME_TABLES[group]);
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
    const channel = random.weighted(CHANNEL_TABLE);
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
    const channel = random.weighted(CHANNEL_TABLE);
    yield registration(
      person,
      { channel, givenName: person.givenSpelling, familyName: person.familySpelling, birthSwap: false, phoneDigits: person.phoneDigits, area: person.area },
      [...person.roles],
      [...person.languages],
      person.nationalId,
    );
  }
}
