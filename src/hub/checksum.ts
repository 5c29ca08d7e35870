import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** sha256 over the names and contents of files, in the order given: the cache key of converted weights. */
export async function checksumFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(basename(file));
    hash.update('\0');
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}
