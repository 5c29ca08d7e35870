import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

// Checksums of weights. Streaming, because weight files can be hundreds of megabytes and must not be read
// into memory whole.

const SHA256_HEX = /^[0-9a-f]{64}$/;

async function feed(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** A digest of a file's contents: `algorithm` is any of node's hashes (sha256, sha512, ...). */
export async function digestFile(path: string, algorithm: string, encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  await feed(hash, path);
  return hash.digest(encoding);
}

/** sha256 of a file's contents, as 64 lowercase hex digits. */
export function sha256File(path: string): Promise<string> {
  return digestFile(path, 'sha256', 'hex');
}

/** sha256 over the names and contents of files, in the order given: the cache key of converted weights. */
export async function checksumFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(basename(file));
    hash.update('\0');
    await feed(hash, file);
  }
  return hash.digest('hex');
}

/** One sum standing for several (sums, names, digests), so that a change in any of them is a different install. */
export function combineSums(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** A pinned sum in canonical form (lowercase); throws when it is not 64 hex digits. */
export function normaliseSha256(value: string, what = 'sha256'): string {
  const sum = value.trim().toLowerCase();
  if (!SHA256_HEX.test(sum)) throw new Error(`${what} ${JSON.stringify(value)} is not a sha256 sum (64 hex digits)`);
  return sum;
}
