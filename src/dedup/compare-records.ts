import { compareArea, type AncestorsOf } from './compare/compare-area.ts';
import { compareParsedBirths } from './compare/compare-birth.ts';
import { compareNormalisedNationalIds } from './compare/compare-national-id.ts';
import { comparePhoneEnds } from './compare/compare-phone.ts';
import type { Comparison } from './levels.ts';
import { comparePersonNames } from './names/compare-names.ts';
import type { PreparedRecord } from './prepared-record.ts';

export interface CompareOptions {
  /** The drive's area hierarchy; without it, areas are compared by code shape (P-code prefixes). */
  ancestorsOf?: AncestorsOf | undefined;
  /** Leave the ID number out of the comparison (to measure what the other fields achieve alone). */
  ignoreNationalId?: boolean;
}

const MISSING = { level: 'missing' } as const;

/** Compares two records field by field: the input of the match model. */
export function compareRecords(a: PreparedRecord, b: PreparedRecord, options: CompareOptions = {}): Comparison {
  const names = comparePersonNames(a, b);
  return {
    givenName: names.givenName,
    familyName: names.familyName,
    birth: compareParsedBirths(a.birth, b.birth),
    phone: comparePhoneEnds(a.phoneDigits, a.phone8, b.phoneDigits, b.phone8),
    nationalId: options.ignoreNationalId ? MISSING : compareNormalisedNationalIds(a.nationalId, b.nationalId),
    area: compareArea(a.record.area, b.record.area, options.ancestorsOf),
  };
}
