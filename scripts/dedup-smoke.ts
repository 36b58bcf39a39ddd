/**
 * Smoke test of the comparators and the match model on a Febrl data set with known duplicates:
 *
 *   node bin/run-ts.js scripts/dedup-smoke.ts /work/shared/data/febrl/dataset2.csv [--with-id]
 *     [--model=all|blocked|population|population-em] [--names=stand-in] [--tf-mode=relative|replace]
 *     [--tf-floor=0.001] [--no-tf] [--show-errors=N] [--save-params=FILE]
 *
 * Reads the CSV (values trimmed), builds PersonRecords (given_name, surname, date_of_birth,
 * soc_sec_id only with --with-id, postcode as the area, phone_number when the file has one), pairs
 * records with a throwaway blocking (same first 3 letters of the surname, same date of birth or same
 * given name, plus same ID with --with-id; the real blocking is src/dedup/blocking.ts), compares them
 * (names with src/dedup/names, or a Jaro-Winkler stand-in), estimates the model by EM without labels,
 * scores, and prints precision / recall / F1 at a few probability thresholds. Estimations (--model):
 * - blocked: m, u and prior by EM on the candidate pairs alone;
 * - population: every pair (candidates + a weighted random sample of the others), u from random
 *   pairs held fixed (Splink), m and prior by EM;
 * - population-em: every pair, m, u and prior by EM (estimateOnAllPairs: the recommended one);
 * - all (default): the three, one after the other.
 * The example explanation and --save-params use the last one run.
 *
 * The answer (rec-N-org / rec-N-dup-k share N; in dsgen files entity = floor(rec_id / 10)) is read
 * for evaluation only: ids are keys, never compared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compareArea } from '../src/dedup/compare/compare-area.ts';
import { compareBirth } from '../src/dedup/compare/compare-birth.ts';
import { compareNationalId } from '../src/dedup/compare/compare-national-id.ts';
import { comparePhone } from '../src/dedup/compare/compare-phone.ts';
import type { Comparison, FieldComparison, NameLevel } from '../src/dedup/levels.ts';
import { NAME_LEVELS } from '../src/dedup/levels.ts';
import { evaluatePairs, pairsFromClusters } from '../src/dedup/model/evaluate.ts';
import type { PairEvaluation } from '../src/dedup/model/evaluate.ts';
import {
  estimateOnAllPairs,
  estimateParameters,
  estimateU,
  initialParameters,
  levelWeights,
  parametersToJson,
  scorePair,
  termFrequencies,
} from '../src/dedup/model/fellegi-sunter.ts';
import type { ModelParameters, PairScore, TermFrequency, TermFrequencyLookup, TermFrequencyLookups } from '../src/dedup/model/fellegi-sunter.ts';
import { comparePersonNames, nameValue } from '../src/dedup/names/compare-names.ts';
import type { PersonNameKeys } from '../src/dedup/names/compare-names.ts';
import { nameKeys } from '../src/dedup/names/name-keys.ts';
import type { PersonRecord } from '../src/dedup/person-record.ts';

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const flag = (name: string): string | undefined => {
  const hit = args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  const eq = hit.indexOf('=');
  return eq < 0 ? '' : hit.slice(eq + 1);
};
if (!file) {
  console.error('usage: node bin/run-ts.js scripts/dedup-smoke.ts FILE.csv [--with-id] [--model=all|blocked|population|population-em] [--names=stand-in] [--tf-mode=relative|replace] [--tf-floor=X] [--no-tf] [--show-errors=N] [--save-params=FILE]');
  process.exit(2);
}
const withId = flag('with-id') !== undefined;
const model = flag('model') ?? 'all';
if (!['blocked', 'population', 'population-em', 'all'].includes(model)) {
  console.error('--model must be blocked, population, population-em or all');
  process.exit(2);
}
const tfMode = flag('tf-mode') === 'replace' ? 'replace' : 'relative';
const tfFloor = Number(flag('tf-floor') ?? '0');
const useTf = flag('no-tf') === undefined;
const saveParams = flag('save-params');
const showErrors = Number(flag('show-errors') ?? '0');
const useStandIn = flag('names') === 'stand-in';

// ---------------------------------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------------------------------

interface Row {
  record: PersonRecord;
  /** Evaluation only. */
  entity: string;
}

