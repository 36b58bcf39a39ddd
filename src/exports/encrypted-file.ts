import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { PassThrough, Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decrypter, Encrypter } from 'age-encryption';

export interface FileSink {
  /** Where the writer writes (plain text: encrypted on the way to the file when a recipient is given). */
  stream: Writable;
  /** Settles when the file is complete on disk; gives its SHA-256 and size. */
  done: Promise<{ sha256: string; bytes: number }>;
}

/**
 * A file written through a stream, encrypted to an age recipient (X25519, "age1...") when one is
 * given: only the holder of the matching identity can read it. Created readable by its owner only.
 */
export async function openFileSink(path: string, recipient: string | null): Promise<FileSink> {
  const plain = new PassThrough({ highWaterMark: 256 << 10 });
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  let output: Readable = plain;
  if (recipient !== null) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    // Pulled chunk by chunk: the encrypter asks for more only when it has written what it had, so a
    // fast writer waits (the PassThrough's buffer fills and its writes ask to drain) instead of
    // queueing the whole file in memory.
    const chunks = plain[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const source = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
        },
        async cancel() {
          await chunks.return?.();
        },
      },
      { highWaterMark: 0 },
    );
    const encrypted = await encrypter.encrypt(source);
    output = Readable.fromWeb(encrypted);
  }
  const done = pipeline(output, measure, createWriteStream(path, { mode: 0o600 })).then(() => ({ sha256: hash.digest('hex'), bytes }));
  // The writer learns of a failure through `done`; this keeps an early failure from going unhandled.
  done.catch(() => undefined);
  return { stream: plain, done };
}

/** Decrypts an age file held in memory with an identity ("AGE-SECRET-KEY-1..."): for tests and the CLI. */
export async function decryptAge(file: Uint8Array, identity: string): Promise<Uint8Array> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return decrypter.decrypt(file);
}
