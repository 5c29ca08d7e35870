import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { paths } from './home.js';

const run = promisify(execFile);
// What apt says when its lists lack the package (it may know the name from another package's dependencies).
const UNKNOWN = /Unable to locate package|has no (installation )?candidate|No packages found/i;

/**
 * What a failed `apt-get download` is worth when apt does not know the package (its lists are empty or old, as
 * on a fresh machine or in a container): root updates the machine's lists; any other user, who may not, updates
 * a copy of its own under HUB_HOME from the machine's sources. Undefined for any other failure (the network).
 */
export function listsRecovery(stderr: string, uid: number | undefined): 'system' | 'private' | undefined {
  if (!UNKNOWN.test(stderr)) return undefined;
  return uid === 0 ? 'system' : 'private';
}

/**
 * apt's options for the private copy of its lists in `dir`: the package indexes only, kept compressed (about 19 MB
 * for bookworm's main), no caches. apt locks that folder itself (no root needed), so two processes updating it
 * at once do not mix their files: the second stops with apt's lock message.
 */
export function privateListOptions(dir: string): string[] {
  return [
    '-o', `Dir::State::Lists=${join(dir, 'lists')}`,
    '-o', `Dir::Cache=${join(dir, 'cache')}`,
    '-o', 'Dir::Cache::pkgcache=',
    '-o', 'Dir::Cache::srcpkgcache=',
    '-o', 'Acquire::Languages=none',
    '-o', 'Acquire::GzipIndexes=true',
  ];
}

/** One update per process and kind of lists is enough: a second would find the same lists. */
const updated: { system?: Promise<unknown>; private?: Promise<unknown> } = {};

const stderrOf = (error: unknown) => String((error as { stderr?: string }).stderr ?? '');

async function download(pkg: string, cwd: string, uid: number | undefined): Promise<void> {
  const get = (options: string[] = []) => run('apt-get', [...options, 'download', pkg], { cwd, timeout: 300_000 });
  try {
    await get();
    return;
  } catch (error) {
    const recovery = listsRecovery(stderrOf(error), uid);
    if (recovery === undefined) throw error;
    if (recovery === 'system') {
      if (updated.system) throw error;
      updated.system = run('apt-get', ['update'], { timeout: 300_000 });
      await updated.system;
      await get();
      return;
    }
  }
  const dir = paths.apt();
  const options = privateListOptions(dir);
  // The copy an earlier process made may know the package already; otherwise it is brought up to date, once.
  if (existsSync(join(dir, 'lists'))) {
    try {
      await get(options);
      return;
    } catch (error) {
      if (updated.private || !UNKNOWN.test(stderrOf(error))) throw error;
    }
  }
  if (!updated.private) {
    await Promise.all(['lists/partial', 'cache/archives/partial'].map((sub) => mkdir(join(dir, sub), { recursive: true })));
    updated.private = run('apt-get', [...options, 'update'], { timeout: 300_000 });
  }
  await updated.private;
  await get(options);
}

/**
 * Downloads a Debian package with apt-get (no root needed: lists that do not know it are updated first, the
 * machine's by root, a private copy by anyone else; `uid` only for tests) and unpacks it with dpkg-deb into a
 * fresh folder under `parent` (HUB_HOME/tmp). Returns the unpacked root and a function that removes it all.
 */
export async function fetchDebianPackage(pkg: string, parent = paths.tmp(), uid = process.getuid?.()): Promise<{ root: string; dispose: () => Promise<void> }> {
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, `${pkg}-`));
  try {
    await download(pkg, work, uid);
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb file`);
    const root = join(work, 'root');
    await run('dpkg-deb', ['-x', join(work, deb), root], { timeout: 300_000 });
    return { root, dispose: () => rm(work, { recursive: true, force: true }) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').pop() || (error as Error).message;
    const fix = UNKNOWN.test(detail) && !updated.system && !updated.private ? 'run `apt-get update` as root, then try again' : `see \`apt-get download ${pkg}\``;
    throw new Error(`could not get Debian package ${pkg}: ${detail.trim()}; ${fix}`);
  }
}
