import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchDebianPackage } from '../../src/artifacts/debian.js';

// Files of Debian packages the tests read (LAC's weights, photos, a CJK font) without installing the packages:
// the installed file where the package is installed, else the package fetched once as the lac module fetches
// its weights (apt-get download + dpkg-deb -x, no root once apt's lists exist) into a cache the runs share.

/** Under node_modules, so it survives rebuilds of dist/ and goes away with a fresh npm ci. */
export const DEBIAN_CACHE = fileURLToPath(new URL('../../../node_modules/.cache/hub-serving-test/debian/', import.meta.url));

const fetches = new Map<string, Promise<void>>();

async function fetchIntoCache(pkg: string): Promise<void> {
  await mkdir(DEBIAN_CACHE, { recursive: true });
  const started = Date.now();
  const { root, dispose } = await fetchDebianPackage(pkg, DEBIAN_CACHE);
  try {
    // Renamed whole, so a package folder in the cache is complete; a concurrent run may have put it there first.
    await rename(root, join(DEBIAN_CACHE, pkg)).catch((error: unknown) => {
      if (!existsSync(join(DEBIAN_CACHE, pkg))) throw error;
    });
  } finally {
    await dispose();
  }
  console.warn(`fetched Debian package ${pkg} with apt-get download into ${DEBIAN_CACHE} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Where a package's file or folder is without fetching: installed, else its place in the cache (there once fetched). */
export function debianAssetPath(pkg: string, path: string): string {
  const installed = join('/', path);
  return existsSync(installed) ? installed : join(DEBIAN_CACHE, pkg, path);
}

/** A file or folder of a Debian package, by its path inside the package (usr/share/...): installed, else fetched. */
export async function debianAsset(pkg: string, path: string): Promise<string> {
  if (existsSync(join('/', path))) return join('/', path);
  if (!existsSync(join(DEBIAN_CACHE, pkg))) {
    if (!fetches.has(pkg)) fetches.set(pkg, fetchIntoCache(pkg));
    await fetches.get(pkg);
  }
  const cached = join(DEBIAN_CACHE, pkg, path);
  if (!(await stat(cached).catch(() => undefined))) throw new Error(`Debian package ${pkg} has no /${path}`);
  return cached;
}

export type DebianAsset = { path: string; skip: false } | { path: undefined; skip: string };

/**
 * debianAsset for tests: the path, or the reason to skip, said out loud (for describe's skip option or t.skip).
 * Under CI=true a missing asset is a failure, not a skip.
 */
export async function debianAssetOrSkip(pkg: string, path: string): Promise<DebianAsset> {
  try {
    return { path: await debianAsset(pkg, path), skip: false };
  } catch (error) {
    const why = `/${path} is not installed and could not be fetched (${(error as Error).message}); apt-get install ${pkg} also works`;
    if (process.env.CI === 'true') throw new Error(why);
    console.warn(`SKIPPING: ${why}`);
    return { path: undefined, skip: why };
  }
}
