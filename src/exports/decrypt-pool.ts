import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../crypto/keyring.ts';

/**
 * Worker threads that decrypt personal fields for large exports, so that decryption (the main cost
 * of an export: one AES-GCM operation per field and person) runs beside the database reads and the
 * file writing. The workers only decrypt the format of crypto/field-cipher.ts,
 * `<keyId>.<base64url(iv|ciphertext|tag)>` with the field's context as additional data; a test checks
 * that they read exactly what the cipher writes. Plain JavaScript (no TypeScript loader in workers).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createDecipheriv } = require('node:crypto');
const keys = new Map(workerData.keys.map(([id, key]) => [id, Buffer.from(key)]));
parentPort.on('message', ({ id, sealed, contexts }) => {
  try {
    const plain = new Array(sealed.length);
    for (let i = 0; i < sealed.length; i++) {
      const s = sealed[i];
      if (s === null) { plain[i] = null; continue; }
      const dot = s.indexOf('.');
      const key = dot > 0 ? keys.get(s.slice(0, dot)) : undefined;
      if (!key) throw new Error('no key to decrypt ' + contexts[i]);
      const body = Buffer.from(s.slice(dot + 1), 'base64url');
      if (body.length < 28) throw new Error('corrupt ciphertext for ' + contexts[i]);
      const d = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
      d.setAAD(Buffer.from(contexts[i], 'utf8'));
      d.setAuthTag(body.subarray(body.length - 16));
      plain[i] = Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]).toString('utf8');
    }
    parentPort.postMessage({ id, plain });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Reply {
  id: number;
  plain?: Array<string | null>;
  error?: string;
}

export interface DecryptPool {
  /** Decrypts each sealed value (null stays null) bound to its context, in order. */
  decrypt(sealed: ReadonlyArray<string | null>, contexts: readonly string[]): Promise<Array<string | null>>;
  close(): Promise<void>;
}

export function createDecryptPool(keyring: Keyring, size = Math.max(1, Math.min(4, availableParallelism()))): DecryptPool {
  const keys = [...keyring.dataKeys].map(([id, key]) => [id, new Uint8Array(key)] as const);
  const waiting = new Map<number, { resolve: (plain: Array<string | null>) => void; reject: (error: Error) => void }>();
  const workers = Array.from({ length: size }, () => {
    // A decrypting worker holds one page at a time: a small heap is plenty.
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { keys }, resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    worker.on('message', (reply: Reply) => {
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      if (reply.error !== undefined || !reply.plain) entry.reject(new Error(reply.error ?? 'no answer from the decryption worker'));
      else entry.resolve(reply.plain);
    });
    worker.on('error', (error) => {
      for (const entry of waiting.values()) entry.reject(error);
      waiting.clear();
    });
    return worker;
  });
  let next = 0;
  return {
    decrypt(sealed, contexts) {
      const id = next++;
      const worker = workers[id % workers.length];
      if (!worker) return Promise.reject(new Error('no decryption worker'));
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, sealed, contexts });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
