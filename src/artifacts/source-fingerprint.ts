import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';
import { checksumFiles } from './checksum.js';
import { paths } from './home.js';
import { readRecord } from './record.js';

// Reading every byte of a source folder to find its prepared weights costs each restart tens of milliseconds
// (LAC's folder is 13 MB). A fingerprint of the files' metadata stands in for their content once their checksum
// is known: the same files, unchanged since, have the same checksum, and any write to a file changes its change
// time, so a changed file misses and is read again. Installing always reads the content.

/** Fingerprints to checksums, per module: HUB_HOME/modules/<module>/source-fingerprints.json. */
const fingerprintsFile = (module: string) => join(paths.module(module), 'source-fingerprints.json');
/** Fingerprints kept per module, so that a few source folders used in turn each keep theirs. */
const KEPT = 8;
/**
 * Files changed this recently may change again within the timestamps' resolution without their metadata showing
 * it: their fingerprint is not remembered.
 */
const SETTLED_MS = 2_000;

export interface SourceChecksumOptions {
  /** Read the files whatever is remembered (an install). */
  fromContent?: boolean;
  /** For tests: how long ago the files must have changed for their fingerprint to be remembered. */
  settledMs?: number;
}

export interface SourceChecksum {
  checksum: string;
  /** Records the fingerprint, for a start that found or made the prepared folder of `checksum`. */
  remember(): Promise<void>;
}

/**
 * The checksum of source files (checksumFiles, over names and content): from the fingerprint of their names,
 * sizes, modification and change times, inodes and devices where it is remembered, else (and always with
 * `fromContent`) read from the files. The metadata is read first, so a file changed during the read is not
 * remembered under its new state.
 */
export async function sourceChecksum(module: string, files: string[], options: SourceChecksumOptions = {}): Promise<SourceChecksum> {
  const { fromContent = false, settledMs = SETTLED_MS } = options;
  const stats = await Promise.all(files.map((file) => stat(file, { bigint: true })));
  const hash = createHash('sha256');
  stats.forEach((s, i) => hash.update(`${files[i]}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0${s.ino}\0${s.dev}\0`));
  const fingerprint = hash.digest('hex');
  const known = (await readRecord<Record<string, string>>(fingerprintsFile(module))) ?? {};
  const remembered = fromContent ? undefined : known[fingerprint];
  const checksum = typeof remembered === 'string' ? remembered : await checksumFiles(files);
  const newestChangeMs = Math.max(...stats.map((s) => Number((s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs) / 1_000_000n)));
  return {
    checksum,
    async remember() {
      if (known[fingerprint] === checksum || Date.now() - newestChangeMs < settledMs) return;
      delete known[fingerprint];
      const kept = Object.entries(known).slice(-(KEPT - 1));
      // Only a saving: a HUB_HOME that cannot be written (mounted read-only) serves all the same.
      await writeJsonAtomic(fingerprintsFile(module), Object.fromEntries([...kept, [fingerprint, checksum]])).catch(() => undefined);
    },
  };
}
