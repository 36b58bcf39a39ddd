import { parentPort, workerData } from 'node:worker_threads';
import { pairOfCode } from './blocking.ts';
import { nameFrequencies, scoreCandidates } from './find-duplicates.ts';
import type { ScoreWorkerInput, ScoreWorkerMessage } from './parallel-duplicates.ts';
import { prepareRecord } from './prepared-record.ts';

/** A scoring thread of findDuplicatesInParallel: scores its range of candidate pairs. */
const { input } = workerData as { input: ScoreWorkerInput };
const post = (message: ScoreWorkerMessage): void => parentPort?.postMessage(message);
try {
  const chains = input.areaChains;
  const ancestorsOf = chains ? (code: string): readonly string[] => chains[code] ?? [] : undefined;
  const prepared = input.records.map((r) => prepareRecord(r, ancestorsOf));
  const model = { parameters: input.parameters, tf: nameFrequencies(prepared), threshold: input.threshold };
  const pairs = scoreCandidates(prepared, (k) => pairOfCode(input.codes[k] as number), input, model, { ancestorsOf, ignoreNationalId: input.ignoreNationalId }, (done) =>
    post({ type: 'progress', done }),
  );
  post({ type: 'done', pairs });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
