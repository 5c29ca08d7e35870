import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { paths } from '../artifacts/home.js';
import { progressBar } from '../artifacts/progress-bar.js';
import type { ResolvedModule } from '../modules/resolve.js';
import type { InstallResult } from '../modules/types.js';

// Preparing a module's weights, for `hub install`, `hub run` and the start of a server: the cache first, else
// the module's own install, drawn by the progress bar.

/**
 * Uses prepared weights where the cache has them, else installs them. `force` prepares again from the source:
 * the module's folder under HUB_HOME is set aside first (so no cached conversion is reused) and put back if the
 * new preparation fails, so a failed `hub install --force` leaves the old one working. Progress goes to `stream`;
 * null prints none.
 */
export async function ensureInstalled(module: ResolvedModule, force = false, stream: NodeJS.WriteStream | null = process.stdout): Promise<InstallResult> {
  const { definition, initArgs } = module;
  const cached = force ? undefined : await definition.installed(initArgs);
  if (cached) return cached;
  const { progress, stop } = progressBar(definition.manifest.name, stream);
  const folder = paths.module(definition.manifest.name);
  const aside = `${folder}.previous-${process.pid}`;
  const setAside = force && existsSync(folder);
  if (setAside) await rename(folder, aside);
  try {
    const result = await definition.install(initArgs, progress);
    if (setAside) await rm(aside, { recursive: true, force: true });
    return result;
  } catch (error) {
    if (setAside) {
      await rm(folder, { recursive: true, force: true });
      await rename(aside, folder);
    }
    throw error;
  } finally {
    stop();
  }
}
