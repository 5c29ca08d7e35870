import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Every file and folder kept under HUB_HOME reaches its name by one rename from a temporary name beside it, so
// a reader (another process, or the next start after a crash) sees the old version or the new one, never half
// of one, and a failed write leaves nothing behind.

/** A hidden name beside `path` that no other writer uses: this process's id and random digits. */
export function tempBeside(path: string, tag = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export interface AtomicFileOptions {
  /** Permissions of the new file (e.g. 0o600 for a secret). */
  mode?: number;
  /** The temporary name's tag, e.g. "part" for a download in progress. */
  tag?: string;
}

/**
 * Creates `path` through `write`, which fills the open file: written under a temporary name, flushed to disk,
 * then renamed over `path`. If `write` throws, the temporary file is removed and `path` is untouched.
 */
export async function writeFileWith(path: string, write: (file: FileHandle) => Promise<void>, options: AtomicFileOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempBeside(path, options.tag);
  const file = await open(temp, 'w', options.mode);
  try {
    try {
      await write(file);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicFileOptions = {}): Promise<void> {
  return writeFileWith(path, (file) => file.writeFile(data), options);
}

export function writeJsonAtomic(path: string, value: unknown, options: AtomicFileOptions = {}): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2), options);
}

const occupied = (error: unknown) => ['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Builds a folder under a temporary name beside `dest` (`fill` writes into it) and renames it to `dest`. When
 * `dest` exists already, as when another process prepared the same thing first, `keep(dest)` decides: true keeps
 * that one and drops ours (the result is then false); false sets it aside and puts ours in its place. On any
 * failure nothing is left beside `dest`.
 */
export async function placeFolder(
  dest: string,
  fill: (staging: string) => Promise<void>,
  keep: (existing: string) => boolean | Promise<boolean> = () => false,
): Promise<boolean> {
  const staging = tempBeside(dest);
  await mkdir(staging, { recursive: true });
  try {
    await fill(staging);
    for (;;) {
      try {
        await rename(staging, dest);
        return true;
      } catch (error) {
        if (!occupied(error)) throw error;
      }
      if (await keep(dest)) return false;
      const old = tempBeside(dest, 'old');
      // Gone already (another writer set it aside): the next rename may succeed.
      await rename(dest, old).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rm(old, { recursive: true, force: true });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
