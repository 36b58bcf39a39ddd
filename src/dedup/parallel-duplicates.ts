import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AncestorsOf } from './compare/compare-area.ts';
import { DEFAULT_THRESHOLD, explainMatches, findDuplicates, matchCandidates, planDuplicates, SCORING_CHUNK, scorePlan, type FindOptions, type FindResult } from './find-duplicates.ts';
import type { ModelParameters } from './model/fellegi-sunter.ts';
import type { PersonRecord } from './person-record.ts';
import { ColumnWeigher, recordColumns, type RecordColumns } from './record-columns.ts';

/** What a scoring worker receives (structured-cloned, except the shared pair codes and counters). */
export interface ScoreWorkerInput {
  columns: RecordColumns;
  /** The area hierarchy for the areas of the records (a function cannot cross threads). */
  areaChains: Record<string, readonly string[]> | null;
  ignoreNationalId: boolean;
  parameters: ModelParameters;
  threshold: number;
  /** The sorted candidate pair codes (shared memory). */
  codes: Float64Array;
  /** Shared: [next chunk of pairs to take, pairs scored so far]. */
  counters: Int32Array;
  /** Candidate pairs per chunk. */
  chunk: number;
}

export type ScoreWorkerMessage = { type: 'done'; matched: Int32Array } | { type: 'error'; message: string };

/** Below this many candidate pairs, starting threads costs more than it saves. */
const MIN_PAIRS_FOR_THREADS = 2_000_000;
/**
 * From this many records (which give well over MIN_PAIRS_FOR_THREADS candidate pairs: 13 to 16 per
 * record on the Nigerien registry), the scoring threads start before blocking (loading their sources
 * takes a second or more, on a core that blocking leaves idle) rather than after it.
 */
const MIN_RECORDS_FOR_EARLY_THREADS = 200_000;

/**
 * findDuplicates with the scoring of candidate pairs spread over the cores: this thread and a worker
 * thread per other core take chunks of the sorted candidate list in turn (a shared counter), so that
 * a thread that starts late or runs slower simply takes fewer. Workers get the records as columns
 * (distinct names, births and areas once, small integers per record: see RecordColumns), not the
 * records. Same result as findDuplicates, in the same order: matched positions are sorted, then
 * explained here.
 */
export async function findDuplicatesInParallel(
  records: readonly PersonRecord[],
  options: FindOptions & {
    threads?: number;
    minPairsForThreads?: number;
    /** Candidate pairs taken at a time (SCORING_CHUNK); smaller in tests, to share out small data. */
    chunk?: number;
    /** Whether this thread scores too (true); false leaves every chunk to the workers (tests). */
    scoreHere?: boolean;
  } = {},
): Promise<FindResult> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (threads === 1) return findDuplicates(records, options);
  const minPairs = options.minPairsForThreads ?? MIN_PAIRS_FOR_THREADS;
  let workers: ScoringWorker[] = records.length >= MIN_RECORDS_FOR_EARLY_THREADS ? startWorkers(threads - 1) : [];
  let plan;
  try {
    plan = planDuplicates(records, options);
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    throw error;
  }
  const count = plan.blocks.size;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (count < minPairs) {
    await Promise.all(workers.map((w) => w.stop()));
    return scorePlan(plan, options);
  }
  if (workers.length === 0) workers = startWorkers(threads - 1);

  const columns = recordColumns(plan.prepared);
  const codes = plan.blocks.sharedCodes();
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const chunk = Math.max(1, options.chunk ?? SCORING_CHUNK);
  const input: ScoreWorkerInput = {
    columns,
    areaChains: options.ancestorsOf ? chainsOf(records, options.ancestorsOf) : null,
    ignoreNationalId: options.ignoreNationalId ?? false,
    parameters: plan.parameters,
    threshold,
    codes,
    counters,
    chunk,
  };
  const results = workers.map((w) => w.score(input));
  // This thread takes chunks too, on the records already prepared.
  const own: number[] = [];
  let parts: Int32Array[];
  try {
    const weigher = new ColumnWeigher(columns, plan.parameters, plan.tf, options);
    while (options.scoreHere !== false) {
      const from = Atomics.add(counters, 0, 1) * chunk;
      if (from >= count) break;
      const to = Math.min(count, from + chunk);
      matchCandidates(weigher, codes, { from, to }, threshold, own);
      options.onProgress?.('scoring', Atomics.add(counters, 1, to - from) + (to - from), count);
    }
    parts = await Promise.all(results);
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    throw error;
  }
  const matched = new Int32Array(own.length + parts.reduce((n, p) => n + p.length, 0));
  matched.set(own);
  let at = own.length;
  for (const part of parts) {
    matched.set(part, at);
    at += part.length;
  }
  matched.sort();
  options.onProgress?.('scoring', count, count);
  return { pairs: explainMatches(plan, matched, options), candidatePairs: count, blocking: plan.blocks.stats, parameters: plan.parameters };
}

/** The hierarchy of every area the records name, as written and normalised (both forms are looked up). */
function chainsOf(records: readonly PersonRecord[], ancestorsOf: AncestorsOf): Record<string, readonly string[]> {
  const chains: Record<string, readonly string[]> = {};
  for (const { area } of records) {
    if (area === null || area in chains) continue;
    chains[area] = ancestorsOf(area);
    const normalised = area.trim().toUpperCase();
    chains[normalised] = ancestorsOf(normalised);
  }
  return chains;
}

/**
 * The worker runs TypeScript: a small CommonJS bootstrap registers the same loader as the `muster`
 * command, then imports the worker module.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.loader)
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

interface ScoringWorker {
  /** Sends the job; resolves with the positions of the matched pairs the worker scored. */
  score(input: ScoreWorkerInput): Promise<Int32Array>;
  stop(): Promise<void>;
}

function startWorkers(n: number): ScoringWorker[] {
  return Array.from({ length: n }, startWorker);
}

function startWorker(): ScoringWorker {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./score-worker.ts', import.meta.url).href;
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { loader, entry } });
  let settle: { resolve: (matched: Int32Array) => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  let ended = false;
  const fail = (error: Error): void => {
    failure ??= error;
    settle?.reject(failure);
    settle = null;
  };
  worker.on('message', (message: ScoreWorkerMessage) => {
    if (message.type === 'done') settle?.resolve(message.matched);
    else fail(new Error(`scoring worker failed: ${message.message}`));
    settle = null;
    ended = true;
    void worker.terminate();
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!ended) fail(new Error(`scoring worker stopped (exit code ${code})`));
  });
  return {
    score(input) {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        settle = { resolve, reject };
        worker.postMessage(input);
      });
    },
    async stop() {
      ended = true;
      await worker.terminate();
    },
  };
}
