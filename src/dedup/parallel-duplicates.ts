import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AncestorsOf } from './compare/compare-area.ts';
import { DEFAULT_THRESHOLD, findDuplicates, planDuplicates, scoreCandidates, scorePlan, type FindOptions, type FindResult, type MatchedPair } from './find-duplicates.ts';
import type { ModelParameters } from './model/fellegi-sunter.ts';
import type { PersonRecord } from './person-record.ts';

/** What a scoring worker receives (structured-cloned, except the shared pair codes). */
export interface ScoreWorkerInput {
  records: readonly PersonRecord[];
  /** The area hierarchy for the areas of the records (a function cannot cross threads). */
  areaChains: Record<string, readonly string[]> | null;
  ignoreNationalId: boolean;
  parameters: ModelParameters;
  threshold: number;
  codes: Float64Array;
  from: number;
  to: number;
}

export type ScoreWorkerMessage = { type: 'progress'; done: number } | { type: 'done'; pairs: MatchedPair[] } | { type: 'error'; message: string };

/** Below this many candidate pairs, starting threads costs more than it saves. */
const MIN_PAIRS_FOR_THREADS = 2_000_000;

/**
 * findDuplicates with the scoring of candidate pairs (most of the time on a large registry) spread
 * over the cores: this thread and a worker thread per other core. Blocking and estimation run once,
 * here; each worker prepares the records again (cheap: names are memoised) and scores its share of the
 * pairs. Same result as findDuplicates, in the same order.
 */
export async function findDuplicatesInParallel(
  records: readonly PersonRecord[],
  options: FindOptions & { threads?: number; minPairsForThreads?: number } = {},
): Promise<FindResult> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (threads === 1) return findDuplicates(records, options);
  const plan = planDuplicates(records, options);
  const count = plan.blocks.size;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (count < (options.minPairsForThreads ?? MIN_PAIRS_FOR_THREADS)) return scorePlan(plan, options);

  const codes = plan.blocks.sharedCodes();
  const areaChains = options.ancestorsOf ? chainsOf(records, options.ancestorsOf) : null;
  const share = Math.ceil(count / threads);
  const done = new Array<number>(threads).fill(0);
  const report = (t: number, n: number): void => {
    done[t] = n;
    options.onProgress?.('scoring', done.reduce((a, b) => a + b, 0), count);
  };
  // Shares 1.. go to worker threads, each with its own copy of the records; share 0 is scored here,
  // on the records already prepared, so that one core needs no copy (a million records and their
  // prepared form are about a gigabyte per copy).
  const workers = Array.from({ length: threads - 1 }, (_, w) => {
    const t = w + 1;
    const input: ScoreWorkerInput = {
      records,
      areaChains,
      ignoreNationalId: options.ignoreNationalId ?? false,
      parameters: plan.parameters,
      threshold,
      codes,
      from: Math.min(count, t * share),
      to: Math.min(count, (t + 1) * share),
    };
    return runWorker(input, (n) => report(t, n));
  });
  // Workers start while this thread scores: give them their turn to be created before it is busy.
  await new Promise((resolve) => setImmediate(resolve));
  const model = { parameters: plan.parameters, tf: plan.tf, threshold };
  const own = scoreCandidates(plan.prepared, (k) => plan.blocks.pairAt(k), { from: 0, to: Math.min(count, share) }, model, options, (n) => report(0, n));
  const parts = [own, ...(await Promise.all(workers))];
  options.onProgress?.('scoring', count, count);
  return { pairs: parts.flat(), candidatePairs: count, blocking: plan.blocks.stats, parameters: plan.parameters };
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

function runWorker(input: ScoreWorkerInput, onProgress: (done: number) => void): Promise<MatchedPair[]> {
  return new Promise((resolve, reject) => {
    const loader = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./score-worker.ts', import.meta.url).href;
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { loader, entry, input } });
    let settled = false;
    worker.on('message', (message: ScoreWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.done);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.pairs);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(`scoring worker failed: ${message.message}`));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`scoring worker stopped (exit code ${code})`));
    });
  });
}
