import { currentPrepared, findPrepared, makeCurrent, placePrepared, type PreparedCache } from './prepared-cache.js';
import type { InstallProgress } from './progress.js';
import type { InstallResult } from './record.js';
import { sourceChecksum } from './source-fingerprint.js';
import { walkSources, type ModelSources, type NamedPath } from './sources.js';

// A model converted from source files once and cached by their checksum (lac from Paddle tensors, the TF.js
// vision models): the cache is looked up the same way whatever the source, and a conversion is placed and made
// current the same way, so the installers say only where their files are and how they are converted.

/** Source files found on disk: their folder, and where they came from in words. */
export interface FoundFiles {
  dir: string;
  label: string;
}

export interface ConvertedModel {
  cache: PreparedCache;
  sources: ModelSources;
  /** The files a named path holds; throws saying what it lacks. */
  named(path: NamedPath): FoundFiles;
  /** The source files in `dir` whose checksum keys the cache. */
  files(dir: string): string[];
}

/** A conversion's result: fields for its record, and the files it writes into the new folder. */
export interface Conversion {
  info: Record<string, unknown>;
  write(directory: string): Promise<void>;
}

/**
 * The prepared folder of the source the user names, else of the one installed last; no network, no conversion.
 * A named source's files unchanged since they were last checked are known by their fingerprint, not read again.
 */
export async function installedConverted(model: ConvertedModel, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const named = await walkSources(model.sources, initArgs, {
    path: async (path) => {
      const found = model.named(path);
      const sum = await sourceChecksum(model.cache.module, model.files(found.dir));
      const hit = findPrepared(model.cache, sum.checksum, found.label);
      if (hit) await sum.remember();
      return hit;
    },
  });
  return named.from ? named.found : currentPrepared(model.cache);
}

/**
 * The prepared folder for `found`'s files: the cached one when their checksum has one, else `convert`'s output
 * placed as a new folder. Either becomes the one later starts use.
 */
export async function prepareConverted(
  model: ConvertedModel,
  found: FoundFiles,
  convert: () => Promise<Conversion>,
  progress: InstallProgress,
  steps: number,
): Promise<InstallResult> {
  const sum = await sourceChecksum(model.cache.module, model.files(found.dir), { fromContent: true });
  const { checksum } = sum;
  const hit = findPrepared(model.cache, checksum, found.label);
  if (hit) {
    await makeCurrent(model.cache, hit);
    await sum.remember();
    progress('already converted', steps, steps);
    return hit;
  }
  const conversion = await convert();
  const result = await placePrepared(model.cache, { source: found.label, checksum, ...conversion.info }, conversion.write);
  await makeCurrent(model.cache, result);
  await sum.remember();
  progress('done', steps, steps);
  return result;
}
