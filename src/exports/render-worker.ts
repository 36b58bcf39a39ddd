/**
 * A worker thread of the export render pool (render-pool.ts): decrypts and lays out the pages it is
 * sent, with the data keys only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { personalKeysFrom } from '../store/personal-fields.ts';
import { renderPage, type PageSpec } from './roster-page.ts';

interface Setup {
  keys: Array<[string, Uint8Array]>;
  spec: PageSpec;
}

const setup = (workerData as { setup: Setup }).setup;
const keys = personalKeysFrom(new Map(setup.keys.map(([id, key]) => [id, Buffer.from(key)])));

parentPort?.on('message', ({ id, rows }: { id: number; rows: unknown[][] | string }) => {
  try {
    parentPort?.postMessage({ id, page: renderPage(keys, setup.spec, rows) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort?.postMessage({ ready: true });
