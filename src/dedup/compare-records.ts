import { compareArea, type AncestorsOf } from './compare/compare-area.ts';
import { compareParsedBirths } from './compare/compare-birth.ts';
import { compareNationalId } from './compare/compare-national-id.ts';
import { comparePhoneDigits } from './compare/compare-phone.ts';
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
  const names = comparePersonNames({ given: a.given, family: a.family }, { given: b.given, family: b.family });
  return {
    givenName: names.givenName,
    familyName: names.familyName,
    birth: compareParsedBirths(a.birth, b.birth),
    phone: comparePhoneDigits(a.phoneDigits, b.phoneDigits),
    nationalId: options.ignoreNationalId ? MISSING : compareNationalId(a.record.nationalId, b.record.nationalId),
    area: compareArea(a.record.area, b.record.area, options.ancestorsOf),
  };
}
