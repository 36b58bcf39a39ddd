/**
 * The checks of an import alone (`prepareRow` on every row: mapping, validation, fingerprint,
 * duplicate-check keys), without the database: `node bin/run-ts.js bench/prepare-profile.ts FILE [ROWS]`.
 * Prints CPU seconds and microseconds per row, and a digest of every prepared row so that two
 * versions of the code can be compared for identical results.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadDrive } from '../src/config/load-drive.ts';
import { createFieldCipher } from '../src/crypto/field-cipher.ts';
import { keyringFromMasters } from '../src/crypto/keyring.ts';
import { PAPER_LIST_MAPPING } from '../src/demo/paper-list.ts';
import { readTable } from '../src/imports/read-table.ts';
import { prepareRow, type PrepareSpec } from '../src/services/imports/prepare-rows.ts';

const [file, rowsText] = process.argv.slice(2);
if (!file) throw new Error('usage: prepare-profile.ts FILE [ROWS]');
const limit = Number(rowsText ?? '20000');
const drive = loadDrive(undefined);
const cipher = createFieldCipher(keyringFromMasters([Buffer.alloc(32, 11)], Buffer.alloc(32, 12)));
const spec: PrepareSpec = { path: file, format: 'csv', mapping: PAPER_LIST_MAPPING, fileHash: 'f'.repeat(64), resumedAfter: 0, batchSize: 1000, dryRun: false };
const rows: Array<{ row: number; cells: Map<string, string> }> = [];
for await (const item of readTable(file, 'csv')) {
  if (!('row' in item)) continue;
  rows.push(item);
  if (rows.length >= limit) break;
}
const now = new Date('2026-12-05T12:00:00Z');
const digest = createHash('sha256');
const cpu = process.cpuUsage();
const started = performance.now();
for (let pass = 0; pass < 3; pass++) {
  for (const { row, cells } of rows) {
    const prepared = prepareRow({ drive, cipher }, spec, row, cells, now);
    if (pass === 0) digest.update(JSON.stringify(prepared)).update('\n');
  }
}
const used = process.cpuUsage(cpu);
const seconds = (used.user + used.system) / 1e6;
console.log(JSON.stringify({ rows: rows.length, passes: 3, wallSeconds: (performance.now() - started) / 1000, cpuSeconds: seconds, microsPerRow: (seconds * 1e6) / (rows.length * 3), digest: digest.digest('hex') }));
