import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { paths } from './home.js';

const run = promisify(execFile);
// What apt says when its lists lack the package (it may know the name from another package's dependencies).
const UNKNOWN = /Unable to locate package|has no (installation )?candidate|No packages found/i;

/**
 * Whether a failed `apt-get download` is worth an `apt-get update` and a second try: apt does not know the
 * package (its lists are empty or old, as on a fresh machine or in a container) and we are root, who may update.
 */
export function listsNeedUpdate(stderr: string, uid: number | undefined): boolean {
  return uid === 0 && UNKNOWN.test(stderr);
}

/** One update per process is enough: a second would find the same lists. */
let updated: Promise<unknown> | undefined;

async function download(pkg: string, cwd: string): Promise<void> {
  const get = () => run('apt-get', ['download', pkg], { cwd, timeout: 300_000 });
  try {
    await get();
  } catch (error) {
    if (updated || !listsNeedUpdate(String((error as { stderr?: string }).stderr ?? ''), process.getuid?.())) throw error;
    updated = run('apt-get', ['update'], { timeout: 300_000 });
    await updated;
    await get();
  }
}

/**
 * Downloads a Debian package with apt-get (no root needed once apt's lists exist; as root, lists that do not
 * know it are updated first) and unpacks it with dpkg-deb into a fresh folder under `parent` (HUB_HOME/tmp).
 * Returns the unpacked root and a function that removes it all.
 */
export async function fetchDebianPackage(pkg: string, parent = paths.tmp()): Promise<{ root: string; dispose: () => Promise<void> }> {
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, `${pkg}-`));
  try {
    await download(pkg, work);
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb file`);
    const root = join(work, 'root');
    await run('dpkg-deb', ['-x', join(work, deb), root], { timeout: 300_000 });
    return { root, dispose: () => rm(work, { recursive: true, force: true }) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').pop() || (error as Error).message;
    const fix = UNKNOWN.test(detail) && !updated ? 'run `apt-get update` as root, then try again' : `see \`apt-get download ${pkg}\``;
    throw new Error(`could not get Debian package ${pkg}: ${detail.trim()}; ${fix}`);
  }
}
