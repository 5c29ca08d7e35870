import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';
import { paths } from './home.js';

// What an install prepared, from where, with which sums: one shape for every module's record, read and written
// only here. A module adds its own fields (when it converted, which package) beside the common ones.

/** Size and modification time of a file: unchanged, its sum need not be computed again. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface ArtifactRecord {
  /** Where the weights came from, in words (the start line and `hub list` show it). */
  source: string;
  /** The sum of the source files; its first 16 digits name a prepared folder. */
  checksum: string;
  /** Where the files are, when they are used in place rather than in a folder under HUB_HOME. */
  directory?: string;
  /** Stamps of the source files by name, for records of files used in place. */
  files?: Record<string, FileStamp>;
}

/** What installing (or finding installed) weights gives the module: where they are and whence they came. */
export interface InstallResult {
  /** Where the weights came from (a package, a path). */
  source: string;
  /** Folder holding the prepared files. */
  directory: string;
  checksum: string;
  /** False when a cached copy was found and nothing was done. */
  fresh: boolean;
}

/** A module's record of its current weights, HUB_HOME/modules/<module>/installed.json. */
export const installedRecordFile = (module: string) => join(paths.module(module), 'installed.json');

/** The record in `file`, or undefined when there is none or it cannot be read (then the weights are prepared again). */
export async function readRecord<T extends object = ArtifactRecord>(file: string): Promise<T | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}

export function writeRecord<T extends ArtifactRecord>(file: string, record: T): Promise<void> {
  return writeJsonAtomic(file, record);
}

/** Stamps of the named files in `directory`, in the order given. */
export async function stampFiles(directory: string, names: readonly string[]): Promise<Record<string, FileStamp>> {
  const entries = await Promise.all(names.map(async (name) => {
    const s = await stat(join(directory, name));
    return [name, { size: s.size, mtimeMs: s.mtimeMs }] as const;
  }));
  return Object.fromEntries(entries);
}
