import { SingleBar } from 'cli-progress';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { findDuplicates } from '../../dedup/find-duplicates.ts';
import { parseColumnMapping, readRecordsFile } from '../../dedup/read-records-file.ts';
import type { CommandIo, CommandValues } from '../main.ts';

/**
 * `muster dedup-file`: the pairs of a CSV file that are the same person, without touching the
 * registry. Writes `id_a,id_b,score` (score: match probability) for every pair judged the same person.
 */
export async function dedupFileCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const input = typeof values.input === 'string' ? values.input : undefined;
  const idColumn = typeof values['id-column'] === 'string' ? values['id-column'] : undefined;
  const columns = typeof values.columns === 'string' ? values.columns : undefined;
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (!input || !idColumn || !columns || !out) throw new Error('--input, --id-column, --columns and --out are required');
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) throw new Error('--threshold must be a probability between 0 and 1');

  const started = Date.now();
  const records = await readRecordsFile(input, idColumn, parseColumnMapping(columns));
  const progress = new SingleBar({ format: 'dedup {step} [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, noTTYOutput: false });
  let current = '';
  const result = findDuplicates(records, {
    threshold,
    onProgress: (step, done, total) => {
      if (records.length < 20_000) return;
      if (step !== current) {
        if (current) progress.stop();
        current = step;
        progress.start(total, done, { step });
      } else progress.update(done, { step });
    },
  });
  if (current) progress.stop();

  const file = createWriteStream(out);
  file.write('id_a,id_b,score\n');
  for (const pair of result.pairs) file.write(`${csvCell(pair.a)},${csvCell(pair.b)},${pair.probability.toFixed(6)}\n`);
  file.end();
  await finished(file);
  io.out(
    `${records.length} records, ${result.candidatePairs} candidate pairs, ${result.pairs.length} pairs judged the same person ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${out}`,
  );
  return 0;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
