/**
 * Writes a synthetic paper registration list (CSV, French headers) and its column mapping, for trying
 * `muster import`: node bin/run-ts.js bench/make-paper-list.ts ROWS OUT.csv [DUPLICATE_RATE]
 */
import { writeFileSync } from 'node:fs';
import { loadDrive } from '../src/config/load-drive.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import { PAPER_LIST_MAPPING, writePaperListCsv, type PaperRow } from '../src/demo/paper-list.ts';

const count = Number(process.argv[2] ?? 1000);
const out = process.argv[3] ?? 'paper-list.csv';
const duplicateRate = Number(process.argv[4] ?? 0.05);
const seed = Number(process.argv[5] ?? 7);
const drive = loadDrive(undefined);
function* rows(): Generator<PaperRow> {
  for (const v of generateForDrive(drive, { count, seed, duplicateRate, today: new Date() })) yield { input: v.input };
}
await writePaperListCsv(out, rows());
writeFileSync(out.replace(/\.csv$/, '') + '.mapping.json', JSON.stringify(PAPER_LIST_MAPPING, null, 2) + '\n');
console.log(`${count} rows: ${out}; mapping: ${out.replace(/\.csv$/, '')}.mapping.json`);
