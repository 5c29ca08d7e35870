import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

// Streaming, because weight files can be hundreds of megabytes and must not be read into memory whole.

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** sha256 of a file's contents, as 64 lowercase hex digits. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A pinned sum in canonical form (lowercase); throws when it is not 64 hex digits. */
export function normaliseSha256(value: string, what = 'sha256'): string {
  const sum = value.trim().toLowerCase();
  if (!SHA256_HEX.test(sum)) throw new Error(`${what} ${JSON.stringify(value)} is not a sha256 sum (64 hex digits)`);
  return sum;
}
