/**
 * Deduplication quality and speed: `npm run bench:dedup`. For each Febrl data set (synthetic records
 * with known duplicates, see ../shared/data/README.md), with and without the ID-number column, and for
 * a synthetic Nigerien population with spelling variants (from the demo generator), prints precision,
 * recall, F1, the recall of blocking (true pairs among the candidate pairs) and the time. The rec_id
 * values only serve to know the truth: records are matched on names, dates, ID numbers and postcodes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDrive } from '../src/config/load-drive.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import { CandidatePairs } from '../src/dedup/blocking.ts';
import { findDuplicates } from '../src/dedup/find-duplicates.ts';
import { findDuplicatesInParallel } from '../src/dedup/parallel-duplicates.ts';
import { evaluatePairs } from '../src/dedup/model/evaluate.ts';
import { personRecordFromInput, type PersonRecord } from '../src/dedup/person-record.ts';
import { prepareRecord } from '../src/dedup/prepared-record.ts';
import { parseColumnMapping, readRecordsFile } from '../src/dedup/read-records-file.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    niger: { type: 'string' },
    threshold: { type: 'string' },
    'no-febrl': { type: 'boolean' },
    'show-errors': { type: 'boolean' },
    bands: { type: 'boolean' },
  },
});
const dataDir = resolve(values.data ?? join(import.meta.dirname, '../../shared/data/febrl'));
const nigerSizes = (values.niger ?? '20000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const showErrors = values['show-errors'] === true;
const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
/**
 * --bands: for the Nigerien sets, also how calibrated the probabilities are: the pairs at or above 0.1
 * in bands of 0.1, each with its mean probability and its share of true pairs (a calibrated model has
 * the two equal), and precision and recall at 0.5 and 0.8, all from one run reporting pairs from 0.1.
 */
const bands = values.bands === true;
const BAND_FLOOR = 0.1;

interface Row {
  set: string;
  ids: string;
  records: number;
  truePairs: number;
  candidates: number;
  blockingRecall: number;
  precision: number;
  recall: number;
  f1: number;
  seconds: number;
}

function truthFromClusters(records: PersonRecord[], entityOf: (r: PersonRecord) => string): Array<[string, string]> {
  const clusters = new Map<string, string[]>();
  for (const r of records) {
    const e = entityOf(r);
    clusters.set(e, [...(clusters.get(e) ?? []), r.id]);
  }
  const pairs: Array<[string, string]> = [];
  for (const ids of clusters.values()) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i] as string, ids[j] as string]);
  return pairs;
}

function measure(set: string, ids: string, records: PersonRecord[], truth: Array<[string, string]>): Row {
  const started = performance.now();
  const result = findDuplicates(records, { threshold });
  const seconds = (performance.now() - started) / 1000;
  const quality = evaluatePairs(
    result.pairs.map((p) => [p.a, p.b] as const),
    truth,
  );
  // Blocking recall: how many true pairs blocking lets the model see at all.
  const index = new Map(records.map((r, i) => [r.id, i]));
  const blocks = new CandidatePairs(records.map((r) => prepareRecord(r)));
  const seen = truth.filter(([a, b]) => {
    const i = index.get(a) as number;
    const j = index.get(b) as number;
    return blocks.isCandidate(Math.min(i, j), Math.max(i, j));
  }).length;
  return {
    set,
    ids,
    records: records.length,
    truePairs: truth.length,
    candidates: result.candidatePairs,
    blockingRecall: truth.length === 0 ? 1 : seen / truth.length,
    precision: quality.precision,
    recall: quality.recall,
    f1: quality.f1,
    seconds,
  };
}

const rows: Row[] = [];
const febrl: Array<[string, (r: PersonRecord) => string, boolean]> = [
  ['dataset1.csv', (r) => r.id.split('-')[1] ?? r.id, false],
  ['dataset2.csv', (r) => r.id.split('-')[1] ?? r.id, false],
  ['dataset3.csv', (r) => r.id.split('-')[1] ?? r.id, false],
  ['dsgen_A_10000.csv', (r) => String(Math.floor(Number(r.id) / 10)), true],
];
for (const [file, entityOf, hasPhone] of values['no-febrl'] ? [] : febrl) {
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    console.error(`${path}: not found, skipped`);
    continue;
  }
  for (const withIds of [false, true]) {
    const spec = ['given_name=given_name', 'family_name=surname', 'birth_date=date_of_birth', 'area=postcode', ...(hasPhone ? ['phone=phone_number'] : []), ...(withIds ? ['national_id=soc_sec_id'] : [])].join(',');
    const records = await readRecordsFile(path, 'rec_id', parseColumnMapping(spec));
    rows.push(measure(file, withIds ? 'with soc_sec_id' : 'without', records, truthFromClusters(records, entityOf)));
  }
}

