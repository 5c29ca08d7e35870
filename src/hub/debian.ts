import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Downloads a Debian package with apt-get (no root needed once apt's lists exist) and unpacks it with
 * dpkg-deb into a fresh folder under `parent`. Returns the unpacked root and a function that removes it all.
 */
export async function fetchDebianPackage(pkg: string, parent: string): Promise<{ root: string; dispose: () => Promise<void> }> {
  const work = await mkdtemp(join(parent, `${pkg}-`));
  try {
    await run('apt-get', ['download', pkg], { cwd: work, timeout: 300_000 });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb file`);
    const root = join(work, 'root');
    await run('dpkg-deb', ['-x', join(work, deb), root], { timeout: 300_000 });
    return { root, dispose: () => rm(work, { recursive: true, force: true }) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').pop() || (error as Error).message;
    throw new Error(`could not get Debian package ${pkg}: ${detail}`);
  }
}
