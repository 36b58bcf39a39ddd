import { Worker } from 'node:worker_threads';
import type { DriveConfig } from '../../config/drive-schema.ts';
import type { PreparedBatch, PrepareSpec } from './prepare-rows.ts';

/** Loads the worker's TypeScript through tsx (as the `muster` command does), then the worker module. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.loader)
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

interface Reply {
  batch?: PreparedBatch;
  end?: boolean;
  error?: string;
}

/**
 * The batches of `preparedBatches`, prepared on a worker thread (prepare-worker.ts): reading, mapping
 * and checking rows (validation, request fingerprints, duplicate-check keys) take about a third of an
 * import's work, and the worker does them while the main thread writes earlier batches. The worker
 * keeps at most `ahead` batches ready (memory stays bounded whatever the size of the file); each
 * batch is checked at the time `now` gives when the worker is asked for it. Batches come in file order.
 */
export async function* workerBatches(
  setup: { spec: PrepareSpec; driveConfig: DriveConfig; indexKey: Buffer },
  now: () => Date,
  ahead = 2,
): AsyncGenerator<PreparedBatch> {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      loader: import.meta.resolve('tsx/esm/api'),
      entry: new URL('./prepare-worker.ts', import.meta.url).href,
      setup: { spec: setup.spec, driveConfig: setup.driveConfig, indexKey: new Uint8Array(setup.indexKey) },
    },
    resourceLimits: { maxOldGenerationSizeMb: 128 },
  });
  const replies: Array<Reply | Error> = [];
  let wake: (() => void) | null = null;
  const push = (reply: Reply | Error) => {
    replies.push(reply);
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  worker.on('message', (reply: Reply) => push(reply));
  worker.on('error', (error) => push(error));
  worker.on('exit', (code) => push(new Error(`the import worker stopped (exit code ${code})`)));
  const ask = () => worker.postMessage({ now: now().toISOString() });
  try {
    for (let i = 0; i < ahead; i++) ask();
    for (;;) {
      const reply = replies.shift() ?? (await new Promise<void>((resolve) => (wake = resolve)), replies.shift());
      if (reply === undefined) continue;
      if (reply instanceof Error) throw reply;
      if (reply.error !== undefined) throw new Error(reply.error);
      if (reply.end) return;
      if (!reply.batch) continue;
      ask();
      yield reply.batch;
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
