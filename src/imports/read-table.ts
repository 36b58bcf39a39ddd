import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { normalizeHeader } from '../domain/import-mapping.ts';

export type TableFormat = 'csv' | 'xlsx';

/** One data row: its number (1 = the first row after the header) and its cells by normalised header. */
export interface TableRow {
  row: number;
  cells: Map<string, string>;
}

export function formatOfFile(name: string): TableFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return null;
}

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The header row of a table file, as written. */
export async function readHeaders(path: string, format: TableFormat): Promise<string[]> {
  for await (const item of readTable(path, format, { headersOnly: true })) {
    if ('headers' in item) return item.headers;
  }
  return [];
}

/**
 * The rows of a CSV or XLSX file (first worksheet), streamed: memory stays bounded whatever the size.
 * Yields the header row first. CSV: UTF-8 (with or without BOM), separator ',' ';' or tab, guessed
 * from the header line (spreadsheets set to French write ';').
 */
export async function* readTable(path: string, format: TableFormat, options: { headersOnly?: boolean } = {}): AsyncGenerator<{ headers: string[] } | TableRow> {
  if (format === 'csv') yield* readCsv(path, options);
  else yield* readXlsx(path, options);
}

async function* readCsv(path: string, options: { headersOnly?: boolean }): AsyncGenerator<{ headers: string[] } | TableRow> {
  const delimiter = await sniffDelimiter(path);
  const parser = createReadStream(path).pipe(parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }));
  let keys: string[] | null = null;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (keys === null) {
        keys = record.map(normalizeHeader);
        yield { headers: record.map((h) => h.trim()) };
        if (options.headersOnly) return;
        continue;
      }
      row += 1;
      yield { row, cells: cellsOf(keys, record) };
    }
  } finally {
    parser.destroy();
  }
}

async function sniffDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
    counts.sort((a, b) => b.n - a.n);
    return counts[0] && counts[0].n > 0 ? counts[0].d : ',';
  } finally {
    await handle.close();
  }
}

function cellsOf(keys: readonly string[], values: readonly string[]): Map<string, string> {
  const cells = new Map<string, string>();
  keys.forEach((key, i) => {
    if (key !== '' && !cells.has(key)) cells.set(key, values[i] ?? '');
  });
  return cells;
}

async function* readXlsx(path: string, options: { headersOnly?: boolean }): AsyncGenerator<{ headers: string[] } | TableRow> {
  const ExcelJS = (await import('exceljs')).default;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(path), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  let keys: string[] | null = null;
  let row = 0;
  for await (const worksheet of reader) {
    for await (const xlsxRow of worksheet) {
      const values = rowValues(xlsxRow);
      if (keys === null) {
        keys = values.map(normalizeHeader);
        yield { headers: values.map((h) => h.trim()) };
        if (options.headersOnly) return;
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      row += 1;
      yield { row, cells: cellsOf(keys, values) };
    }
    // Only the first worksheet holds the list.
    break;
  }
}

function rowValues(row: import('exceljs').Row): string[] {
  const values = row.values as unknown[];
  const out: string[] = [];
  // ExcelJS rows are 1-based: index 0 is empty.
  for (let i = 1; i < values.length; i++) out.push(cellText(values[i]));
  return out;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' ? value : '';
}
