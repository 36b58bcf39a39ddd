/**
 * Small pieces of a synthetic registration: client ids, name spellings and the way names are typed,
 * the channel mix, availability and the language of the consent notice.
 */

import type { Availability, Channel, Sex } from '../domain/registration-input.ts';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, type NameEntry, type NameGroup } from './names.ts';
import { weightedTable, type Random, type WeightedTable } from './random.ts';

/** Agents register most people; self-registration on the web, by USSD and SMS, and a few imported lists. */
export const CHANNEL_TABLE = weightedTable<Channel>(['web', 'agent', 'sms', 'ussd', 'import'], (c) =>
  c === 'agent' ? 40 : c === 'web' ? 30 : c === 'ussd' ? 15 : c === 'sms' ? 10 : 5,
);
/** `undefined`: the person did not say. */
export const AVAILABILITY_TABLE = weightedTable<Availability | undefined>(['immediate', 'within_week', 'later', undefined], (_, i) =>
  [40, 35, 20, 5][i] ?? 0,
);
export const ROLE_COUNT_TABLE = weightedTable([1, 2, 3], (_, i) => [60, 30, 10][i] ?? 0);
export const SKILL_COUNT_TABLE = weightedTable([0, 1, 2, 3], (_, i) => [25, 35, 25, 15][i] ?? 0);

export type NameTables = Record<NameGroup, WeightedTable<NameEntry>>;

/** One value per community. */
export function byGroup<T>(make: (group: NameGroup) => T): Record<NameGroup, T> {
  return { hausa: make('hausa'), zarma: make('zarma'), fulani: make('fulani'), kanuri: make('kanuri'), tuareg: make('tuareg') };
}

/** One table per community: its own names are 2.5 times as likely, other communities' names rare. */
function nameTables(pool: readonly NameEntry[]): NameTables {
  return byGroup((group) =>
    weightedTable(pool, (e) => e.weight * (e.groups === undefined ? 1 : e.groups.includes(group) ? 2.5 : 0.2)),
  );
}

export const GIVEN_NAME_TABLES: Readonly<Record<Sex, NameTables>> = { M: nameTables(MALE_GIVEN_NAMES), F: nameTables(FEMALE_GIVEN_NAMES) };
export const FAMILY_NAME_TABLES: NameTables = nameTables(FAMILY_NAMES);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight hex digits of a 32-bit number (a table lookup per byte: Number#toString(16) is slow). */
function hex32(value: number): string {
  return (
    (HEX[(value >>> 24) & 0xff] ?? '') +
    (HEX[(value >>> 16) & 0xff] ?? '') +
    (HEX[(value >>> 8) & 0xff] ?? '') +
    (HEX[value & 0xff] ?? '')
  );
}

/** A random-looking RFC 4122 version 4 UUID, drawn from the generator's stream. */
export function randomUuid(random: Random): string {
  const a = hex32(random.uint32());
  const b = hex32(((random.uint32() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32((((random.uint32() & 0x3fffffff) | 0x80000000) >>> 0));
  const d = hex32(random.uint32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** The spelling a person uses: usually the common one, sometimes a variant. */
export function spell(random: Random, entry: NameEntry, variantRate: number): string {
  return entry.variants.length > 0 && random.chance(variantRate) ? random.pick(entry.variants) : entry.name;
}

/** Another spelling of the same name than `current`, when the name has one. */
export function respell(random: Random, entry: NameEntry, current: string): string {
  const spellings = [entry.name, ...entry.variants].filter((s) => s !== current);
  return spellings.length > 0 ? random.pick(spellings) : current;
}

/** Names as typed: SMS and USSD users, imported lists and some agents write in capitals. */
export function writeName(random: Random, text: string, channel: Channel): string {
  const r = random.next();
  const upper = channel === 'sms' || channel === 'ussd' ? 0.45 : channel === 'import' ? 0.3 : channel === 'agent' ? 0.15 : 0.04;
  if (r < upper) return text.toUpperCase();
  if (r < upper + (channel === 'agent' || channel === 'import' ? 0 : 0.06)) return text.toLowerCase();
  return text;
}

/** The language the consent notice was shown in: French for most French speakers, else mostly Hausa. */
export function consentLanguage(random: Random, languages: readonly string[]): string {
  const r = random.next();
  if (languages.includes('fr')) return r < 0.75 ? 'fr' : r < 0.95 ? 'ha' : 'en';
  return r < 0.85 ? 'ha' : r < 0.97 ? 'fr' : 'en';
}