function readFebrl(path: string): Row[] {
  // Febrl files quote nothing: a plain split is exact.
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  const idCol = col('rec_id');
  if (idCol < 0) throw new Error(`${path}: no rec_id column`);
  const rows: Row[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.trim());
    const get = (name: string): string | null => {
      const i = col(name);
      const v = i < 0 ? undefined : cells[i];
      return v ? v : null;
    };
    const id = cells[idCol] ?? '';
    const dob = get('date_of_birth');
    // Kept even when not a calendar date (a typo such as 19231164): compareBirth reads the parts.
    const birthDate = dob && /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : null;
    const yearText = dob && /^\d{4}/.exec(dob)?.[0];
    rows.push({
      record: {
        id,
        givenName: get('given_name'),
        familyName: get('surname'),
        birthDate,
        birthYear: yearText ? Number(yearText) : null,
        phone: get('phone_number'),
        nationalId: withId ? get('soc_sec_id') : null,
        area: get('postcode'),
      },
      entity: /^rec-(\d+)-/.exec(id)?.[1] ?? String(Math.floor(Number(id) / 10)),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Names: the team's comparator, or (--names=stand-in) a simple one for comparison
// ---------------------------------------------------------------------------------------------------

type NameComparer = (a: PersonRecord, b: PersonRecord) => { givenName: FieldComparison; familyName: FieldComparison };

const normaliseName = (name: string | null): string => (name ?? '').toLowerCase().replace(/[^a-z]/g, '');

function jaroWinkler(s: string, t: string): number {
  if (s === t) return 1;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(t.length, i + window + 1); j++) {
      if (tMatched[j] || s[i] !== t[j]) continue;
      sMatched[i] = tMatched[j] = true;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[k]) k++;
    if (s[i] !== t[k]) transpositions += 1;
    k++;
  }
  const jaro = (matches / s.length + matches / t.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && s[prefix] !== undefined && s[prefix] === t[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const SOUNDEX: Record<string, string> = { b: '1', f: '1', p: '1', v: '1', c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2', d: '3', t: '3', l: '4', m: '5', n: '5', r: '6' };
function soundex(name: string): string {
  let code = name.charAt(0);
  let last = SOUNDEX[code] ?? '';
  for (const c of name.slice(1)) {
    const digit = SOUNDEX[c] ?? '';
    if (digit && digit !== last) code += digit;
    if (c !== 'h' && c !== 'w') last = digit;
  }
  return code.padEnd(4, '0').slice(0, 4);
}

/** Stand-in single-name comparator on the NAME_LEVELS scale (no alias table), written before src/dedup/names. */
function compareName(a: string, b: string): FieldComparison {
  if (a === '' || b === '') return { level: 'missing' };
  if (a === b) return { level: 'exact', agreedValue: a };
  if (soundex(a) === soundex(b)) return { level: 'phonetic' };
  const jw = jaroWinkler(a, b);
  if (jw >= 0.94) return { level: 'fuzzy_high' };
  if (jw >= 0.85) return { level: 'fuzzy' };
  if ((a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))) return { level: 'initial' };
  return { level: 'different' };
}

const nameRank = (c: FieldComparison): number => (c.level === 'missing' ? NAME_LEVELS.length : NAME_LEVELS.indexOf(c.level as NameLevel));

/** Given and family names compared straight and crossed; the better orientation wins (swapped names). */
const standInNames: NameComparer = (a, b) => {
  const ag = normaliseName(a.givenName);
  const af = normaliseName(a.familyName);
  const bg = normaliseName(b.givenName);
  const bf = normaliseName(b.familyName);
  const straight = { givenName: compareName(ag, bg), familyName: compareName(af, bf) };
  const crossed = { givenName: compareName(ag, bf), familyName: compareName(af, bg) };
  const rank = (x: typeof straight): number => nameRank(x.givenName) + nameRank(x.familyName);
  return rank(crossed) < rank(straight) ? crossed : straight;
};

/** The team's comparator (src/dedup/names): aliases, Double Metaphone, token alignment. */
const keyCache = new Map<PersonRecord, PersonNameKeys>();
function personNameKeys(r: PersonRecord): PersonNameKeys {
  let keys = keyCache.get(r);
  if (!keys) keyCache.set(r, (keys = { given: nameKeys(r.givenName), family: nameKeys(r.familyName) }));
  return keys;
}
const teamNames: NameComparer = (a, b) => {
  const { givenName, familyName } = comparePersonNames(personNameKeys(a), personNameKeys(b));
  return { givenName, familyName };
};

/**
 * A field's frequency table, falling back to the other name field's for a value never seen in this
 * one: swapped names agree on a given name written as a family name.
 */
function nameFrequencies(own: TermFrequency, other: TermFrequency): TermFrequencyLookup {
  return Object.assign((value: string) => own(value) || other(value), { randomAgreement: own.randomAgreement });
}

// ---------------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------------

const rows = readFebrl(file);
const records = rows.map((r) => r.record);
const truth = pairsFromClusters(rows.map((r) => [r.record.id, r.entity] as const));
const compareNames = useStandIn ? standInNames : teamNames;
console.log(`${file}: ${records.length} records, ${truth.length} true pairs; names: ${useStandIn ? 'stand-in (Jaro-Winkler + Soundex)' : 'src/dedup/names'}; ID: ${withId ? 'soc_sec_id' : 'not used'}`);

function compare(a: PersonRecord, b: PersonRecord): Comparison {
  return {
    ...compareNames(a, b),
    birth: compareBirth(a, b),
    phone: comparePhone(a.phone, b.phone),
    nationalId: compareNationalId(a.nationalId, b.nationalId),
    area: compareArea(a.area, b.area),
  };
}

// Throwaway blocking, for this smoke test only.
const blocks = new Map<string, number[]>();
records.forEach((r, i) => {
  const keys = new Set<string>();
  const surname = normaliseName(r.familyName);
  const given = normaliseName(r.givenName);
  if (surname.length >= 3) keys.add(`s:${surname.slice(0, 3)}`);
  if (r.birthDate) keys.add(`d:${r.birthDate}`);
  if (given) keys.add(`g:${given}`);
  if (r.nationalId) keys.add(`i:${r.nationalId}`);
  for (const key of keys) {
    const block = blocks.get(key);
    if (block) block.push(i);
    else blocks.set(key, [i]);
  }
});
const seen = new Set<number>();
const candidates: Array<[number, number]> = [];
for (const block of blocks.values()) {
  for (let x = 0; x < block.length; x++) {
    for (let y = x + 1; y < block.length; y++) {
      const i = Math.min(block[x] as number, block[y] as number);
      const j = Math.max(block[x] as number, block[y] as number);
      const key = i * records.length + j;
      if (seen.has(key)) continue;
      seen.add(key);
      candidates.push([i, j]);
    }
  }
}
const idPair = ([i, j]: [number, number]): [string, string] => [(records[i] as PersonRecord).id, (records[j] as PersonRecord).id];
const blockingRecall = evaluatePairs(candidates.map(idPair), truth).recall;
console.log(`blocking: ${candidates.length} candidate pairs, ${(blockingRecall * 100).toFixed(2)}% of true pairs among them (the ceiling on recall)`);

const started = Date.now();
const comparisons = candidates.map(([i, j]) => compare(records[i] as PersonRecord, records[j] as PersonRecord));
console.log(`compared in ${Date.now() - started} ms`);

// Term frequencies over the same keys each comparator reports as agreedValue: nameValue of the name
// keys for the team's comparator, the normalised name for the stand-in.
const nameValues = (name: (r: PersonRecord) => string | null): string[] =>
  records.map((r) => (useStandIn ? normaliseName(name(r)) : nameValue(nameKeys(name(r))))).filter((v) => v !== '');
const givenTf = termFrequencies(nameValues((r) => r.givenName));
const familyTf = termFrequencies(nameValues((r) => r.familyName));
const tf: TermFrequencyLookups = useTf ? { givenName: nameFrequencies(givenTf, familyTf), familyName: nameFrequencies(familyTf, givenTf) } : {};

const RANDOM_PAIRS = 200_000;

/** Random pairs of records, almost all non-matches. Fixed seed: reproducible runs. */
function randomPairs(count: number): Array<[number, number]> {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const out: Array<[number, number]> = [];
  while (out.length < count) {
    const i = Math.floor(next() * records.length);
    const j = Math.floor(next() * records.length);
    if (i !== j) out.push([i, j]);
  }
  return out;
}

const THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.99];

function report(label: string, params: ModelParameters, pairsModelled: number): void {
  const scores: PairScore[] = comparisons.map((c) => scorePair(c, params, tf, { tfFloor, tfMode }));
  console.log(`\n== ${label}: prior ${params.prior.toFixed(4)} (≈ ${Math.round(params.prior * pairsModelled)} matching pairs)`);
  const weights = levelWeights(params);
  for (const [field, levels] of Object.entries(weights)) {
    console.log(`  ${field.padEnd(10)} ${Object.entries(levels).map(([l, w]) => `${l} ${w >= 0 ? '+' : ''}${w.toFixed(2)}`).join(', ')}`);
  }
  const at = (threshold: number): PairEvaluation =>
    evaluatePairs(
      candidates.filter((_, k) => (scores[k] as PairScore).probability >= threshold).map(idPair),
      truth,
    );
  const line = (name: string, e: PairEvaluation): string =>
    `  ${name.padEnd(22)} precision ${e.precision.toFixed(4)}  recall ${e.recall.toFixed(4)}  F1 ${e.f1.toFixed(4)}  (tp ${e.truePositives}, fp ${e.falsePositives}, fn ${e.falseNegatives})`;
  for (const threshold of THRESHOLDS) console.log(line(`P(match) >= ${threshold}`, at(threshold)));
  // Best threshold in hindsight (uses the answers: evaluation only, not a way to set the threshold).
  const order = scores.map((s, k) => [s.weight, k] as const).sort((a, b) => b[0] - a[0]);
  const isTrue = new Set(truth.map(([a, b]) => (a < b ? `${a}\n${b}` : `${b}\n${a}`)));
  let tp = 0;
  let best = { f1: -1, k: 0, tp: 0 };
  order.forEach(([, k], rank) => {
    const [a, b] = idPair(candidates[k] as [number, number]);
    if (isTrue.has(a < b ? `${a}\n${b}` : `${b}\n${a}`)) tp += 1;
    const f1 = (2 * tp) / (rank + 1 + truth.length);
    if (f1 > best.f1) best = { f1, k: rank, tp };
  });
  if (showErrors > 0) {
    const describe = (k: number): string => {
      const [i, j] = candidates[k] as [number, number];
      const show = (r: PersonRecord): string => `${r.givenName ?? '-'} ${r.familyName ?? '-'} ${r.birthDate ?? r.birthYear ?? '-'} ${r.area ?? '-'}${r.nationalId ? ` ${r.nationalId}` : ''}`;
      const score = scores[k] as PairScore;
      const fields = score.fields.filter((f) => f.level !== 'missing').map((f) => `${f.field}=${f.level}(${f.weight.toFixed(1)})`);
      return `    ${show(records[i] as PersonRecord)}  |  ${show(records[j] as PersonRecord)}  P=${score.probability.toFixed(3)}  ${fields.join(' ')}`;
    };
    const wrong = (wantTrue: boolean): number[] =>
      scores
        .map((sc, k) => [sc, k] as const)
        .filter(([sc, k]) => {
          const [a, b] = idPair(candidates[k] as [number, number]);
          return isTrue.has(a < b ? `${a}\n${b}` : `${b}\n${a}`) === wantTrue && sc.probability >= 0.5 !== wantTrue;
        })
        .map(([, k]) => k);
    console.log('  false positives at 0.5:');
    for (const k of wrong(false).slice(0, showErrors)) console.log(describe(k));
    console.log('  false negatives at 0.5 (among candidates):');
    for (const k of wrong(true).slice(0, showErrors)) console.log(describe(k));
  }
  const bestWeight = order[best.k]?.[0] ?? 0;
  console.log(line(`best (w >= ${bestWeight.toFixed(2)})`, at(1 / (1 + 2 ** -bestWeight))));
}

// The parameters shown in the example and saved: the recommended estimation when it ran.
let chosen: ModelParameters | null = null;
if (model === 'blocked' || model === 'all') {
  const t = Date.now();
  let iterations = 0;
  const params = estimateParameters(comparisons, { onIteration: (i) => (iterations = i) });
  console.log(`\n[blocked] EM for m, u and prior on the candidate pairs only: ${iterations} iterations, ${Date.now() - t} ms`);
  report('blocked', params, candidates.length);
  chosen = params;
}
if (model === 'population' || model === 'population-em' || model === 'all') {
  // Every pair of the file: the candidates and a random sample of the others (estimateOnAllPairs).
  const t = Date.now();
  const sample = randomPairs(RANDOM_PAIRS);
  const sampled = sample.map(([i, j]) => compare(records[i] as PersonRecord, records[j] as PersonRecord));
  const others = sampled.filter((_, k) => {
    const [i, j] = sample[k] as [number, number];
    return !seen.has(Math.min(i, j) * records.length + Math.max(i, j));
  });
  const allPairs = (records.length * (records.length - 1)) / 2;
  const pairs = { candidates: comparisons, others, otherPairs: allPairs - candidates.length };
  if (model === 'population' || model === 'all') {
    // Splink: u from random pairs (duplicates included, as in Splink), held fixed; m and prior by EM.
    const u = estimateU(sampled);
    const weights = [...comparisons.map(() => 1), ...others.map(() => pairs.otherPairs / others.length)];
    let iterations = 0;
    const params = estimateOnAllPairs(pairs, {
      initial: initialParameters([...comparisons, ...others], { u, weights }),
      fixU: true,
      onIteration: (i) => (iterations = i),
    });
    console.log(`\n[population] all ${allPairs} pairs (candidates + ${others.length} sampled others), u from ${RANDOM_PAIRS} random pairs, m and prior by EM: ${iterations} iterations, ${Date.now() - t} ms`);
    report('population', params, allPairs);
    chosen = params;
  }
  if (model === 'population-em' || model === 'all') {
    let iterations = 0;
    const params = estimateOnAllPairs(pairs, { onIteration: (i) => (iterations = i) });
    console.log(`\n[population-em] all ${allPairs} pairs (candidates + ${others.length} sampled others), m, u and prior by EM: ${iterations} iterations, ${Date.now() - t} ms`);
    report('population-em', params, allPairs);
    chosen = params;
  }
}

if (chosen) {
  // One explained pair, to show what a reviewer sees.
  const k = comparisons.findIndex((c) => c.givenName.level === 'exact' && c.familyName.level !== 'exact' && c.birth.level !== 'missing');
  if (k >= 0) {
    const [a, b] = [records[(candidates[k] as [number, number])[0]] as PersonRecord, records[(candidates[k] as [number, number])[1]] as PersonRecord];
    const score = scorePair(comparisons[k] as Comparison, chosen, tf, { tfFloor, tfMode });
    console.log(`\nexample: ${a.givenName} ${a.familyName} ${a.birthDate} ${a.area}  vs  ${b.givenName} ${b.familyName} ${b.birthDate} ${b.area}`);
    console.log(`  prior ${score.priorWeight.toFixed(2)}`);
    for (const f of score.fields) {
      console.log(`  ${f.field.padEnd(10)} ${f.level.padEnd(16)} ${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}${f.tfAdjusted ? `  (tf: "${f.agreedValue}" u=${f.u?.toPrecision(2)})` : ''}`);
    }
    console.log(`  total ${score.weight.toFixed(2)} → P(match) ${score.probability.toFixed(4)}`);
  }
  if (saveParams) {
    writeFileSync(saveParams, parametersToJson(chosen));
    console.log(`\nparameters saved to ${saveParams}`);
  }
}
