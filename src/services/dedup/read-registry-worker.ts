import { parentPort, workerData } from 'node:worker_threads';
import { openComparableRow, type SealedComparableRow } from '../../store/comparable-row.ts';
import { personalKeysFrom } from '../../store/personal-fields.ts';
import type { DecryptWorkerReply, DecryptWorkerSetup } from './read-registry.ts';

/** A decryption thread of readComparableRegistry: opens the pages of sealed rows it is sent. */
const { setup } = workerData as { setup: DecryptWorkerSetup };
const keys = personalKeysFrom(new Map(setup.keys.map(([id, key]) => [id, Buffer.from(key)])));
parentPort?.on('message', ({ id, rows }: { id: number; rows: SealedComparableRow[] }) => {
  let reply: DecryptWorkerReply;
  try {
    reply = { id, records: rows.map((row) => openComparableRow(row, keys)) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
