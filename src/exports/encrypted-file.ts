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
  const plain = new PassThrough({ highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  let source: Readable = plain;
  if (recipient !== null) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const encrypted = await encrypter.encrypt(Readable.toWeb(plain) as unknown as ReadableStream<Uint8Array>);
    source = Readable.fromWeb(encrypted);
  }
  const done = pipeline(source, measure, createWriteStream(path, { mode: 0o600 })).then(() => ({ sha256: hash.digest('hex'), bytes }));
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