// Nigerien spelling variants: second registrations of the same people (new phone, variant spellings,
// swapped names, year only), from the demo generator, at each size asked for (e.g. --niger 20000,1000000),
// matched on worker threads as `muster dedup` does, with the time of each stage.
interface ScaleRow extends Omit<Row, 'set' | 'ids'> {
  stages: Record<string, number>;
  rssMb: number;
  /** CPU seconds of the process (every thread) during the run: less sensitive than wall time to a shared machine. */
  cpuSeconds: number;
  /** With --bands: pairs, summed probability and true pairs per band of 0.1 from BAND_FLOOR. */
  bands?: Array<{ pairs: number; probability: number; true: number }>;
}
const scaleRows: ScaleRow[] = [];
for (const size of nigerSizes) {
  const drive = loadDrive();
  const people: number[] = [];
  const records: PersonRecord[] = [];
  for (const v of generateForDrive(drive, { count: size, seed: 7, duplicateRate: 0.1, duplicateSamePhoneRate: 0, today: new Date('2026-06-15T10:00:00Z') })) {
    records.push({ ...personRecordFromInput(`v${records.length}`, v.input, 2026), nationalId: null });
    people.push(v.personId);
  }
  const options = { threshold: bands ? Math.min(BAND_FLOOR, threshold ?? BAND_FLOOR) : threshold, ancestorsOf: drive.ancestorsOf };
  const stages: Record<string, number> = {};
  let stage = 'preparing';
  let stageStart = performance.now();
  const started = stageStart;
  const cpuStart = process.cpuUsage();
  const result = await findDuplicatesInParallel(records, {
    ...options,
    onProgress: (step) => {
      if (step === stage) return;
      const now = performance.now();
      stages[stage] = (now - stageStart) / 1000;
      [stage, stageStart] = [step, now];
    },
  });
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  stages[stage] = (end - stageStart) / 1000;
  const rssMb = process.memoryUsage().rss / 1e6;
  const index = new Map(records.map((r, i) => [r.id, i]));
  const truth = truthFromClusters(records, (r) => String(people[index.get(r.id) as number]));
  const q = evaluatePairs(
    result.pairs.map((p) => [p.a, p.b] as const),
    truth,
  );
  const blocks = new CandidatePairs(records.map((r) => prepareRecord(r, drive.ancestorsOf)));
  const seen = truth.filter(([a, b]) => blocks.isCandidate(index.get(a) as number, index.get(b) as number)).length;
  if (showErrors) {
    const truthSet = new Set(truth.map(([a, b]) => `${a}|${b}`));
    const byId = new Map(records.map((r) => [r.id, r]));
    const show = (r: PersonRecord | undefined) => (r ? `${r.givenName} ${r.familyName} ${r.birthDate ?? r.birthYear ?? '-'} ${r.area ?? '-'} ${r.phone ?? '-'}` : '?');
    for (const p of result.pairs.filter((x) => !truthSet.has(`${x.a}|${x.b}`) && !truthSet.has(`${x.b}|${x.a}`)).slice(0, 30)) {
      console.log(`false match ${p.probability.toFixed(3)}: ${show(byId.get(p.a))}  /  ${show(byId.get(p.b))}  [${p.score.fields.map((f) => `${f.field}:${f.level}`).join(' ')}]`);
    }
  }
  const row: ScaleRow = { records: size, truePairs: truth.length, candidates: result.candidatePairs, blockingRecall: seen / truth.length, precision: q.precision, recall: q.recall, f1: q.f1, stages, seconds: (end - started) / 1000, rssMb, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  if (bands) {
    const truthSet = new Set(truth.map(([a, b]) => `${a}|${b}`));
    row.bands = Array.from({ length: 9 }, () => ({ pairs: 0, probability: 0, true: 0 }));
    for (const p of result.pairs) {
      const band = row.bands[Math.min(8, Math.floor(p.probability * 10) - 1)];
      if (!band) continue;
      band.pairs += 1;
      band.probability += p.probability;
      if (truthSet.has(`${p.a}|${p.b}`) || truthSet.has(`${p.b}|${p.a}`)) band.true += 1;
    }
  }
  scaleRows.push(row);
}

const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(4));
console.log(`\n# Deduplication benchmark (threshold ${threshold ?? 'default 0.5'})\n`);
console.log('| data set | ID numbers | records | true pairs | candidate pairs | blocking recall | precision | recall | F1 | seconds |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.set} | ${r.ids} | ${r.records} | ${r.truePairs} | ${r.candidates} | ${f(r.blockingRecall)} | ${f(r.precision)} | ${f(r.recall)} | ${f(r.f1)} | ${r.seconds.toFixed(2)} |`);
}

if (scaleRows.length > 0) {
  console.log(`\n# Nigerien synthetic registry (10% second registrations), ${availableParallelism()} threads for scoring\n`);
  console.log('| records | true pairs | candidate pairs | per record | blocking recall | precision | recall | F1 | preparing+blocking s | estimating s | scoring s | total s | CPU s | RSS MB |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of scaleRows) {
    const s = (name: string) => (r.stages[name] ?? 0).toFixed(1);
    console.log(
      `| ${r.records} | ${r.truePairs} | ${r.candidates} | ${(r.candidates / r.records).toFixed(1)} | ${f(r.blockingRecall)} | ${f(r.precision)} | ${f(r.recall)} | ${f(r.f1)} | ${((r.stages.preparing ?? 0) + (r.stages.blocking ?? 0)).toFixed(1)} | ${s('estimating')} | ${s('scoring')} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.rssMb.toFixed(0)} |`,
    );
  }
}

for (const r of scaleRows) {
  if (!r.bands) continue;
  console.log(`\n# Calibration, ${r.records} records: candidate pairs by match probability (true pairs ${r.truePairs})\n`);
  console.log('| probability | pairs | mean probability | share of true pairs |');
  console.log('| --- | ---: | ---: | ---: |');
  r.bands.forEach((b, i) => console.log(`| ${((i + 1) / 10).toFixed(1)}-${((i + 2) / 10).toFixed(1)} | ${b.pairs} | ${f(b.probability / b.pairs)} | ${f(b.true / b.pairs)} |`));
  for (const at of [0.5, 0.8]) {
    const kept = r.bands.slice(Math.round(at * 10) - 1);
    const pairs = kept.reduce((s, b) => s + b.pairs, 0);
    const found = kept.reduce((s, b) => s + b.true, 0);
    console.log(`\nAt ${at}: precision ${f(found / pairs)}, recall ${f(found / r.truePairs)}`);
  }
}
