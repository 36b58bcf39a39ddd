import { parentPort } from 'node:worker_threads';
import { matchCandidates } from './find-duplicates.ts';
import type { ScoreWorkerInput, ScoreWorkerMessage } from './parallel-duplicates.ts';
import { ColumnWeigher, columnNameFrequencies } from './record-columns.ts';

/**
 * A scoring thread of findDuplicatesInParallel: waits for the job, then takes chunks of candidate
 * pairs from the shared counter until none is left, and answers with the positions of the pairs it
 * matched.
 */
const post = (message: ScoreWorkerMessage, transfer: ArrayBuffer[] = []): void => parentPort?.postMessage(message, transfer);
parentPort?.once('message', (input: ScoreWorkerInput) => {
  try {
    const chains = input.areaChains;
    const ancestorsOf = chains ? (code: string): readonly string[] => chains[code] ?? [] : undefined;
    const weigher = new ColumnWeigher(input.columns, input.parameters, columnNameFrequencies(input.columns), { ancestorsOf, ignoreNationalId: input.ignoreNationalId });
    const count = input.codes.length;
    const matched: number[] = [];
    for (;;) {
      const from = Atomics.add(input.counters, 0, 1) * input.chunk;
      if (from >= count) break;
      const to = Math.min(count, from + input.chunk);
      matchCandidates(weigher, input.codes, { from, to }, input.threshold, matched);
      Atomics.add(input.counters, 1, to - from);
    }
    const out = Int32Array.from(matched);
    post({ type: 'done', matched: out }, [out.buffer]);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
