/**
 * Estimates the match model used for the check on each new registration until `muster dedup` has
 * estimated one from the registry itself: EM over a synthetic population of the default drive
 * (spelling variants, swapped names, year-only dates, new phones). Run:
 *   node bin/run-ts.js scripts/build-default-dedup-model.ts
 * It rewrites config/dedup/default-model.json.
 */
import { writeFileSync } from 'node:fs';
import { loadDrive } from '../src/config/load-drive.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import { findDuplicates } from '../src/dedup/find-duplicates.ts';
import { parametersToJson } from '../src/dedup/model/fellegi-sunter.ts';
import { personRecordFromInput, type PersonRecord } from '../src/dedup/person-record.ts';

const drive = loadDrive();
const records: PersonRecord[] = [];
let k = 0;
for (const v of generateForDrive(drive, { count: 30_000, seed: 2026, duplicateRate: 0.05, today: new Date('2026-06-15T10:00:00Z') })) {
  records.push(personRecordFromInput(`v${k++}`, v.input, 2026));
}
const result = findDuplicates(records, { ancestorsOf: (p) => drive.ancestorsOf(p) });
const path = new URL('../config/dedup/default-model.json', import.meta.url);
writeFileSync(path, `${parametersToJson(result.parameters)}\n`);
console.log(`${records.length} records, ${result.candidatePairs} candidate pairs, ${result.pairs.length} pairs; model written to ${path.pathname}`);
