import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { placeFolder } from './atomic.js';
import { paths } from './home.js';
import { installedRecordFile, readRecord, writeRecord, type ArtifactRecord, type InstallResult } from './record.js';

// Weights a module converts or copies live in HUB_HOME/modules/<module>/<first 16 digits of their checksum>/,
// with info.json (the record) written last: a changed source is prepared again into another folder, an
// unchanged one never is. installed.json names the folder in use, for starts that do not name a source.

export const INFO_FILE = 'info.json';

export interface PreparedCache {
  module: string;
  /** Files a complete folder holds besides info.json. */
  needs?: readonly string[];
}

export const preparedFolder = (cache: PreparedCache, checksum: string) => join(paths.module(cache.module), checksum.slice(0, 16));

const complete = (cache: PreparedCache, directory: string) => [INFO_FILE, ...(cache.needs ?? [])].every((f) => existsSync(join(directory, f)));

/** The complete folder prepared from sources with this checksum, if there is one. */
export function findPrepared(cache: PreparedCache, checksum: string, source: string): InstallResult | undefined {
  const directory = preparedFolder(cache, checksum);
  return complete(cache, directory) ? { source, directory, checksum, fresh: false } : undefined;
}

/** The folder installed.json names, if it is still complete. */
export async function currentPrepared(cache: PreparedCache): Promise<InstallResult | undefined> {
  const record = await readRecord(installedRecordFile(cache.module));
  return record ? findPrepared(cache, record.checksum, record.source) : undefined;
}

/** Makes `result` the folder later starts use (installed.json). */
export async function makeCurrent(cache: PreparedCache, result: InstallResult): Promise<InstallResult> {
  await writeRecord(installedRecordFile(cache.module), { checksum: result.checksum, source: result.source });
  return result;
}

/**
 * Prepares the folder for `info.checksum`: `build` writes the files into a new folder, info.json follows, and the
 * folder is put in place at once. A complete folder another install placed first is kept.
 */
export async function placePrepared<T extends ArtifactRecord>(cache: PreparedCache, info: T, build: (directory: string) => Promise<void>): Promise<InstallResult> {
  const directory = preparedFolder(cache, info.checksum);
  await placeFolder(directory, async (staging) => {
    await build(staging);
    await writeRecord(join(staging, INFO_FILE), info);
  }, (existing) => complete(cache, existing));
  return { source: info.source, directory, checksum: info.checksum, fresh: true };
}
