import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvLine } from './csv.ts';

/**
 * Writers of a table (header, then rows, possibly in titled sections) to a byte stream, in CSV, XLSX
 * or PDF, all streamed: what was written is not kept in memory.
 */
export interface TableWriter {
  /** Starts a titled section (PDF: a heading, on a new page after the first; CSV/XLSX: nothing). */
  section(title: string): Promise<void>;
  rows(rows: ReadonlyArray<readonly string[]>): Promise<void>;
  /** CSV lines already laid out (see roster-page.ts); only the CSV writer takes them. */
  csv(text: string): Promise<void>;
  /** Ends the document and waits until every byte is handed to the stream. */
  end(): Promise<void>;
}

export type TableFormat = 'csv' | 'xlsx' | 'pdf';

export interface TableOptions {
  title: string;
  /** Lines printed under the title (PDF) : purpose, recipient, date. */
  subtitle?: readonly string[];
  headers: readonly string[];
}

/** The XLSX and PDF libraries are loaded when first needed: most processes never write either. */
export async function tableWriter(format: TableFormat, out: Writable, options: TableOptions): Promise<TableWriter> {
  switch (format) {
    case 'csv':
      return csvWriter(out, options);
    case 'xlsx':
      return xlsxWriter((await import('exceljs')).default, out, options);
    case 'pdf':
      return pdfWriter((await import('pdfkit')).default, out, options);
  }
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

function csvWriter(out: Writable, options: TableOptions): TableWriter {
  let started = false;
  const lines = async (text: string) => {
    const chunk = started ? text : '\uFEFF' + csvLine(options.headers) + text;
    started = true;
    await write(out, chunk);
  };
  return {
    section: () => Promise.resolve(),
    async rows(rows) {
      let chunk = '';
      for (const row of rows) chunk += csvLine(row);
      await lines(chunk);
    },
    csv: lines,
    async end() {
      if (!started) await write(out, '\uFEFF' + csvLine(options.headers));
      out.end();
      await once(out, 'finish');
    },
  };
}

function xlsxWriter(ExcelJS: typeof import('exceljs'), out: Writable, options: TableOptions): TableWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(options.title.slice(0, 31).replace(/[[\]*?/\\:]/g, ' '));
  const header = sheet.addRow([...options.headers]);
  header.font = { bold: true };
  header.commit();
  return {
    section: () => Promise.resolve(),
    async rows(rows) {
      // Cells are text: a phone number or an ID must not become a number or a formula.
      for (const row of rows) sheet.addRow([...row]).commit();
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    csv: () => Promise.reject(new Error('CSV lines go to a CSV file only')),
    async end() {
      sheet.commit();
      await workbook.commit();
      if (!out.writableFinished) await once(out, 'finish');
    },
  };
}

const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf';
const BOLD_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf';

/** Without a Unicode font, letters of Hausa and other languages outside Latin-1 are written plainly. */
function plain(text: string): string {
  return text
    .replace(/[ɗƊ]/g, (c) => (c === 'ɗ' ? 'd' : 'D'))
    .replace(/[ƙƘ]/g, (c) => (c === 'ƙ' ? 'k' : 'K'))
    .replace(/[ɓƁ]/g, (c) => (c === 'ɓ' ? 'b' : 'B'))
    .replace(/[ƴƳ]/g, (c) => (c === 'ƴ' ? 'y' : 'Y'))
    .replace(/[’‘]/g, "'")
    .replace(/[^\u0000-\u00ff]/g, '?');
}

function pdfWriter(PDFDocument: typeof import('pdfkit'), out: Writable, options: TableOptions): TableWriter {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: false, info: { Title: options.title, Producer: 'Muster', Creator: 'Muster' } });
  const unicode = existsSync(FONT_FILE) && existsSync(BOLD_FONT_FILE);
  if (unicode) {
    doc.registerFont('body', FONT_FILE);
    doc.registerFont('bold', BOLD_FONT_FILE);
  }
  const font = (bold: boolean) => doc.font(unicode ? (bold ? 'bold' : 'body') : bold ? 'Helvetica-Bold' : 'Helvetica');
  const text = (s: string) => (unicode ? s : plain(s));
  doc.pipe(out);
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const columnWidth = width / Math.max(1, options.headers.length);
  const lineHeight = 11;
  const bottom = () => doc.page.height - doc.page.margins.bottom - lineHeight;
  let y = doc.page.margins.top;
  let sections = 0;
  let sectionTitle = '';
  let page = 1;

  const footer = () => {
    font(false).fontSize(7).fillColor('#555');
    doc.text(text(`${options.title} — ${page}`), left, doc.page.height - doc.page.margins.bottom + 6, { width, align: 'right', lineBreak: false });
    doc.fillColor('black');
  };
  const headerRow = () => {
    font(true).fontSize(8);
    options.headers.forEach((h, i) => doc.text(text(h), left + i * columnWidth, y, { width: columnWidth - 4, lineBreak: false, ellipsis: true }));
    y += lineHeight;
    doc.moveTo(left, y - 2).lineTo(left + width, y - 2).lineWidth(0.5).stroke();
  };
  const newPage = () => {
    footer();
    doc.addPage();
    page += 1;
    y = doc.page.margins.top;
    if (sectionTitle) {
      font(true).fontSize(10);
      doc.text(text(sectionTitle), left, y, { lineBreak: false });
      y += 16;
    }
    headerRow();
  };
  const title = () => {
    font(true).fontSize(14);
    doc.text(text(options.title), left, y, { width });
    y = doc.y + 4;
    font(false).fontSize(9);
    for (const line of options.subtitle ?? []) {
      doc.text(text(line), left, y, { width });
      y = doc.y + 2;
    }
    y += 8;
  };
  title();
  let headerShown = false;

  return {
    section(name) {
      sectionTitle = name;
      if (sections > 0) newPage();
      else {
        font(true).fontSize(10);
        doc.text(text(name), left, y, { lineBreak: false });
        y += 16;
        headerRow();
        headerShown = true;
      }
      sections += 1;
      return Promise.resolve();
    },
    async rows(rows) {
      if (!headerShown) {
        headerRow();
        headerShown = true;
      }
      font(false).fontSize(8);
      for (const row of rows) {
        if (y > bottom()) {
          newPage();
          font(false).fontSize(8);
        }
        row.forEach((cell, i) => doc.text(text(cell), left + i * columnWidth, y, { width: columnWidth - 4, lineBreak: false, ellipsis: true }));
        y += lineHeight;
      }
      // PDFKit queues its output whatever the reader's pace: let the file catch up before going on.
      while (doc.readableLength > 4 << 20) {
        if (out.writableNeedDrain) await once(out, 'drain');
        else await new Promise((resolve) => setImmediate(resolve));
      }
    },
    csv: () => Promise.reject(new Error('CSV lines go to a CSV file only')),
    async end() {
      if (!headerShown) headerRow();
      footer();
      doc.end();
      if (!out.writableFinished) await once(out, 'finish');
    },
  };
}
