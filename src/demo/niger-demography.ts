/**
 * Rough demographic weights for synthetic Nigerien volunteers. Orders of magnitude good enough for
 * demos and benchmarks (from the 2012 census and later projections, rounded), not statistics.
 */

import type { NameGroup } from './names.ts';

/**
 * Relative weight of each region (OCHA P-codes), about its population in millions; Niamey is raised
 * above its population because volunteers and phones are concentrated in the capital.
 */
export const NIGER_REGION_WEIGHTS: Readonly<Record<string, number>> = {
  NE001: 0.6, // Agadez
  NE002: 0.8, // Diffa
  NE003: 2.9, // Dosso
  NE004: 5.0, // Maradi
  NE005: 4.6, // Tahoua
  NE006: 3.6, // Tillabéri
  NE007: 5.2, // Zinder
  NE008: 3.0, // Niamey (1.6 million people)
};

type GroupMix = Readonly<Record<NameGroup, number>>;

/** Share of each community among people of a region, used to choose names and languages. */
export const NIGER_REGION_GROUPS: Readonly<Record<string, GroupMix>> = {
  NE001: { tuareg: 50, hausa: 30, zarma: 10, fulani: 5, kanuri: 5 },
  NE002: { kanuri: 55, fulani: 20, hausa: 17, tuareg: 5, zarma: 3 },
  NE003: { zarma: 60, hausa: 30, fulani: 10, kanuri: 0, tuareg: 0 },
  NE004: { hausa: 85, fulani: 10, tuareg: 5, zarma: 0, kanuri: 0 },
  NE005: { hausa: 65, tuareg: 25, fulani: 8, zarma: 2, kanuri: 0 },
  NE006: { zarma: 65, fulani: 15, tuareg: 10, hausa: 10, kanuri: 0 },
  NE007: { hausa: 70, kanuri: 17, fulani: 8, tuareg: 5, zarma: 0 },
  NE008: { zarma: 45, hausa: 40, fulani: 7, tuareg: 4, kanuri: 4 },
};

/** For areas outside the table above. */
export const NATIONAL_GROUPS: GroupMix = { hausa: 53, zarma: 21, tuareg: 11, fulani: 7, kanuri: 6 };

/** Language codes a community's first language may carry in a drive's `spokenLanguages`, best first. */
export const GROUP_LANGUAGE_CODES: Readonly<Record<NameGroup, readonly string[]>> = {
  hausa: ['ha', 'hau'],
  zarma: ['dje', 'son', 'ses'],
  fulani: ['ff', 'fuh', 'ful', 'fuv'],
  kanuri: ['kr', 'knc', 'kau'],
  tuareg: ['tmh', 'taq', 'thz', 'ttq'],
};

/** Share of each role among volunteers; roles not listed weigh `DEFAULT_ROLE_WEIGHT`. */
export const ROLE_WEIGHTS: Readonly<Record<string, number>> = {
  medical: 15,
  defense: 30,
  logistics: 20,
  transport: 15,
  communications: 10,
  other: 10,
};
export const DEFAULT_ROLE_WEIGHT = 10;

/**
 * Mobile number ranges of Niger (+227, 8 digits) as libphonenumber-js/max reports them
 * (`(?:23|7[0467]|[89]\d)\d{6}` is MOBILE; 20/21 are fixed lines, 08/09 toll-free/premium).
 * Weights roughly follow operators' market shares (Airtel 96-99/88-89, Zamani 90-93, Moov 94-95/
 * 84-87, Niger Telecoms 80-83 and the rest); they only shape how numbers look.
 */
export const NIGER_MOBILE_PREFIXES: readonly { prefix: string; weight: number }[] = [
  { prefix: '96', weight: 12 },
  { prefix: '97', weight: 10 },
  { prefix: '98', weight: 8 },
  { prefix: '99', weight: 8 },
  { prefix: '90', weight: 10 },
  { prefix: '91', weight: 8 },
  { prefix: '92', weight: 6 },
  { prefix: '93', weight: 5 },
  { prefix: '94', weight: 6 },
  { prefix: '95', weight: 4 },
  { prefix: '89', weight: 3 },
  { prefix: '88', weight: 3 },
  { prefix: '87', weight: 2 },
  { prefix: '86', weight: 2 },
  { prefix: '85', weight: 2 },
  { prefix: '84', weight: 2 },
  { prefix: '83', weight: 1 },
  { prefix: '82', weight: 1 },
  { prefix: '81', weight: 1 },
  { prefix: '80', weight: 2 },
  { prefix: '77', weight: 1 },
  { prefix: '76', weight: 1 },
  { prefix: '74', weight: 1 },
  { prefix: '70', weight: 1 },
  { prefix: '23', weight: 0.5 },
];
