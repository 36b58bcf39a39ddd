/**
 * Regenerates the `areas` array of config/drives/niger.json from config/data/niger-areas.csv, keeping
 * every other field as it is, so the areas can be refreshed when OCHA publishes a new gazetteer.
 *
 *   node bin/run-ts.js scripts/build-niger-drive.ts
 *
 * The result is validated with the same checks as at start-up and nothing is written if it fails
 * (for instance when a site points at an area the new CSV no longer has).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DriveConfigError, parseDriveConfig } from '../src/config/load-drive.ts';
import type { Area } from '../src/config/load-drive.ts';

const CSV_PATH = fileURLToPath(new URL('../config/data/niger-areas.csv', import.meta.url));
const DRIVE_PATH = fileURLToPath(new URL('../config/drives/niger.json', import.meta.url));
const HEADER = ['level', 'pcode', 'name', 'parent_pcode'];
/** Objects and arrays that fit in this many columns are written on one line (one area per line). */
const MAX_WIDTH = 120;

/**
 * RFC 4180 CSV: fields may be quoted, with `""` for a quote inside. The current file quotes nothing
 * (names such as "Birni N'Konni" contain apostrophes, not commas), but a future export might.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = (): void => {
    row.push(field);
    // Blank lines (such as a trailing one) are not rows.
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c !== '"') field += c;
      else if (text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') endRow();
    else if (c === '\r') {
      if (text.charAt(i + 1) === '\n') i++;
      endRow();
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field at the end of the file');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

function readAreas(path: string): Area[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  if (header?.join(',') !== HEADER.join(',')) {
    throw new Error(`${path}: expected the header "${HEADER.join(',')}", found "${header?.join(',') ?? ''}"`);
  }
  return rows.map((fields, i) => {
    const line = i + 2;
    const [level, pcode, name, parent] = fields;
    if (fields.length !== HEADER.length || level === undefined || pcode === undefined || name === undefined || parent === undefined) {
      throw new Error(`${path}:${line}: expected ${HEADER.length} fields, found ${fields.length}`);
    }
    if (!/^[1-9][0-9]*$/.test(level)) throw new Error(`${path}:${line}: level "${level}" is not a positive integer`);
    return { pcode, name, level: Number(level), parent: parent === '' ? null : parent };
  });
}

/** JSON with short objects and arrays kept on one line, so the file stays readable and diffs stay small. */
function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function format(value: unknown, indent: string, used: number): string {
  const inline = compact(value);
  // The top level is always expanded, one field per line.
  if (value === null || typeof value !== 'object' || (indent !== '' && used + inline.length <= MAX_WIDTH)) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + format(item, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  const lines = Object.entries(value).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return inner + key + format(v, inner, inner.length + key.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function main(): void {
  const areas = readAreas(CSV_PATH);
  const drive = JSON.parse(readFileSync(DRIVE_PATH, 'utf8')) as unknown;
  if (drive === null || typeof drive !== 'object' || Array.isArray(drive)) throw new Error(`${DRIVE_PATH}: not a JSON object`);
  // Replacing the value in place keeps the key order of the file.
  const updated = { ...drive, areas };
  parseDriveConfig(updated, DRIVE_PATH);
  writeFileSync(DRIVE_PATH, `${format(updated, '', 0)}\n`);
  const counts = new Map<number, number>();
  for (const area of areas) counts.set(area.level, (counts.get(area.level) ?? 0) + 1);
  const summary = [...counts].map(([level, n]) => `${n} at level ${level}`).join(', ');
  console.log(`${DRIVE_PATH}: wrote ${areas.length} areas (${summary})`);
}

try {
  main();
} catch (error) {
  // A DriveConfigError's message already lists every problem, one per line.
  console.error(error instanceof DriveConfigError || error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
