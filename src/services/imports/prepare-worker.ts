import { parentPort, workerData } from 'node:worker_threads';
import { compileDrive } from '../../config/compile-drive.ts';
import type { DriveConfig } from '../../config/drive-schema.ts';
import { keyedHashes } from '../../crypto/field-cipher.ts';
import { preparedBatches, type PrepareSpec } from './prepare-rows.ts';

/**
 * Worker thread of an import (see prepare-pool.ts): reads the file and prepares one batch of rows for
 * each time it receives (`{ now }`, the time to check that batch at), and posts it back. Holds the
 * index key only (keyed hashes), never the data keys.
 */
interface Setup {
  spec: PrepareSpec;
  driveConfig: DriveConfig;
  indexKey: Uint8Array;
}

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread');
const { setup } = workerData as { setup: Setup };
const deps = { drive: compileDrive(setup.driveConfig), cipher: keyedHashes(Buffer.from(setup.indexKey)) };

const times: Date[] = [];
let waiting: ((now: Date) => void) | null = null;
port.on('message', (message: { now?: string }) => {
  if (message.now === undefined) return;
  const now = new Date(message.now);
  if (waiting) {
    const resolve = waiting;
    waiting = null;
    resolve(now);
  } else times.push(now);
});
const nextNow = (): Date | Promise<Date> => times.shift() ?? new Promise<Date>((resolve) => (waiting = resolve));

try {
  for await (const batch of preparedBatches(deps, setup.spec, nextNow)) port.postMessage({ batch });
  port.postMessage({ end: true });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
