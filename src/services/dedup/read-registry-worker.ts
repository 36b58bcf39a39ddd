import { parentPort, workerData } from 'node:worker_threads';
import { fieldDecrypter } from '../../crypto/field-cipher.ts';
import { openComparableRow, type SealedComparableRow } from '../../store/comparable-row.ts';
import type { DecryptWorkerReply, DecryptWorkerSetup } from './read-registry.ts';

/** A decryption thread of readComparableRegistry: opens the pages of sealed rows it is sent. */
const { setup } = workerData as { setup: DecryptWorkerSetup };
const decrypt = fieldDecrypter(new Map(setup.keys.map(([id, key]) => [id, Buffer.from(key)])));
parentPort?.on('message', ({ id, rows }: { id: number; rows: SealedComparableRow[] }) => {
  let reply: DecryptWorkerReply;
  try {
    reply = { id, records: rows.map((row) => openComparableRow(row, decrypt)) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
